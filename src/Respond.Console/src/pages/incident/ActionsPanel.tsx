import { useQueryClient } from '@tanstack/react-query';
import { useReducer, useState, type FormEvent, type ReactNode } from 'react';
import { SignedOutError } from '../../api/http';
import { CLASSIFICATIONS, sendCommand, type Classification, type IncidentCommand, type IncidentView } from '../../api/incident';
import { SEVERITIES, type Severity } from '../../api/types';
import { allowedActions, draftsReducer, failed, succeeded, type ActionKind, type Outcome } from './commands';
import { incidentKey } from './useIncident';

const OBSERVABLE_TYPES = ['ip', 'host', 'account', 'url', 'domain', 'hash', 'email', 'file'];

/**
 * What a responder can do to the incident, as its status allows. Every command names the version on screen (If-Match);
 * a 412 reloads the incident and says so, and the typed text stays in its box until that action succeeds.
 */
export function ActionsPanel({ incident, disabled }: { incident: IncidentView; disabled: boolean }) {
  const client = useQueryClient();
  const [drafts, change] = useReducer(draftsReducer, {});
  const [outcome, setOutcome] = useState<{ action: ActionKind; outcome: Outcome } | null>(null);
  const [busy, setBusy] = useState<ActionKind | null>(null);
  const allowed = allowedActions(incident.status);

  const draft = (field: string, fallback = '') => drafts[field] ?? fallback;
  const edit = (field: string) => (event: { target: { value: string } }) =>
    change({ type: 'edit', field, value: event.target.value });

  async function send(command: IncidentCommand) {
    setBusy(command.kind);
    setOutcome(null);
    try {
      const answer = await sendCommand(incident.id, command, incident.version);
      change({ type: 'sent', action: command.kind });
      setOutcome({ action: command.kind, outcome: succeeded(command.kind, answer.version) });
      await client.invalidateQueries({ queryKey: incidentKey(incident.id) });
    } catch (error) {
      if (error instanceof SignedOutError) return;
      const said = failed(error);
      setOutcome({ action: command.kind, outcome: said });
      if (said.reload) await client.invalidateQueries({ queryKey: incidentKey(incident.id) });
    } finally {
      setBusy(null);
    }
  }

  // A form shows while its action is allowed, and also while it holds typed text the status no longer takes, so the
  // text is never lost: then it says why it cannot be sent.
  const shows = (action: ActionKind) => allowed.has(action) || Object.keys(drafts).some((f) => f.startsWith(`${action}.`) && drafts[f]);

  const form = (action: ActionKind, title: string, submit: string, command: () => IncidentCommand, fields?: ReactNode) =>
    shows(action) && (
      <ActionForm
        key={action}
        action={action}
        title={title}
        submit={submit}
        busy={busy !== null}
        blocked={!allowed.has(action) ? `The incident is ${incident.status} now: this cannot be sent.` : undefined}
        onSubmit={() => void send(command())}
      >
        {fields}
      </ActionForm>
    );

  return (
    <section className="inc-actions" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      {disabled && <p className="muted">Actions are off while you look at a past version. Go back to now to act.</p>}
      {/* One place for what became of the last command, read out once; it stays until the next one. */}
      <div className="inc-outcome-region" role="status" aria-live="polite">
        {outcome?.outcome.kind === 'done' && <p className="inc-outcome">{outcome.outcome.message}</p>}
      </div>
      {outcome && outcome.outcome.kind !== 'done' && (
        <p className={`inc-outcome inc-problem inc-${outcome.outcome.kind}`} role="alert">
          {outcome.outcome.message}
        </p>
      )}
      <fieldset disabled={disabled}>
        <legend className="visually-hidden">Act on this incident (version {incident.version})</legend>
        <div className="inc-action-grid">
          {form('acknowledge', 'Acknowledge', 'Acknowledge', () => ({ kind: 'acknowledge' }), (
            <p className="muted small">Tell the team someone is on it.</p>
          ))}
          {form('comment', 'Add a comment', 'Add comment', () => ({ kind: 'comment', text: draft('comment.text') }), (
            <Field label="Comment" id="act-comment">
              <textarea id="act-comment" rows={3} required value={draft('comment.text')} onChange={edit('comment.text')} />
            </Field>
          ))}
          {form('assign', 'Assign', 'Assign', () => ({ kind: 'assign', assignee: draft('assign.assignee') }), (
            <Field label="Assignee" id="act-assignee">
              <input id="act-assignee" required value={draft('assign.assignee')} onChange={edit('assign.assignee')} autoComplete="off" />
            </Field>
          ))}
          {form('severity', 'Change severity', 'Change severity',
            () => ({ kind: 'severity', severity: draft('severity.severity', incident.severity) as Severity, reason: draft('severity.reason') }), (
            <>
              <Field label="New severity" id="act-severity">
                <select id="act-severity" value={draft('severity.severity', incident.severity)} onChange={edit('severity.severity')}>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Reason for the severity change" id="act-severity-reason">
                <input id="act-severity-reason" required value={draft('severity.reason')} onChange={edit('severity.reason')} />
              </Field>
            </>
          ))}
          {form('observable', 'Add an observable', 'Add observable',
            () => ({ kind: 'observable', type: draft('observable.type', 'ip'), value: draft('observable.value') }), (
            <>
              <Field label="Observable type" id="act-observable-type">
                <input id="act-observable-type" list="act-observable-types" required value={draft('observable.type', 'ip')}
                  onChange={edit('observable.type')} autoComplete="off" />
                <datalist id="act-observable-types">
                  {OBSERVABLE_TYPES.map((t) => (
                    <option key={t} value={t} />
                  ))}
                </datalist>
              </Field>
              <Field label="Observable value" id="act-observable-value">
                <input id="act-observable-value" required value={draft('observable.value')} onChange={edit('observable.value')} autoComplete="off" />
              </Field>
            </>
          ))}
          {form('contain', 'Contain', 'Mark contained', () => ({ kind: 'contain', summary: draft('contain.summary') }), (
            <Field label="Containment summary" id="act-contain">
              <textarea id="act-contain" rows={2} value={draft('contain.summary')} onChange={edit('contain.summary')} />
            </Field>
          ))}
          {form('recover', 'Recover', 'Mark recovered', () => ({ kind: 'recover', summary: draft('recover.summary') }), (
            <Field label="Recovery summary" id="act-recover">
              <textarea id="act-recover" rows={2} value={draft('recover.summary')} onChange={edit('recover.summary')} />
            </Field>
          ))}
          {form('close', 'Close', 'Close incident',
            () => ({ kind: 'close', classification: draft('close.classification') as Classification, reason: draft('close.reason') }), (
            <>
              <Field label="Classification" id="act-classification">
                <select id="act-classification" required value={draft('close.classification')} onChange={edit('close.classification')}>
                  <option value="">Choose…</option>
                  {CLASSIFICATIONS.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Reason for closing" id="act-close-reason">
                <textarea id="act-close-reason" rows={2} value={draft('close.reason')} onChange={edit('close.reason')} />
              </Field>
            </>
          ))}
          {form('reopen', 'Reopen', 'Reopen incident', () => ({ kind: 'reopen', reason: draft('reopen.reason') }), (
            <Field label="Reason for reopening" id="act-reopen">
              <textarea id="act-reopen" rows={2} required value={draft('reopen.reason')} onChange={edit('reopen.reason')} />
            </Field>
          ))}
        </div>
      </fieldset>
    </section>
  );
}

function Field({ label, id, children }: { label: string; id: string; children: ReactNode }) {
  return (
    <div className="inc-field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

function ActionForm(props: {
  action: ActionKind;
  title: string;
  submit: string;
  busy: boolean;
  blocked?: string;
  onSubmit: () => void;
  children?: ReactNode;
}) {
  const { action, title, submit, busy, blocked, onSubmit, children } = props;
  const onForm = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className={`inc-action inc-action-${action}`} aria-labelledby={`act-${action}-title`} onSubmit={onForm}>
      <h3 id={`act-${action}-title`}>{title}</h3>
      {children}
      {blocked && <p className="inc-problem small">{blocked}</p>}
      <button type="submit" disabled={busy || blocked !== undefined}>
        {submit}
      </button>
    </form>
  );
}
