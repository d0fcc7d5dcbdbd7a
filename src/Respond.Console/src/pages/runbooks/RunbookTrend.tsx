import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { listRunbookRuns } from '../../api/runbookRuns';
import { Failure } from '../../components/States';
import { when } from '../../components/when';
import { duration } from './figures';
import { latestTarget, runPoints, trendKind, type RunPoint } from './trend';

const RECENT = 20;
// The charting library loads with the first chart, not with the console.
const RunChart = lazy(() => import('./RunChart'));

/** A runbook's recent runs: a small chart of what they measured, failed runs marked, and the same figures as text. */
export function RunbookTrend({ id, name }: { id: string; name: string }) {
  // Under ['runbooks'], so the live feed's run events refresh it with the list.
  const runs = useQuery({
    queryKey: ['runbooks', id, 'runs'],
    queryFn: ({ signal }) => listRunbookRuns(id, RECENT, signal),
  });
  const kind = useMemo(() => trendKind(runs.data?.items ?? []), [runs.data]);
  const points = useMemo(() => runPoints(runs.data?.items ?? [], kind), [runs.data, kind]);

  if (runs.isPending) return <span className="muted">Loading runs…</span>;
  if (runs.isError) return <Failure error={runs.error} what={`the runs of ${name}`} onRetry={() => void runs.refetch()} />;
  if (points.length === 0) return <span className="muted">No runs yet</span>;

  const failed = points.filter((p) => p.failed).length;
  const target = kind === 'drill' ? latestTarget(points) : null;
  return (
    <div className="runbook-trend">
      {kind !== 'none' && (
        <Suspense fallback={null}>
          <RunChart points={points} kind={kind} target={target} />
        </Suspense>
      )}
      <p className="trend-summary">
        {points.length} recent run{points.length === 1 ? '' : 's'}
        {failed > 0 ? <span className="run-status failed">, {failed} failed</span> : ''}
        {kind === 'drill' && target !== null && <>; RTO target {duration(target)}</>}
      </p>
      <details>
        <summary>
          Runs <span className="visually-hidden">of {name}</span> as text
        </summary>
        <RunTable points={points} />
      </details>
    </div>
  );
}

function RunTable({ points }: { points: RunPoint[] }) {
  return (
    <ol className="run-list" reversed>
      {[...points].reverse().map((p) => (
        <li key={p.runId} className={p.failed ? 'failed' : undefined}>
          <time dateTime={p.at}>{when(p.at)}</time>: {p.words}
        </li>
      ))}
    </ol>
  );
}
