import { describe, expect, it } from 'vitest';
import type { FeedItem } from './liveFeed';
import { isCurrent, NO_VERSIONS, seeItem, streamOf, type StreamVersions } from './streamVersions';

const item = (id: string, version: number, kind: FeedItem['kind'] = 'incident'): FeedItem =>
  ({ kind, type: 'X', id, version, at: '2026-12-06T21:00:00Z', actor: 'a' });

function fold(items: FeedItem[]) {
  let versions: StreamVersions = NO_VERSIONS;
  const fresh: boolean[] = [];
  for (const i of items) {
    const seen = seeItem(versions, i);
    versions = seen.versions;
    fresh.push(seen.fresh);
  }
  return { versions, fresh };
}

describe('stream versions of the live feed', () => {
  it('takes items in order, per stream', () => {
    const { versions, fresh } = fold([item('i1', 1), item('i1', 2), item('i2', 1), item('i1', 3)]);
    expect(fresh).toEqual([true, true, true, true]);
    expect(versions.get('incident:i1')).toBe(3);
  });

  it('ignores a replayed or out-of-order older item, so the page never goes back in time', () => {
    const { versions, fresh } = fold([item('i1', 4), item('i1', 3), item('i1', 4), item('i1', 5)]);
    expect(fresh).toEqual([true, false, false, true]);
    expect(versions.get('incident:i1')).toBe(5);
  });

  it('keeps incidents and runs with the same id apart; approvals count in their run', () => {
    expect(streamOf(item('x', 1, 'approval'))).toBe('run:x');
    const { fresh } = fold([item('x', 7, 'incident'), item('x', 2, 'run'), item('x', 3, 'approval')]);
    expect(fresh).toEqual([true, true, true]);
  });

  it('tells whether a state read through the API is as new as the feed announced', () => {
    const { versions } = fold([item('i1', 6)]);
    expect(isCurrent(versions, 'incident:i1', 5)).toBe(false);
    expect(isCurrent(versions, 'incident:i1', 6)).toBe(true);
    expect(isCurrent(versions, 'incident:unknown', 1)).toBe(true);
  });
});
