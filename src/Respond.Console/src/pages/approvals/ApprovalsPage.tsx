import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import { APPROVALS_KEY, decideApproval, listPendingApprovals, type Approval } from '../../api/approvals';
import { getIncident } from '../../api/incidents';
import type { Page } from '../../api/types';
import { hasRole } from '../../api/session';
import { useSession } from '../../app/session';
import { SeverityBadge } from '../../components/SeverityBadge';
import { Empty, Failure, Loading } from '../../components/States';
import { when } from '../../components/when';
import { expiry, refusal } from './wording';
import './approvals.css';

/**
 * The approvals inbox: each pending approval with what it is about (incident, playbook, step), what approving lets run,
 * who started the run and how long is left. A decision made elsewhere arrives through the live feed, which refreshes
 * the `['approvals']` queries, and the item goes.
 */
export function ApprovalsPage() {
  const approvals = useQuery({ queryKey: APPROVALS_KEY, queryFn: ({ signal }) => listPendingApprovals(signal) });
  const session = useSession();
  const mayDecide = hasRole(session.data, 'approver');
  const now = useNow();
  const [notices, setNotices] = useState<string[]>([]);
  const say = (text: string) => setNotices((list) => [text, ...list].slice(0, 5));

  useEffect(() => {
    document.title = 'Approvals · Respond';
  }, []);

  const items = approvals.data?.items ?? [];
  return (
    <section aria-labelledby="page-title" className="approvals">
      <div className="page-head">
        <h1 id="page-title">Approvals</h1>
        {approvals.data && <p className="muted">{items.length === 1 ? '1 waits' : `${items.length} wait`} for a decision</p>}
      </div>
      <div role="status" aria-live="polite" className="notices">
        {notices.map((n, i) => (
          <p key={`${i}-${n}`}>{n}</p>
        ))}
      </div>
      {session.data && !mayDecide && items.length > 0 && (
        <p className="muted">You can read these; people with the approver role decide them.</p>
      )}
      {approvals.isPending && <Loading what="approvals" />}
      {approvals.isError && <Failure error={approvals.error} what="approvals" onRetry={() => approvals.refetch()} />}
      {approvals.data && items.length === 0 && (
        <Empty title="Nothing waits for approval">
          <p>When a playbook run reaches an approval step, it waits here for an approver.</p>
        </Empty>
      )}
      {items.length > 0 && (
        <ol className="approval-list">
          {items.map((approval) => (
            <li key={approval.id}>
              <ApprovalCard approval={approval} now={now} mayDecide={mayDecide} onDone={say} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The time now, every second: the countdowns tick together. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function ApprovalCard({ approval, now, mayDecide, onDone }: {
  approval: Approval;
  now: number;
  mayDecide: boolean;
  onDone: (notice: string) => void;
}) {
  const client = useQueryClient();
  const headingId = useId();
  const commentId = useId();
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const incidentId = approval.incidentId;
  const incident = useQuery({
    queryKey: ['incident', incidentId],
    queryFn: ({ signal }) => getIncident(incidentId!, signal),
    enabled: incidentId !== null,
  });
  const stepLabel = approval.stepName ? `${approval.stepName} (${approval.stepId})` : approval.stepId;
  const what = `${approval.playbookName}, step ${stepLabel}`;

  const remove = () =>
    client.setQueryData<Page<Approval>>(APPROVALS_KEY, (page) =>
      page ? { ...page, items: page.items.filter((a) => a.id !== approval.id), total: Math.max(page.total - 1, 0) } : page,
    );
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') => decideApproval(approval.id, decision, comment),
    onSuccess: (answer, decision) => {
      const verb = decision === 'approve' ? 'Approved' : 'Rejected';
      const more = answer.status === 'pending' ? ` (${answer.grantedBy.length} of ${answer.quorum} approvals so far)` : '';
      onDone(`${verb}: ${what}${more}.`);
      if (answer.status !== 'pending') remove();
      void client.invalidateQueries({ queryKey: ['approvals'] });
    },
    onError: (error) => {
      const said = refusal(error);
      if (said.gone) {
        onDone(`${what}: ${said.text}`);
        remove();
        void client.invalidateQueries({ queryKey: ['approvals'] });
      } else {
        setProblem(said.text);
      }
    },
  });
  const left = expiry(approval.expiresAt, now);
  const expired = left.startsWith('expired');
  const soon = !expired && new Date(approval.expiresAt).getTime() - now < 5 * 60_000;

  return (
    <article className="approval" aria-labelledby={headingId}>
      <header>
        <h2 id={headingId}>{approval.message ?? `Approve step ${stepLabel}?`}</h2>
        <time dateTime={approval.expiresAt} title={when(approval.expiresAt)} className={`expiry${expired ? ' expired' : soon ? ' soon' : ''}`}>
          {left}
        </time>
      </header>
      <dl className="facts">
        <dt>Incident</dt>
        <dd>
          {incidentId === null && <span className="muted">none (a scheduled run)</span>}
          {incidentId !== null && incident.data && (
            <>
              <SeverityBadge severity={incident.data.severity} />{' '}
              <Link to={`/incidents/${incidentId}`}>{incident.data.title}</Link>{' '}
              <span className="muted">({incident.data.status})</span>
            </>
          )}
          {incidentId !== null && incident.isPending && <Link to={`/incidents/${incidentId}`}>Loading the incident…</Link>}
          {incidentId !== null && incident.isError && <Link to={`/incidents/${incidentId}`}>Incident {incidentId}</Link>}
        </dd>
        <dt>Playbook</dt>
        <dd>
          {approval.playbookName} <span className="muted">({approval.playbookId}, version {approval.playbookVersion})</span>
        </dd>
        <dt>Step</dt>
        <dd>{stepLabel}</dd>
        <dt>Started by</dt>
        <dd>
          {approval.startedBy}
          {approval.startedByHand ? ' (by hand)' : ' (trigger)'}
        </dd>
        <dt>Requested</dt>
        <dd>
          <time dateTime={approval.requestedAt}>{when(approval.requestedAt)}</time>
        </dd>
        <dt>Approvers</dt>
        <dd>
          {[...approval.approvers.roles.map((r) => `role ${r}`), ...approval.approvers.users].join(', ') || '—'}
          {approval.quorum > 1 && ` · ${approval.grantedBy.length} of ${approval.quorum} approvals so far`}
        </dd>
      </dl>
      <NextStep approval={approval} />
      {expired && <p className="muted">Its time is up: the run takes the playbook's expired path.</p>}
      {mayDecide && !expired && (
        <form className="decide" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor={commentId}>Comment (optional)</label>
          <textarea id={commentId} value={comment} maxLength={2000} rows={2} onChange={(e) => setComment(e.target.value)} />
          <div className="buttons">
            <button type="button" className="approve" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
              Approve
            </button>
            <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
              Reject
            </button>
          </div>
          {problem && (
            <p className="refusal" role="alert">
              {problem}
            </p>
          )}
        </form>
      )}
    </article>
  );
}

function NextStep({ approval }: { approval: Approval }) {
  const next = approval.next;
  if (!next) return <p className="next muted">Approving ends this path of the run; rejecting follows the playbook's rejected path.</p>;
  const does = next.connector ? `${next.connector} · ${next.operation}` : next.type;
  const shown = next.rendered ?? next.input;
  return (
    <div className="next">
      <h3>
        Approving runs <code>{next.name ?? next.id}</code> <span className="muted">({does})</span>
      </h3>
      {shown ? (
        <pre tabIndex={0} aria-label={`Input of step ${next.id}`}>
          {JSON.stringify(shown, null, 2)}
        </pre>
      ) : (
        <p className="muted">This step takes no input.</p>
      )}
      {next.rendered && (
        <details>
          <summary>As the playbook writes it (filled in from the incident now, and again when the step runs)</summary>
          <pre tabIndex={0} aria-label={`Template of step ${next.id}`}>
            {JSON.stringify(next.input, null, 2)}
          </pre>
        </details>
      )}
      {next.renderError && (
        <p className="warning">
          As written: its {'{{ … }}'} cannot be filled in now ({next.renderError}). The step would fail unless that changes.
        </p>
      )}
    </div>
  );
}
