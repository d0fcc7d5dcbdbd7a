// What the actions panel may offer, the drafts the user types, and a failed command in words. Pure, so it is tested alone.
import { ApiError } from '../../api/http';
import type { IncidentCommand } from '../../api/incident';
import type { IncidentStatus } from '../../api/types';

export type ActionKind = IncidentCommand['kind'];

const ORDER: IncidentStatus[] = ['new', 'acknowledged', 'contained', 'recovered', 'closed'];
const before = (status: IncidentStatus, milestone: IncidentStatus) => ORDER.indexOf(status) < ORDER.indexOf(milestone);

/**
 * The actions the status allows, as the server's IncidentDecider decides them (so the page never offers a sure 409):
 * comments are always open; a closed incident can only be reopened; milestones only go forward.
 */
export function allowedActions(status: IncidentStatus): Set<ActionKind> {
  if (status === 'closed') return new Set<ActionKind>(['comment', 'reopen']);
  const allowed = new Set<ActionKind>(['assign', 'severity', 'comment', 'observable', 'close']);
  if (status === 'new') allowed.add('acknowledge');
  if (before(status, 'contained')) allowed.add('contain');
  if (before(status, 'recovered')) allowed.add('recover');
  return allowed;
}

/** Text the user typed, by `<action>.<field>`: kept until that action succeeds, whatever else happens. */
export type Drafts = Readonly<Record<string, string>>;

export type DraftChange = { type: 'edit'; field: string; value: string } | { type: 'sent'; action: ActionKind };

export function draftsReducer(drafts: Drafts, change: DraftChange): Drafts {
  if (change.type === 'edit') return { ...drafts, [change.field]: change.value };
  const prefix = `${change.action}.`;
  return Object.fromEntries(Object.entries(drafts).filter(([field]) => !field.startsWith(prefix)));
}

export interface Outcome {
  /** `stale`: someone changed the incident first; `refused`: the status forbids it now; `invalid`: fix the input. */
  kind: 'done' | 'stale' | 'refused' | 'invalid' | 'forbidden' | 'failed';
  message: string;
  /** Whether to read the incident again before the user tries again. */
  reload: boolean;
}

const SAID: Record<ActionKind, string> = {
  acknowledge: 'Acknowledged',
  assign: 'Assigned',
  severity: 'Severity changed',
  comment: 'Comment added',
  observable: 'Observable added',
  contain: 'Marked contained',
  recover: 'Marked recovered',
  close: 'Closed',
  reopen: 'Reopened',
};

export function succeeded(action: ActionKind, version: number): Outcome {
  return { kind: 'done', message: `${SAID[action]} (version ${version}).`, reload: true };
}

/** A failed command in words. The typed text is never dropped on failure: only `succeeded` clears a draft. */
export function failed(error: unknown): Outcome {
  if (!(error instanceof ApiError)) {
    return { kind: 'failed', message: 'The server could not be reached, so nothing was changed. Your text is kept: send again.', reload: false };
  }
  const detail = error.problem.detail ?? error.message;
  switch (error.status) {
    case 412:
      return {
        kind: 'stale',
        message:
          'Someone else changed this incident while you were reading it, so nothing was sent. The page now shows the ' +
          'latest version; your text is kept: check it against the changes and send again.',
        reload: true,
      };
    case 409:
      return { kind: 'refused', message: `Not done: ${detail} The page now shows the incident as it is.`, reload: true };
    case 400:
      return { kind: 'invalid', message: `Not done: ${detail}`, reload: false };
    case 403:
      return { kind: 'forbidden', message: 'Not done: your role may not do this. Ask a responder.', reload: false };
    case 404:
      return { kind: 'failed', message: 'Not done: this incident no longer exists.', reload: false };
    default:
      return { kind: 'failed', message: `Not done: ${detail}`, reload: false };
  }
}
