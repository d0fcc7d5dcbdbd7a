import { api } from './http';

export const SOURCE_KINDS = ['azure-monitor', 'defender', 'alertmanager', 'grafana', 'generic'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export type SourceAuth = 'token' | 'signature';

/** One source of GET /api/sources (SPEC §2): never a secret. */
export interface Source {
  name: string;
  kind: string;
  webhookPath: string;
  origin: 'configuration' | 'console';
  auth: SourceAuth[];
}

/** What adding or rotating answers, this once: the token or the signing secret. */
export interface IssuedSecret {
  name: string;
  kind: string;
  webhookPath: string;
  token?: string;
  signingSecret?: string;
}

/** A generic source's JSONPath mapping, as POST /api/sources takes it. */
export interface Mapping {
  title: string;
  severity?: string;
  fingerprint: string;
  description?: string;
  category?: string;
  status?: string;
}

export interface TestAlertAnswer {
  alerts: { alertId: string; incidentId: string | null; disposition: string }[];
}

export const SOURCES_KEY = ['sources'] as const;

export const listSources = (signal?: AbortSignal) => api<{ items: Source[] }>('/api/sources', { signal });

export const addSource = (body: { name: string; kind: string; auth: SourceAuth; mapping?: Mapping }) =>
  api<IssuedSecret>('/api/sources', { method: 'POST', body });

const path = (name: string) => `/api/sources/${encodeURIComponent(name)}`;

export const rotateSource = (name: string) => api<IssuedSecret>(`${path(name)}/rotate`, { method: 'POST' });

export const deleteSource = (name: string) => api<void>(path(name), { method: 'DELETE' });

export const sendTestAlert = (name: string) => api<TestAlertAnswer>(`${path(name)}/test`, { method: 'POST' });
