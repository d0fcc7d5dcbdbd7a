import { api } from './http';
import type { IncidentDetails, IncidentSummary, Page } from './types';

export const listIncidents = (query: string, signal?: AbortSignal) =>
  api<Page<IncidentSummary>>(`/api/incidents${query ? `?${query}` : ''}`, { signal });

export const getIncident = (id: string, signal?: AbortSignal) =>
  api<IncidentDetails>(`/api/incidents/${encodeURIComponent(id)}`, { signal });
