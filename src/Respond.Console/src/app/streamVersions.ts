// Every feed item carries its stream's version. After a reconnect the server replays from Last-Event-ID, and two tabs'
// worth of retries can repeat an item: one that is not newer than what this page already saw changes nothing, so an
// older state never follows a newer one.
import type { FeedItem } from './liveFeed';

export type StreamVersions = ReadonlyMap<string, number>;

export const NO_VERSIONS: StreamVersions = new Map();

/** The stream a feed item belongs to: an incident's or a run's (approvals live in their run's stream). */
export const streamOf = (item: FeedItem) => `${item.kind === 'incident' ? 'incident' : 'run'}:${item.id}`;

/** Folds one item in: `fresh` when it is newer than anything seen for its stream. */
export function seeItem(versions: StreamVersions, item: FeedItem): { versions: StreamVersions; fresh: boolean } {
  const key = streamOf(item);
  const seen = versions.get(key);
  if (seen !== undefined && item.version <= seen) return { versions, fresh: false };
  const next = new Map(versions);
  next.set(key, item.version);
  return { versions: next, fresh: true };
}

/** Whether a state read through the API (with its version) is at least as new as the feed has announced. */
export function isCurrent(versions: StreamVersions, stream: string, version: number): boolean {
  return version >= (versions.get(stream) ?? 0);
}
