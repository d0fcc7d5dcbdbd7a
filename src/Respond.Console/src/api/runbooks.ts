import { api } from './http';

/** What one run measured (SPEC §8); null when the runbook does not measure it. */
export interface RunbookRun {
  runId: string;
  status: 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
  trigger: string;
  startedBy: string;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  backupAgeSeconds: number | null;
  restoreSeconds: number | null;
  rtoSeconds: number | null;
  rtoTargetSeconds: number | null;
  rpoSeconds: number | null;
}

export interface Runbook {
  id: string;
  name: string;
  description: string | null;
  schedule: string;
  timeZone: string;
  scheduled: boolean;
  notScheduledReason: string | null;
  nextRunAt: string | null;
  lastRun: RunbookRun | null;
}

export const listRunbooks = (signal?: AbortSignal) => api<{ items: Runbook[] }>('/api/runbooks', { signal });

export const runNow = (id: string) =>
  api<{ runId: string }>(`/api/runbooks/${encodeURIComponent(id)}/trigger`, { method: 'POST' });
