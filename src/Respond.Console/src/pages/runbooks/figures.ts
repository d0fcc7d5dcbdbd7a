import type { RunbookRun } from '../../api/runbooks';

/** Seconds as a responder reads them: "42 s", "3 min 5 s", "2 h 10 min", "1 d 4 h". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${seconds < 10 ? Math.round(seconds * 10) / 10 : s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86400)} d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)} h` : ''}`;
}

/** The measured figures of a run, in words, in the order a report quotes them. */
export function figures(run: RunbookRun): string[] {
  const out: string[] = [];
  if (run.rtoSeconds !== null) {
    out.push(`RTO ${duration(run.rtoSeconds)}${run.rtoTargetSeconds !== null ? ` (target ${duration(run.rtoTargetSeconds)})` : ''}`);
  }
  if (run.rpoSeconds !== null) out.push(`RPO ${duration(run.rpoSeconds)}`);
  if (run.backupAgeSeconds !== null) out.push(`backup ${duration(run.backupAgeSeconds)} old`);
  if (run.restoreSeconds !== null) out.push(`restored in ${duration(run.restoreSeconds)}`);
  return out;
}
