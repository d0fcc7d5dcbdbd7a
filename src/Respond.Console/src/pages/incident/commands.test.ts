import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { commandRequest } from '../../api/incident';
import { allowedActions, draftsReducer, failed, succeeded, type Drafts } from './commands';

describe('allowedActions', () => {
  const sorted = (s: Set<string>) => [...s].sort();

  it('offers what the status allows, as the server decides it', () => {
    expect(sorted(allowedActions('new'))).toEqual(['acknowledge', 'assign', 'close', 'comment', 'contain', 'observable', 'recover', 'severity']);
    expect(sorted(allowedActions('acknowledged'))).toEqual(['assign', 'close', 'comment', 'contain', 'observable', 'recover', 'severity']);
    expect(sorted(allowedActions('contained'))).toEqual(['assign', 'close', 'comment', 'observable', 'recover', 'severity']);
    expect(sorted(allowedActions('recovered'))).toEqual(['assign', 'close', 'comment', 'observable', 'severity']);
    expect(sorted(allowedActions('closed'))).toEqual(['comment', 'reopen']);
  });
});

describe('commandRequest', () => {
  it('posts to the command route with If-Match naming the version shown', () => {
    const { path, options } = commandRequest('i-1', { kind: 'comment', text: 'Looking' }, 7);
    expect(path).toBe('/api/incidents/i-1/comments');
    expect(options).toEqual({ method: 'POST', body: { text: 'Looking' }, headers: { 'If-Match': '"7"' } });
  });

  it('maps every command to its route and body', () => {
    const cases = [
      [{ kind: 'acknowledge' }, 'acknowledge', {}],
      [{ kind: 'assign', assignee: 'alice' }, 'assign', { assignee: 'alice' }],
      [{ kind: 'severity', severity: 'critical', reason: 'r' }, 'severity', { severity: 'critical', reason: 'r' }],
      [{ kind: 'observable', type: 'ip', value: '1.2.3.4' }, 'observables', { type: 'ip', value: '1.2.3.4' }],
      [{ kind: 'contain', summary: 's' }, 'contain', { summary: 's' }],
      [{ kind: 'recover', summary: 's' }, 'recover', { summary: 's' }],
      [{ kind: 'close', classification: 'false-positive', reason: 'r' }, 'close', { classification: 'false-positive', reason: 'r' }],
      [{ kind: 'reopen', reason: 'r' }, 'reopen', { reason: 'r' }],
    ] as const;
    for (const [command, route, body] of cases) {
      const request = commandRequest('x y', command, 1);
      expect(request.path).toBe(`/api/incidents/x%20y/${route}`);
      expect(request.options.body).toEqual(body);
    }
  });
});

describe('drafts', () => {
  const typed = (): Drafts => {
    let drafts: Drafts = {};
    drafts = draftsReducer(drafts, { type: 'edit', field: 'comment.text', value: 'Blocked at the edge' });
    drafts = draftsReducer(drafts, { type: 'edit', field: 'close.reason', value: 'Pen test' });
    return draftsReducer(drafts, { type: 'edit', field: 'severity.reason', value: 'Spreading' });
  };

  it('keeps every typed text through a 412: only success clears, and only its own action', () => {
    const outcome = failed(new ApiError(412, { title: 'The incident has changed since you read it.' }));
    expect(outcome.kind).toBe('stale');
    expect(outcome.reload).toBe(true);
    expect(outcome.message).toMatch(/^Someone else changed this incident/);
    expect(outcome.message).toContain('your text is kept');
    // The page applies nothing to the drafts on failure, so they are as typed.
    const drafts = typed();
    expect(drafts['comment.text']).toBe('Blocked at the edge');

    const afterSend = draftsReducer(drafts, { type: 'sent', action: 'comment' });
    expect(afterSend).toEqual({ 'close.reason': 'Pen test', 'severity.reason': 'Spreading' });
  });
});

describe('outcomes in words', () => {
  it('says what a 409 refused, and reloads', () => {
    const outcome = failed(new ApiError(409, { detail: 'The incident is already acknowledged.' }));
    expect(outcome).toEqual({
      kind: 'refused',
      message: 'Not done: The incident is already acknowledged. The page now shows the incident as it is.',
      reload: true,
    });
  });

  it('explains bad input, a missing role, a lost network, and success', () => {
    expect(failed(new ApiError(400, { detail: "'x' is not an IP address." })).message).toBe("Not done: 'x' is not an IP address.");
    expect(failed(new ApiError(403, {})).kind).toBe('forbidden');
    expect(failed(new TypeError('Failed to fetch'))).toMatchObject({ kind: 'failed', reload: false });
    expect(failed(new ApiError(500, { title: 'Boom' })).message).toBe('Not done: Boom');
    expect(succeeded('comment', 9)).toEqual({ kind: 'done', message: 'Comment added (version 9).', reload: true });
  });
});
