import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/http';
import { listRunbooks, runNow, type Runbook } from '../../api/runbooks';
import { useSession } from '../../app/session';
import { Empty, Failure, Loading } from '../../components/States';
import { when } from '../../components/when';
import { figures } from './figures';
import { RunbookTrend } from './RunbookTrend';
import './runbooks.css';

/** The runbooks: each schedule, the next run, the last result with what it measured, or why it does not run; "Run now". */
export function RunbooksPage() {
  const runbooks = useQuery({ queryKey: ['runbooks'], queryFn: ({ signal }) => listRunbooks(signal) });
  const session = useSession();
  const mayRun = session.data?.roles.some((r) => r === 'responder' || r === 'admin') ?? false;

  useEffect(() => {
    document.title = 'Runbooks · Respond';
  }, []);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Runbooks</h1>
      {runbooks.isPending && <Loading what="runbooks" />}
      {runbooks.isError && <Failure error={runbooks.error} what="runbooks" onRetry={() => runbooks.refetch()} />}
      {runbooks.data?.items.length === 0 && (
        <Empty title="No runbooks">
          <p>A runbook is a playbook whose trigger is a schedule; put one in playbooks/runbooks/.</p>
        </Empty>
      )}
      {runbooks.data && runbooks.data.items.length > 0 && (
        <table className="runbooks">
          <thead>
            <tr>
              <th scope="col">Runbook</th>
              <th scope="col">Schedule</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">Recent runs</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runbooks.data.items.map((runbook) => (
              <RunbookRow key={runbook.id} runbook={runbook} mayRun={mayRun} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RunbookRow({ runbook, mayRun }: { runbook: Runbook; mayRun: boolean }) {
  const client = useQueryClient();
  const [said, setSaid] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: () => runNow(runbook.id),
    onSuccess: (answer) => setSaid(`Started run ${answer.runId}.`),
    onError: (error) => setSaid(error instanceof ApiError ? error.message : 'The server could not be reached.'),
    onSettled: () => void client.invalidateQueries({ queryKey: ['runbooks'] }),
  });
  const last = runbook.lastRun;
  return (
    <tr>
      <th scope="row">
        <div>{runbook.name}</div>
        <div className="muted">{runbook.id}</div>
      </th>
      <td>
        <code>{runbook.schedule}</code> <span className="muted">{runbook.timeZone}</span>
        {!runbook.scheduled && <p className="warning">Not scheduled: {runbook.notScheduledReason}</p>}
      </td>
      <td>{runbook.nextRunAt ? <time dateTime={runbook.nextRunAt}>{when(runbook.nextRunAt)}</time> : '—'}</td>
      <td>
        {last ? (
          <>
            <span className={`run-status ${last.status}`}>{last.status}</span>{' '}
            <time dateTime={last.startedAt}>{when(last.startedAt)}</time>
            {figures(last).length > 0 && <div>{figures(last).join(' · ')}</div>}
            {last.error && <div className="warning">{last.error}</div>}
          </>
        ) : (
          'never run'
        )}
      </td>
      <td>
        <RunbookTrend id={runbook.id} name={runbook.name} />
      </td>
      <td>
        {mayRun && (
          <button type="button" onClick={() => start.mutate()} disabled={!runbook.scheduled || start.isPending}>
            Run now
          </button>
        )}
        {said && (
          <p role="status" aria-live="polite">
            {said}
          </p>
        )}
      </td>
    </tr>
  );
}
