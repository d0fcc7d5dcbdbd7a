// The incident detail page's API: the incident (now or at a version), its timeline, its runs, and its commands.
// Shapes as SPEC §8 and the server's IncidentDetails / GetTimeline / RunView write them.
import { api, type RequestOptions } from './http';
import type { IncidentDetails, Page, Severity } from './types';

export const CLASSIFICATIONS = ['true-positive', 'benign-positive', 'false-positive', 'undetermined'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export interface Entities {
  hosts: string[];
  accounts: string[];
  ips: string[];
  resources: string[];
}

export interface IncidentAlert {
  id: string;
  externalId: string;
  source: string;
  kind: string;
  title: string;
  severity: Severity;
  status: 'firing' | 'resolved';
  category: string | null;
  firedAt: string | null;
  resolvedAt: string | null;
}

export interface Observable {
  type: string;
  value: string;
}

export interface IncidentComment {
  id: string;
  text: string;
  author: string;
  at: string;
}

/** `GET /api/incidents/{id}` in full: the queue's fields plus what the detail page shows. */
export interface IncidentView extends IncidentDetails {
  correlationKey: string | null;
  containedAutomatically: boolean;
  entities: Entities;
  entitiesOmitted: Record<keyof Entities, number>;
  observables: Observable[];
  alerts: IncidentAlert[];
  comments: IncidentComment[];
  runs: { id: string; playbookId: string; status: RunStatus }[];
  isClosed: boolean;
}

/** One timeline entry: an incident event (its version is the incident's) or a run's (runId set, version is the run's). */
export interface TimelineEntry {
  version: number;
  type: string;
  at: string;
  actor: string;
  actorName?: string;
  data: Record<string, unknown>;
  runId?: string | null;
}

export type RunStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

export interface RunItem {
  id: string;
  playbookId: string;
  playbookVersion: number;
  playbookName: string;
  incidentId: string | null;
  status: RunStatus;
  trigger: string;
  startedBy: string;
  startedAt: string;
  endedAt: string | null;
  error: string | null;
}

export interface RunStep {
  id: string;
  type: string;
  name: string | null;
  status: StepStatus;
  attempts: number;
  outcome: string | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
  retryAt: string | null;
}

export interface RunView extends RunItem {
  version: number;
  failedStepId: string | null;
  steps: RunStep[];
}

const incidentPath = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;

export const getIncidentNow = (id: string, signal?: AbortSignal) => api<IncidentView>(incidentPath(id), { signal });

export const getIncidentAt = (id: string, version: number, signal?: AbortSignal) =>
  api<IncidentView>(`${incidentPath(id)}?version=${version}`, { signal });

export const getTimeline = (id: string, signal?: AbortSignal) =>
  api<{ items: TimelineEntry[] }>(`${incidentPath(id)}/timeline`, { signal });

export const listRunsOf = (incidentId: string, signal?: AbortSignal) =>
  api<Page<RunItem>>(`/api/runs?incidentId=${encodeURIComponent(incidentId)}&pageSize=100`, { signal });

export const getRun = (runId: string, signal?: AbortSignal) => api<RunView>(`/api/runs/${encodeURIComponent(runId)}`, { signal });

/** The commands of SPEC §3 and the body each takes. */
export type IncidentCommand =
  | { kind: 'acknowledge' }
  | { kind: 'assign'; assignee: string }
  | { kind: 'severity'; severity: Severity; reason: string }
  | { kind: 'comment'; text: string }
  | { kind: 'observable'; type: string; value: string }
  | { kind: 'contain'; summary: string }
  | { kind: 'recover'; summary: string }
  | { kind: 'close'; classification: Classification; reason: string }
  | { kind: 'reopen'; reason: string };

const COMMAND_PATHS: Record<IncidentCommand['kind'], string> = {
  acknowledge: 'acknowledge',
  assign: 'assign',
  severity: 'severity',
  comment: 'comments',
  observable: 'observables',
  contain: 'contain',
  recover: 'recover',
  close: 'close',
  reopen: 'reopen',
};

/**
 * The request for a command, conditional on the version the user saw (`If-Match: "<version>"`): if anyone changed the
 * incident since, the server answers 412 instead of acting on a state the user never saw.
 */
export function commandRequest(id: string, command: IncidentCommand, shownVersion: number): { path: string; options: RequestOptions } {
  const { kind, ...body } = command;
  return {
    path: `${incidentPath(id)}/${COMMAND_PATHS[kind]}`,
    options: { method: 'POST', body, headers: { 'If-Match': `"${shownVersion}"` } },
  };
}

export function sendCommand(id: string, command: IncidentCommand, shownVersion: number) {
  const { path, options } = commandRequest(id, command, shownVersion);
  return api<{ id: string; version: number }>(path, options);
}
