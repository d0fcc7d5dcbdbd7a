// The dashboard's range lives in the URL (`?range=7d`). Both calls of one view ask for the same [from, to), rounded out to
// whole buckets in UTC, so the headline figures and the chart cover exactly the same incidents and the key stays stable.
import type { TrendInterval } from '../../api/metrics';

export const RANGES = [
  { id: '24h', label: 'Last 24 hours', buckets: 24, interval: 'hour' },
  { id: '7d', label: 'Last 7 days', buckets: 7, interval: 'day' },
  { id: '30d', label: 'Last 30 days', buckets: 30, interval: 'day' },
  { id: '90d', label: 'Last 90 days', buckets: 90, interval: 'day' },
] as const satisfies readonly { id: string; label: string; buckets: number; interval: TrendInterval }[];

export type RangeId = (typeof RANGES)[number]['id'];

export const DEFAULT_RANGE: RangeId = '7d';

export function rangeFromSearch(search: URLSearchParams): RangeId {
  const raw = (search.get('range') ?? '').trim().toLowerCase();
  return RANGES.find((r) => r.id === raw)?.id ?? DEFAULT_RANGE;
}

export interface Window {
  from: string;
  to: string;
  interval: TrendInterval;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** [from, to) ending at the end of the current hour or UTC day, as many buckets back as the range has. */
export function rangeWindow(id: RangeId, now: Date): Window {
  const range = RANGES.find((r) => r.id === id) ?? RANGES[1];
  const step = range.interval === 'hour' ? HOUR : DAY;
  const to = Math.floor(now.getTime() / step) * step + step;
  const from = to - range.buckets * step;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), interval: range.interval };
}
