import { api } from './http';

/** `GET /api/metrics/soc`: incidents opened in [from, to); means in seconds, null when no incident reached that milestone. */
export interface SocMetrics {
  from: string;
  to: string;
  total: number;
  mtta: number | null;
  mttc: number | null;
  mttr: number | null;
  byStatus: Record<string, number>;
  bySeverity: Record<string, number>;
  bySource: Record<string, number>;
  containment: { automated: number; manual: number };
}

export type TrendInterval = 'hour' | 'day';

/** One bucket of `GET /api/metrics/soc/trend`, starting at `at`; the counts say how many incidents each mean covers. */
export interface TrendPoint {
  at: string;
  mtta: number | null;
  mttc: number | null;
  mttr: number | null;
  opened: number;
  acknowledged: number;
  contained: number;
  recovered: number;
}

export interface SocTrend {
  from: string;
  to: string;
  interval: TrendInterval;
  points: TrendPoint[];
}

const range = (from: string, to: string) => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

export const getSocMetrics = (from: string, to: string, signal?: AbortSignal) =>
  api<SocMetrics>(`/api/metrics/soc?${range(from, to)}`, { signal });

export const getSocTrend = (from: string, to: string, interval: TrendInterval, signal?: AbortSignal) =>
  api<SocTrend>(`/api/metrics/soc/trend?${range(from, to)}&interval=${interval}`, { signal });
