// The timeline in plain words: one sentence per event type (the server's event names, GetTimeline.cs and the domain's
// IncidentEvents.cs / RunEvents.cs), plus the free text the event carries (a comment, a reason) kept apart as `detail`.
import type { TimelineEntry } from '../../api/incident';
import { when } from '../../components/when';

export interface TimelineWords {
  /** What happened, without the actor (the page shows who and when beside it). */
  sentence: string;
  /** Free text a person wrote with the event: a comment, a reason, a summary, an error. */
  detail?: string;
  /** The run the event belongs to, for a link to it. */
  runId?: string;
}

type Data = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : value == null ? '' : String(value));
const quoted = (value: unknown) => `“${text(value)}”`;
const words = (value: unknown) => text(value).replaceAll('-', ' ');
const optional = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);
const obj = (value: unknown): Data => (typeof value === 'object' && value !== null ? (value as Data) : {});
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(text) : []);

/** Who did it, in words: `source:generic` is the alert source generic, `playbook:x` the playbook x. */
export function who(actor: string): string {
  if (actor === 'system') return 'Respond';
  const [kind, ...rest] = actor.split(':');
  const name = rest.join(':');
  if (!name) return actor;
  if (kind === 'source') return `alert source ${name}`;
  if (kind === 'playbook') return `playbook ${name}`;
  if (kind === 'runbook') return `runbook ${name}`;
  return actor;
}

function opened(d: Data): string {
  const alert = obj(d.alert);
  const from = d.alert ? `, from a ${text(alert.source) || text(d.source)} alert` : '';
  return `Opened the incident ${quoted(d.title)}, severity ${text(d.severity)}${from}.`;
}

function approvers(d: Data): string {
  const names = [...list(d.roles).map((r) => `role ${r}`), ...list(d.users)];
  return names.length > 0 ? ` from ${names.join(' or ')}` : '';
}

type Wording = (d: Data, zone?: string) => TimelineWords;

const WORDINGS: Record<string, Wording> = {
  IncidentOpened: (d) => ({ sentence: opened(d), detail: optional(d.description) }),
  AlertCorrelated: (d) => {
    const alert = obj(d.alert);
    return { sentence: `Alert ${quoted(alert.title)} from ${text(alert.source)} joined the incident (severity ${text(alert.severity)}).` };
  },
  AlertResolved: (d) => ({ sentence: `Alert ${text(d.externalId)} from ${text(d.source)} was resolved at the source.` }),
  IncidentAcknowledged: () => ({ sentence: 'Acknowledged the incident.' }),
  IncidentAssigned: (d) => ({ sentence: `Assigned the incident to ${text(d.assignee) || 'someone'}.` }),
  SeverityChanged: (d) => ({ sentence: `Changed the severity from ${text(d.from)} to ${text(d.to)}.`, detail: optional(d.reason) }),
  CommentAdded: (d) => ({ sentence: 'Commented.', detail: optional(d.text) }),
  ObservableAdded: (d) => ({ sentence: `Added the observable ${text(d.type)} ${text(d.value)}.` }),
  IncidentContained: (d) => ({
    sentence: d.automated === true ? 'Contained the incident automatically.' : 'Marked the incident contained.',
    detail: optional(d.summary),
  }),
  IncidentRecovered: (d) => ({ sentence: 'Marked the incident recovered.', detail: optional(d.summary) }),
  IncidentClosed: (d) => ({ sentence: `Closed the incident as ${words(d.classification)}.`, detail: optional(d.reason) }),
  IncidentReopened: (d) => ({ sentence: 'Reopened the incident.', detail: optional(d.reason) }),

  PlaybookRunStarted: (d) => ({
    sentence:
      `Started the playbook ${quoted(d.playbookName || d.playbookId)} (version ${text(d.playbookVersion)})` +
      (d.startedByHand === true ? ' by hand.' : ` on ${words(text(d.trigger).replaceAll('.', ' '))}.`),
  }),
  StepStarted: (d) => ({
    sentence: `Started step ${quoted(d.stepId)} (${text(d.stepType)})${Number(d.attempt) > 1 ? `, attempt ${text(d.attempt)}` : ''}.`,
  }),
  StepSucceeded: (d) => ({
    sentence: `Step ${quoted(d.stepId)} succeeded${optional(d.outcome) ? ` with outcome ${quoted(d.outcome)}` : ''}.`,
  }),
  StepFailed: (d, zone) => ({
    sentence:
      `Step ${quoted(d.stepId)} failed on attempt ${text(d.attempt)}` +
      (optional(d.retryAt) ? `; it will be tried again at ${when(text(d.retryAt), zone)}.` : '.'),
    detail: optional(d.error),
  }),
  ApprovalRequested: (d, zone) => ({
    sentence: `Asked for approval of step ${quoted(d.stepId)}${approvers(d)}, until ${when(text(d.expiresAt), zone)}.`,
    detail: optional(d.message),
  }),
  ApprovalGranted: (d) => ({
    sentence: `Approved step ${quoted(d.stepId)} (${text(d.grants)} of ${text(d.quorum)} needed).`,
    detail: optional(d.comment),
  }),
  ApprovalRejected: (d) => ({ sentence: `Rejected step ${quoted(d.stepId)}.`, detail: optional(d.comment) }),
  ApprovalExpired: (d) => ({ sentence: `The approval of step ${quoted(d.stepId)} expired unanswered.` }),
  PlaybookRunCompleted: () => ({ sentence: 'The playbook run completed.' }),
  PlaybookRunFailed: (d) => ({
    sentence: optional(d.stepId) ? `The playbook run failed at step ${quoted(d.stepId)}.` : 'The playbook run failed.',
    detail: optional(d.error),
  }),
  PlaybookRunCancelled: (d) => ({ sentence: 'Cancelled the playbook run.', detail: optional(d.reason) }),
  PlaybookRunResumed: (d) => ({ sentence: `Retried the playbook run from step ${quoted(d.stepId)}.` }),
};

/** Every event type this page words (for the tests, and to tell a new server's event from a known one). */
export const WORDED_TYPES = Object.keys(WORDINGS);

/** `SomethingHappened` → `Something happened`. */
function spaced(type: string): string {
  const spaced = type.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** One timeline entry in words; a type this console does not know yet still reads as a sentence. */
export function timelineWords(entry: Pick<TimelineEntry, 'type' | 'data' | 'runId'>, timeZone?: string): TimelineWords {
  const data = obj(entry.data);
  const wording = WORDINGS[entry.type];
  const words = wording ? wording(data, timeZone) : { sentence: `${spaced(entry.type || 'Unknown event')}.` };
  const runId = entry.runId ?? optional(data.runId);
  const result: TimelineWords = { sentence: words.sentence };
  if (words.detail) result.detail = words.detail;
  if (runId) result.runId = runId;
  return result;
}
