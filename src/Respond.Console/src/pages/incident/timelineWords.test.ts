import { describe, expect, it } from 'vitest';
import { timelineWords, who, WORDED_TYPES, type TimelineWords } from './timelineWords';

const RUN = 'r-1';
const alert = {
  id: 'a-1',
  externalId: 'ext-1',
  source: 'alertmanager',
  kind: 'alertmanager',
  title: 'Disk filling',
  severity: 'medium',
  status: 'firing',
  category: 'Disk',
  firedAt: null,
  resolvedAt: null,
};

// Each event as the server writes it in `data` (camelCase, lower-case enumeration words), and the words it must read as.
const CASES: [string, Record<string, unknown>, TimelineWords, string?][] = [
  [
    'IncidentOpened',
    { title: 'Brute force on web-01', severity: 'high', description: 'Many failed sign-ins', source: 'generic', alert: { ...alert, source: 'generic' } },
    { sentence: 'Opened the incident “Brute force on web-01”, severity high, from a generic alert.', detail: 'Many failed sign-ins' },
  ],
  ['AlertCorrelated', { alert }, { sentence: 'Alert “Disk filling” from alertmanager joined the incident (severity medium).' }],
  ['AlertResolved', { alertId: 'a-1', source: 'generic', externalId: 'ext-9' }, { sentence: 'Alert ext-9 from generic was resolved at the source.' }],
  ['IncidentAcknowledged', {}, { sentence: 'Acknowledged the incident.' }],
  ['IncidentAssigned', { assignee: 'alice' }, { sentence: 'Assigned the incident to alice.' }],
  [
    'SeverityChanged',
    { from: 'high', to: 'critical', reason: 'Domain admin involved' },
    { sentence: 'Changed the severity from high to critical.', detail: 'Domain admin involved' },
  ],
  ['CommentAdded', { commentId: 'c-1', text: 'Looking into it' }, { sentence: 'Commented.', detail: 'Looking into it' }],
  ['ObservableAdded', { type: 'ip', value: '198.51.100.7' }, { sentence: 'Added the observable ip 198.51.100.7.' }],
  ['IncidentContained', { summary: 'Host isolated', automated: false }, { sentence: 'Marked the incident contained.', detail: 'Host isolated' }],
  ['IncidentRecovered', { summary: 'Rebuilt' }, { sentence: 'Marked the incident recovered.', detail: 'Rebuilt' }],
  [
    'IncidentClosed',
    { classification: 'true-positive', reason: 'Confirmed' },
    { sentence: 'Closed the incident as true positive.', detail: 'Confirmed' },
  ],
  ['IncidentReopened', { reason: 'It came back' }, { sentence: 'Reopened the incident.', detail: 'It came back' }],
  [
    'PlaybookRunStarted',
    { runId: RUN, playbookId: 'contain', playbookVersion: 2, playbookName: 'Contain brute force', trigger: 'incident.opened', startedByHand: false },
    { sentence: 'Started the playbook “Contain brute force” (version 2) on incident opened.', runId: RUN },
  ],
  [
    'StepStarted',
    { runId: RUN, stepId: 'block', stepType: 'action', attempt: 2 },
    { sentence: 'Started step “block” (action), attempt 2.', runId: RUN },
  ],
  [
    'StepSucceeded',
    { runId: RUN, stepId: 'approve', attempt: 1, outcome: 'approved' },
    { sentence: 'Step “approve” succeeded with outcome “approved”.', runId: RUN },
  ],
  [
    'StepFailed',
    { runId: RUN, stepId: 'block', attempt: 5, error: 'The firewall answered 500.', retryAt: null },
    { sentence: 'Step “block” failed on attempt 5.', detail: 'The firewall answered 500.', runId: RUN },
  ],
  [
    'ApprovalRequested',
    { runId: RUN, approvalId: 'ap-1', stepId: 'approve', roles: ['approver'], users: ['bob'], quorum: 1, expiresAt: '2026-12-06T21:30:00Z', message: 'Block 203.0.113.9?' },
    {
      sentence: 'Asked for approval of step “approve” from role approver or bob, until 2026-12-06 21:30:00 UTC.',
      detail: 'Block 203.0.113.9?',
      runId: RUN,
    },
  ],
  [
    'ApprovalGranted',
    { runId: RUN, approvalId: 'ap-1', stepId: 'approve', comment: 'Go', grants: 1, quorum: 2 },
    { sentence: 'Approved step “approve” (1 of 2 needed).', detail: 'Go', runId: RUN },
  ],
  [
    'ApprovalRejected',
    { runId: RUN, approvalId: 'ap-1', stepId: 'approve', comment: 'Not that host' },
    { sentence: 'Rejected step “approve”.', detail: 'Not that host', runId: RUN },
  ],
  ['ApprovalExpired', { runId: RUN, approvalId: 'ap-1', stepId: 'approve' }, { sentence: 'The approval of step “approve” expired unanswered.', runId: RUN }],
  ['PlaybookRunCompleted', { runId: RUN }, { sentence: 'The playbook run completed.', runId: RUN }],
  [
    'PlaybookRunFailed',
    { runId: RUN, stepId: 'block', error: 'Gave up after 5 attempts.' },
    { sentence: 'The playbook run failed at step “block”.', detail: 'Gave up after 5 attempts.', runId: RUN },
  ],
  ['PlaybookRunCancelled', { runId: RUN, reason: 'Wrong host' }, { sentence: 'Cancelled the playbook run.', detail: 'Wrong host', runId: RUN }],
  ['PlaybookRunResumed', { runId: RUN, stepId: 'block' }, { sentence: 'Retried the playbook run from step “block”.', runId: RUN }],
];

describe('timelineWords', () => {
  it.each(CASES)('words %s', (type, data, expected) => {
    expect(timelineWords({ type, data }, 'UTC')).toEqual(expected);
  });

  it('words every type the incident and run streams write, and each is tested', () => {
    const incident = ['IncidentOpened', 'AlertCorrelated', 'AlertResolved', 'IncidentAcknowledged', 'IncidentAssigned', 'SeverityChanged',
      'CommentAdded', 'ObservableAdded', 'IncidentContained', 'IncidentRecovered', 'IncidentClosed', 'IncidentReopened'];
    const run = ['PlaybookRunStarted', 'StepStarted', 'StepSucceeded', 'StepFailed', 'ApprovalRequested', 'ApprovalGranted',
      'ApprovalRejected', 'ApprovalExpired', 'PlaybookRunCompleted', 'PlaybookRunFailed', 'PlaybookRunCancelled', 'PlaybookRunResumed'];
    expect([...WORDED_TYPES].sort()).toEqual([...incident, ...run].sort());
    expect(CASES.map((c) => c[0]).sort()).toEqual([...WORDED_TYPES].sort());
  });

  it('has variants: a manual opening, a playbook containment, a run started by hand, a failure that will be retried', () => {
    expect(timelineWords({ type: 'IncidentOpened', data: { title: 'By hand', severity: 'low', alert: null } }).sentence).toBe(
      'Opened the incident “By hand”, severity low.',
    );
    expect(timelineWords({ type: 'IncidentContained', data: { summary: '', automated: true } })).toEqual({
      sentence: 'Contained the incident automatically.',
    });
    expect(
      timelineWords({ type: 'PlaybookRunStarted', data: { playbookName: 'Notify', playbookVersion: 1, startedByHand: true, trigger: 'manual' } })
        .sentence,
    ).toBe('Started the playbook “Notify” (version 1) by hand.');
    expect(
      timelineWords({ type: 'StepFailed', data: { stepId: 'block', attempt: 1, error: 'timeout', retryAt: '2026-12-06T21:00:02Z' } }, 'UTC')
        .sentence,
    ).toBe('Step “block” failed on attempt 1; it will be tried again at 2026-12-06 21:00:02 UTC.');
    expect(timelineWords({ type: 'PlaybookRunFailed', data: { stepId: null, error: 'x' } }).sentence).toBe('The playbook run failed.');
  });

  it('takes the run from the entry when the server names it there', () => {
    expect(timelineWords({ type: 'PlaybookRunCompleted', data: {}, runId: 'r-9' }).runId).toBe('r-9');
    expect(timelineWords({ type: 'CommentAdded', data: { text: 'x' }, runId: null }).runId).toBeUndefined();
  });

  it('reads an unknown type as a sentence, and survives missing data', () => {
    expect(timelineWords({ type: 'EvidenceAttached', data: {} })).toEqual({ sentence: 'Evidence attached.' });
    expect(timelineWords({ type: '', data: {} }).sentence).toBe('Unknown event.');
    expect(timelineWords({ type: 'IncidentAssigned', data: null as unknown as Record<string, unknown> }).sentence).toBe(
      'Assigned the incident to someone.',
    );
  });
});

describe('who', () => {
  it('names sources, playbooks and Respond itself in words, and people as they are', () => {
    expect(who('source:generic')).toBe('alert source generic');
    expect(who('playbook:contain-brute-force')).toBe('playbook contain-brute-force');
    expect(who('system')).toBe('Respond');
    expect(who('responder')).toBe('responder');
    expect(who('oidc:abc')).toBe('oidc:abc');
  });
});
