import { api } from './http';
import type { RunbookRun } from './runbooks';

/** `GET /api/runbooks/{id}/runs`: the runbook's runs, newest first, each with what it measured. */
export const listRunbookRuns = (id: string, pageSize: number, signal?: AbortSignal) =>
  api<{ items: RunbookRun[]; page: number; pageSize: number; total: number }>(
    `/api/runbooks/${encodeURIComponent(id)}/runs?page=1&pageSize=${pageSize}`,
    { signal },
  );
