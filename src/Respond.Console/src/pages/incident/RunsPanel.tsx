import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { RunItem, RunView } from '../../api/incident';
import { Failure } from '../../components/States';
import { when } from '../../components/when';
import { waitingApproval } from './runs';


function Run({ item, detail }: { item: RunItem; detail: UseQueryResult<RunView> }) {
  const run = detail.data;
  const approval = run && waitingApproval(run);
  return (
    <section id={`run-${item.id}`} className="inc-run" aria-labelledby={`run-${item.id}-title`} tabIndex={-1}>
      <h3 id={`run-${item.id}-title`}>
        {item.playbookName || item.playbookId} <span className="muted">version {item.playbookVersion}</span>{' '}
        <span className={`inc-run-status inc-run-${run?.status ?? item.status}`}>{run?.status ?? item.status}</span>
      </h3>
      <p className="muted small">
        Started <time dateTime={item.startedAt}>{when(item.startedAt)}</time> by {item.startedBy} ({item.trigger})
        {item.endedAt && (
          <>
            , ended <time dateTime={item.endedAt}>{when(item.endedAt)}</time>
          </>
        )}
      </p>
      {approval && (
        <p className="inc-waiting">
          Waiting for approval at step “{approval.name ?? approval.id}”. <Link to="/approvals">Decide it in Approvals</Link>
        </p>
      )}
      {(run?.error ?? item.error) && <p className="inc-problem">Failed: {run?.error ?? item.error}</p>}
      {detail.isPending && <p className="muted">Loading its steps…</p>}
      {detail.isError && <Failure error={detail.error} what="this run's steps" onRetry={() => detail.refetch()} />}
      {run && (
        <div className="inc-scroll">
          <table className="inc-table inc-steps">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Outcome</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {run.steps.map((step) => (
                <tr key={step.id}>
                  <th scope="row">{step.name ?? step.id}</th>
                  <td>{step.type}</td>
                  <td>
                    <span className={`inc-step inc-step-${step.status}`}>{step.status}</span>
                  </td>
                  <td>{step.attempts}</td>
                  <td>{step.outcome ?? ''}</td>
                  <td>{step.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The playbook runs on this incident, each with its steps; a run parked at an approval links to the inbox. */
export function RunsPanel({ list, runs }: { list: UseQueryResult<{ items: RunItem[] }>; runs: UseQueryResult<RunView>[] }) {
  return (
    <>
      <h2 id="runs">Playbook runs</h2>
      {list.isPending && <p className="muted" role="status">Loading runs…</p>}
      {list.isError && <Failure error={list.error} what="the runs" onRetry={() => list.refetch()} />}
      {list.data && list.data.items.length === 0 && <p className="muted">No playbook has run on this incident.</p>}
      {list.data?.items.map((item, i) => <Run key={item.id} item={item} detail={runs[i]!} />)}
    </>
  );
}
