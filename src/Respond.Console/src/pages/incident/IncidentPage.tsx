import { useEffect } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/http';
import { hasRole } from '../../api/session';
import { useSession } from '../../app/session';
import { SeverityBadge } from '../../components/SeverityBadge';
import { Empty, Failure, Loading } from '../../components/States';
import { when } from '../../components/when';
import { ActionsPanel } from './ActionsPanel';
import { AlertsPanel } from './AlertsPanel';
import { IncidentFacts } from './IncidentFacts';
import { RunsPanel } from './RunsPanel';
import { Timeline } from './Timeline';
import { versionFromSearch } from './timeTravel';
import { useIncidentAt, useIncidentNow, useRuns, useTimeline } from './useIncident';
import { VersionSlider } from './VersionSlider';
import './incident.css';

/**
 * The incident detail: facts, actions (for responders), the timeline in words, alerts and entities, and playbook runs.
 * Live from the event feed; `?version=N` shows the incident as it was then.
 */
export function IncidentPage() {
  const { id = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const session = useSession();
  const now = useIncidentNow(id);
  const timeline = useTimeline(id);
  const { list, runs } = useRuns(id);
  const past = versionFromSearch(search.get('version'), now.data?.version);
  const then = useIncidentAt(id, past);
  const canAct = hasRole(session.data, 'responder');

  // While another past version loads (dragging the slider), the one before stays, its own version on show, so the page
  // does not jump; the present never stands in for the past.
  const shown = past === null ? now.data : then.data;
  const loadingPast = past !== null && then.data?.version !== past && !then.isError;

  useEffect(() => {
    if (now.data) document.title = `${now.data.title} · Respond`;
  }, [now.data]);

  const travel = (version: number | null) =>
    setSearch(
      (params) => {
        const next = new URLSearchParams(params);
        if (version === null) next.delete('version');
        else next.set('version', String(version));
        return next;
      },
      { replace: true },
    );

  if (now.isPending) return <Loading what="the incident" />;
  if (now.isError) {
    if (now.error instanceof ApiError && now.error.status === 404) {
      return (
        <Empty title={`No incident ${id}`}>
          <p>There is no incident with this id. The link may be mistyped, or from another Respond server.</p>
          <p>
            <Link to="/incidents">Back to the incidents</Link>
          </p>
        </Empty>
      );
    }
    return <Failure error={now.error} what="the incident" onRetry={() => now.refetch()} />;
  }

  const incident = now.data;
  const entries = timeline.data?.items ?? [];
  return (
    <section aria-labelledby="page-title" className="inc-page">
      <p>
        <Link to="/incidents">← Incidents</Link>
      </p>
      <div className="inc-head">
        <h1 id="page-title">{(shown ?? incident).title}</h1>
        {shown && <SeverityBadge severity={shown.severity} />}
      </div>

      <VersionSlider current={incident.version} past={past} entries={entries} onChange={travel} />
      {past !== null && (
        <p className="inc-past-banner" role="status">
          You are looking at version {past} of {incident.version}
          {shown && !loadingPast && (
            <>
              {' '}
              (as of <time dateTime={shown.updatedAt}>{when(shown.updatedAt)}</time>)
            </>
          )}
          . Later events are marked in the timeline, and actions are off.{' '}
          <button type="button" onClick={() => travel(null)}>
            Back to now
          </button>
        </p>
      )}
      {past !== null && then.isError && <Failure error={then.error} what={`version ${past}`} onRetry={() => then.refetch()} />}
      {loadingPast && <Loading what={`version ${past}`} />}

      {shown && (
        <>
          <IncidentFacts incident={shown} />
          {shown.description && <p className="inc-description">{shown.description}</p>}
        </>
      )}

      <div className="inc-columns">
        <section aria-labelledby="timeline-title" className="inc-panel">
          <h2 id="timeline-title">Timeline</h2>
          {timeline.isPending && <Loading what="the timeline" />}
          {timeline.isError && <Failure error={timeline.error} what="the timeline" onRetry={() => timeline.refetch()} />}
          {timeline.data && entries.length === 0 && <p className="muted">Nothing has happened yet.</p>}
          {entries.length > 0 && <Timeline entries={entries} past={past} />}
          {shown && (
            <section aria-labelledby="alerts">
              <AlertsPanel incident={shown} />
            </section>
          )}
        </section>
        <div className="inc-panel">
          {/* Beside the timeline, not above it: the audit trail stays in view while the responder acts. */}
          {canAct ? (
            <ActionsPanel key={incident.id} incident={incident} disabled={past !== null} />
          ) : (
            <p className="muted">You can read this incident; acting on it needs the responder role.</p>
          )}
          <section aria-labelledby="runs">
            <RunsPanel list={list} runs={runs} />
            {past !== null && <p className="muted small">Runs are shown as they are now.</p>}
          </section>
        </div>
      </div>
    </section>
  );
}
