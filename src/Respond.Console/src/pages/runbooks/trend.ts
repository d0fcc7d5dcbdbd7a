// A runbook's recent runs as chart points, oldest first: what a drill measured (RTO against its target) or what a backup
// verification measured (backup age, restore time), with failed runs marked.
import type { RunbookRun } from '../../api/runbooks';
import { when } from '../../components/when';
import { figures } from './figures';

export type TrendKind = 'drill' | 'backup' | 'none';

export interface RunPoint {
  runId: string;
  at: string;
  label: string;
  status: RunbookRun['status'];
  failed: boolean;
  rto: number | null;
  target: number | null;
  backupAge: number | null;
  restore: number | null;
  /** Where the chart marks a failed run on its figure, when it measured one (every failed run also gets a vertical line). */
  failedMark: number | null;
  /** The run in words, for the table beside the chart. */
  words: string;
}

/** A drill when any run measured an RTO, a backup verification when any measured a backup's age or a restore. */
export function trendKind(runs: readonly RunbookRun[]): TrendKind {
  if (runs.some((r) => r.rtoSeconds !== null)) return 'drill';
  if (runs.some((r) => r.backupAgeSeconds !== null || r.restoreSeconds !== null)) return 'backup';
  return 'none';
}

/** The runs (the API answers newest first) as points oldest first, so time runs left to right. */
export function runPoints(runs: readonly RunbookRun[], kind: TrendKind = trendKind(runs)): RunPoint[] {
  return [...runs]
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .map((r) => {
      const failed = r.status === 'failed';
      const value = kind === 'drill' ? r.rtoSeconds : kind === 'backup' ? (r.backupAgeSeconds ?? r.restoreSeconds) : null;
      const measured = figures(r);
      return {
        runId: r.runId,
        at: r.startedAt,
        label: shortDay(r.startedAt),
        status: r.status,
        failed,
        rto: r.rtoSeconds,
        target: r.rtoTargetSeconds,
        backupAge: r.backupAgeSeconds,
        restore: r.restoreSeconds,
        failedMark: failed ? value : null,
        words: [r.status, ...measured, ...(failed && r.error ? [r.error] : [])].join(' · '),
      };
    });
}

/** The latest RTO target the runs were measured against, for the reference line (null when none names one). */
export function latestTarget(points: readonly RunPoint[]): number | null {
  for (const p of [...points].reverse()) if (p.target !== null) return p.target;
  return null;
}

/** The highest figure the chart must show (the target included), for a two-tick axis: 0 and this. */
export function axisTop(points: readonly RunPoint[], kind: TrendKind, target: number | null): number {
  const values = points.flatMap((p) => (kind === 'drill' ? [p.rto] : [p.backupAge, p.restore]));
  return Math.max(target ?? 0, ...values.filter((v): v is number => v !== null), 0);
}

/** A duration in its largest unit only, for a narrow axis: "45 s", "7 min", "26 h", "3 d". */
export function axisDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** "12-06 02:00": enough on a small axis; the table beside it gives the full time. */
function shortDay(iso: string): string {
  const full = when(iso, 'UTC'); // "2026-12-06 02:00:00 UTC"
  return full.length >= 16 ? full.slice(5, 16) : full;
}
