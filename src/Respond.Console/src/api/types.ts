// The API's shapes, as SPEC §8 fixes them (camelCase, lower-case enumeration words, ISO-8601 UTC times).

export const STATUSES = ['new', 'acknowledged', 'contained', 'recovered', 'closed'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface IncidentSummary {
  id: string;
  version: number;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  classification: string | null;
  assignee: string | null;
  sources: string[];
  openedAt: string;
  acknowledgedAt: string | null;
  containedAt: string | null;
  recoveredAt: string | null;
  closedAt: string | null;
  updatedAt: string;
}

export interface IncidentDetails extends IncidentSummary {
  description: string | null;
  openedBy: string;
  alertCount: number;
}

export interface Session {
  name: string;
  /** The person's name for display (an OIDC session's `name` is the provider's stable id). */
  displayName?: string;
  roles: string[];
}
