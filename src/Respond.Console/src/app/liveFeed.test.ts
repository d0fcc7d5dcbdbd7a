import { describe, expect, it } from 'vitest';
import { staleQueries, type FeedItem } from './liveFeed';

const base = { version: 2, at: '2026-12-06T21:00:00Z', actor: 'responder' };

describe('staleQueries', () => {
  it('refreshes the queue and the incident on an incident event', () => {
    const item: FeedItem = { ...base, kind: 'incident', type: 'IncidentAcknowledged', id: 'i1', incidentId: 'i1' };
    expect(staleQueries(item)).toEqual([['incidents'], ['incident', 'i1']]);
  });

  it('refreshes runs, approvals, the run and its incident on an approval event', () => {
    const item: FeedItem = { ...base, kind: 'approval', type: 'ApprovalRequested', id: 'r1', runId: 'r1', incidentId: 'i1', approvalId: 'a1' };
    expect(staleQueries(item)).toEqual([['incidents'], ['incident', 'i1'], ['runs'], ['approvals'], ['runbooks'], ['run', 'r1']]);
  });

  it('refreshes runs only for a runbook run, which has no incident', () => {
    const item: FeedItem = { ...base, kind: 'run', type: 'PlaybookRunStarted', id: 'r2', runId: 'r2' };
    expect(staleQueries(item)).toEqual([['runs'], ['approvals'], ['runbooks'], ['run', 'r2']]);
  });
});
