import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { getSocMetrics, getSocTrend, type SocMetrics, type SocTrend } from '../../api/metrics';
import { Empty, Failure, Loading } from '../../components/States';
import { when } from '../../components/when';
import { SERIES } from './series';
import { DEFAULT_RANGE, RANGES, rangeFromSearch, rangeWindow, type RangeId } from './range';
import { bars, durationWords, severityBars, statusBars, trendPoints, type Bar } from './shape';
import './metrics.css';

const HOUR = 3_600_000;

// The charting library loads with the dashboard, not with the console.
const TrendChart = lazy(() => import('./Charts').then((m) => ({ default: m.TrendChart })));
const OpenedChart = lazy(() => import('./Charts').then((m) => ({ default: m.OpenedChart })));
const CountChart = lazy(() => import('./Charts').then((m) => ({ default: m.CountChart })));

/** The SOC dashboard: MTTA, MTTC and MTTR for a range and over it, and the incidents by severity, status and source. */
export function MetricsPage() {
  const [search, setSearch] = useSearchParams();
  const range = rangeFromSearch(search);
  // The hour we are in: the window is rounded to whole buckets, so it (and the query keys) only move when an hour turns.
  const [hour, setHour] = useState(() => Math.floor(Date.now() / HOUR));
  useEffect(() => {
    const timer = setInterval(() => setHour(Math.floor(Date.now() / HOUR)), 60_000);
    return () => clearInterval(timer);
  }, []);
  const span = useMemo(() => rangeWindow(range, new Date(hour * HOUR)), [range, hour]);
  const metrics = useQuery({
    queryKey: ['metrics', 'soc', span.from, span.to],
    queryFn: ({ signal }) => getSocMetrics(span.from, span.to, signal),
    refetchInterval: 60_000,
  });
  const trend = useQuery({
    queryKey: ['metrics', 'trend', span.from, span.to, span.interval],
    queryFn: ({ signal }) => getSocTrend(span.from, span.to, span.interval, signal),
    refetchInterval: 60_000,
  });

  useEffect(() => {
    document.title = 'Metrics · Respond';
  }, []);

  function choose(id: RangeId) {
    const next = new URLSearchParams(search);
    if (id === DEFAULT_RANGE) next.delete('range');
    else next.set('range', id);
    setSearch(next);
  }

  const failed = metrics.isError ? metrics : trend.isError ? trend : null;
  return (
    <section aria-labelledby="page-title" className="metrics">
      <div className="page-head">
        <h1 id="page-title">Metrics</h1>
        <div className="range-picker">
          <label htmlFor="metrics-range">Range</label>
          <select id="metrics-range" value={range} onChange={(e) => choose(e.target.value as RangeId)}>
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted window">
        Incidents opened from <time dateTime={span.from}>{when(span.from)}</time> to{' '}
        <time dateTime={span.to}>{when(span.to)}</time>
      </p>
      {(metrics.isPending || trend.isPending) && !failed && <Loading what="metrics" />}
      {failed && <Failure error={failed.error} what="metrics" onRetry={() => void failed.refetch()} />}
      {metrics.data && trend.data && !failed && <Dashboard metrics={metrics.data} trend={trend.data} />}
    </section>
  );
}

function Dashboard({ metrics, trend }: { metrics: SocMetrics; trend: SocTrend }) {
  const points = useMemo(() => trendPoints(trend.points, trend.interval), [trend]);
  const containment: Bar[] = [
    { name: 'automated', count: metrics.containment.automated },
    { name: 'manual', count: metrics.containment.manual },
  ];
  const per = trend.interval === 'hour' ? 'hour' : 'day';
  return (
    <>
      <dl className="headline" aria-label="Figures for this range">
        <Figure id="total" term="Incidents" value={String(metrics.total)} />
        <Figure id="mtta" term="MTTA" hint="mean time to acknowledge" value={durationWords(metrics.mtta)} />
        <Figure id="mttc" term="MTTC" hint="mean time to contain" value={durationWords(metrics.mttc)} />
        <Figure id="mttr" term="MTTR" hint="mean time to recover" value={durationWords(metrics.mttr)} />
      </dl>
      {metrics.total === 0 ? (
        <Empty title="No incidents in this range">
          <p>Pick a longer range, or come back when alerts have opened incidents.</p>
        </Empty>
      ) : (
        <>
          <section className="panel" aria-labelledby="trend-title">
            <h2 id="trend-title">MTTA, MTTC and MTTR per {per}</h2>
            <p className="muted">Each {per} shows the mean over the incidents opened in it.</p>
            <Suspense fallback={<div className="chart-pending" style={{ height: 430 }} />}>
              <TrendChart points={points} />
              <p className="chart-caption" aria-hidden="true">Incidents opened per {per}</p>
              <OpenedChart points={points} />
            </Suspense>
            <details>
              <summary>Figures per {per}</summary>
              <table className="figures" aria-label={`Figures per ${per}`}>
                <thead>
                  <tr>
                    <th scope="col">{per === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</th>
                    <th scope="col">Opened</th>
                    {SERIES.map((s) => (
                      <th scope="col" key={s.key}>{s.name}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {points.map((p) => (
                    <tr key={p.at}>
                      <th scope="row"><time dateTime={p.at}>{p.label}</time></th>
                      <td>{p.opened}</td>
                      <td>{durationWords(p.mtta)}</td>
                      <td>{durationWords(p.mttc)}</td>
                      <td>{durationWords(p.mttr)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </section>
          <div className="breakdowns">
            <Breakdown id="severity" title="By severity" bars={severityBars(metrics.bySeverity)} colour={(n) => `var(--${n}, var(--accent))`} />
            <Breakdown id="status" title="By status" bars={statusBars(metrics.byStatus)} />
            <Breakdown id="source" title="By source" bars={bars(metrics.bySource)} empty="No alerts from a source (opened by hand)." />
            <Breakdown id="containment" title="Containment" bars={containment}
              colour={(n) => (n === 'automated' ? 'var(--low)' : 'var(--medium)')} empty="Nothing contained yet." />
          </div>
        </>
      )}
    </>
  );
}

function Figure({ id, term, hint, value }: { id: string; term: string; hint?: string; value: string }) {
  return (
    <div className="figure">
      <dt>
        {hint ? <abbr title={hint}>{term}</abbr> : term}
        {hint && <span className="visually-hidden"> ({hint})</span>}
      </dt>
      <dd data-figure={id}>{value}</dd>
    </div>
  );
}

function Breakdown({ id, title, bars, colour, empty }: {
  id: string; title: string; bars: Bar[]; colour?: (name: string) => string; empty?: string;
}) {
  const shown = bars.some((b) => b.count > 0);
  return (
    <section className="panel breakdown" aria-labelledby={`${id}-title`} data-breakdown={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {shown ? (
        <>
          <Suspense fallback={<div className="chart-pending" style={{ height: bars.length * 34 + 16 }} />}>
            <CountChart bars={bars} colour={colour} />
          </Suspense>
          <table className="counts" aria-labelledby={`${id}-title`}>
            <tbody>
              {bars.map((b) => (
                <tr key={b.name} data-name={b.name}>
                  <th scope="row">{b.name}</th>
                  <td>{b.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">{empty ?? 'None.'}</p>
      )}
    </section>
  );
}
