// Pure shaping of the metrics answers into what the charts and their tables show.
import type { TrendInterval, TrendPoint } from '../../api/metrics';
import { SEVERITIES, STATUSES } from '../../api/types';
import { duration } from '../runbooks/figures';

/** A mean in words ("4 min 12 s"), or "—" when no incident reached the milestone. */
export function durationWords(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '—' : duration(seconds);
}

/** A bucket's start as the axis and the table name it: "06 Dec" for days, "06 Dec 14:00" for hours, in UTC. */
export function bucketLabel(at: string, interval: TrendInterval): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  const day = `${String(date.getUTCDate()).padStart(2, '0')} ${MONTHS[date.getUTCMonth()]}`;
  return interval === 'hour' ? `${day} ${String(date.getUTCHours()).padStart(2, '0')}:00` : day;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface ChartPoint {
  at: string;
  label: string;
  mtta: number | null;
  mttc: number | null;
  mttr: number | null;
  opened: number;
}

export function trendPoints(points: readonly TrendPoint[], interval: TrendInterval): ChartPoint[] {
  return points.map((p) => ({
    at: p.at,
    label: bucketLabel(p.at, interval),
    mtta: p.mtta,
    mttc: p.mttc,
    mttr: p.mttr,
    opened: p.opened,
  }));
}

export interface Bar {
  name: string;
  count: number;
}

/**
 * Counts as bars: the known words first in the contract's order (severity from critical down, status along the lifecycle)
 * with zeros left out, then any other word by count. Sources have no fixed order, so they go by count, then name.
 */
export function bars(counts: Readonly<Record<string, number>>, order: readonly string[] = []): Bar[] {
  const known = order.filter((name) => (counts[name] ?? 0) > 0).map((name) => ({ name, count: counts[name] ?? 0 }));
  const rest = Object.entries(counts)
    .filter(([name, count]) => !order.includes(name) && count > 0)
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return [...known, ...rest];
}

export const severityBars = (counts: Readonly<Record<string, number>>) => bars(counts, SEVERITIES);
export const statusBars = (counts: Readonly<Record<string, number>>) => bars(counts, STATUSES);
