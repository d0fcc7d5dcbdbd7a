// Time travel over the timeline. Incident entries carry the incident's version; a run's entries carry the run's own version,
// so they are placed by order: the server sorts by time (an incident event first on a tie), and whatever comes from the
// incident's version N+1 on happened after version N.
import type { TimelineEntry } from '../../api/incident';

const isIncidentEntry = (entry: Pick<TimelineEntry, 'runId'>) => !entry.runId;

/** For each entry (in the server's order), whether it happened after the incident's version `version`. */
export function laterThan(entries: Pick<TimelineEntry, 'version' | 'runId'>[], version: number | null): boolean[] {
  if (version === null) return entries.map(() => false);
  const next = entries.findIndex((e) => isIncidentEntry(e) && e.version > version);
  return entries.map((_, i) => next >= 0 && i >= next);
}

/** The incident entry that made version `version`, if the timeline has it. */
export function entryOfVersion<T extends Pick<TimelineEntry, 'version' | 'runId'>>(entries: T[], version: number): T | undefined {
  return entries.find((e) => isIncidentEntry(e) && e.version === version);
}

/** The version a slider value stands for: the top of the range is "now" (null), anything else a past version. */
export function sliderVersion(value: number, current: number): number | null {
  if (!Number.isFinite(value) || value >= current) return null;
  return Math.max(1, Math.floor(value));
}

/** `?version=N` from the page's address: a whole number from 1, below the current version, or null for now. */
export function versionFromSearch(raw: string | null, current: number | undefined): number | null {
  if (!raw || !/^\d+$/.test(raw)) return null;
  const version = Number(raw);
  if (version < 1) return null;
  return current !== undefined && version >= current ? null : version;
}
