import { partialMatchKey, type QueryKey } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { staleQueries, type FeedItem } from '../../app/liveFeed';
import { incidentKey, pastKey, runKey, runsKey, timelineKey } from './useIncident';

// What the live feed refreshes (invalidateQueries matches by key prefix), for a key this page reads.
const refreshes = (item: FeedItem, key: QueryKey) => staleQueries(item).some((stale) => partialMatchKey(key, stale));
const base = { version: 4, at: '2026-12-06T21:00:00Z', actor: 'responder' };

describe('the page\'s query keys and the live feed', () => {
  const incidentEvent: FeedItem = { ...base, kind: 'incident', type: 'CommentAdded', id: 'i1', incidentId: 'i1' };
  const runEvent: FeedItem = { ...base, kind: 'run', type: 'StepSucceeded', id: 'r1', runId: 'r1', incidentId: 'i1' };
  const approvalEvent: FeedItem = { ...base, kind: 'approval', type: 'ApprovalRequested', id: 'r1', runId: 'r1', incidentId: 'i1' };

  it('refreshes the incident and its timeline on its events, not another incident\'s', () => {
    expect(refreshes(incidentEvent, incidentKey('i1'))).toBe(true);
    expect(refreshes(incidentEvent, timelineKey('i1'))).toBe(true);
    expect(refreshes(incidentEvent, incidentKey('i2'))).toBe(false);
  });

  it('refreshes the runs, the run and the timeline on a run or approval event', () => {
    for (const item of [runEvent, approvalEvent]) {
      expect(refreshes(item, runsKey('i1'))).toBe(true);
      expect(refreshes(item, runKey('r1'))).toBe(true);
      expect(refreshes(item, timelineKey('i1'))).toBe(true);
      expect(refreshes(item, runKey('r2'))).toBe(false);
    }
  });

  it('leaves a past version alone: it can never change', () => {
    for (const item of [incidentEvent, runEvent, approvalEvent]) expect(refreshes(item, pastKey('i1', 2))).toBe(false);
  });
});
