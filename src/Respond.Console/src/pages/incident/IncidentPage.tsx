import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { getIncident } from '../../api/incidents';
import { SeverityBadge } from '../../components/SeverityBadge';
import { Failure, Loading } from '../../components/States';
import { when } from '../../components/when';

/** The incident detail: title, status and severity for now; the timeline and actions come next. */
export function IncidentPage() {
  const { id = '' } = useParams();
  const incident = useQuery({ queryKey: ['incident', id], queryFn: ({ signal }) => getIncident(id, signal) });

  useEffect(() => {
    if (incident.data) document.title = `${incident.data.title} · Respond`;
  }, [incident.data]);

  return (
    <section aria-labelledby="page-title">
      <p>
        <Link to="/incidents">← Incidents</Link>
      </p>
      {incident.isPending && <Loading what="the incident" />}
      {incident.isError && <Failure error={incident.error} what="the incident" onRetry={() => incident.refetch()} />}
      {incident.data && (
        <>
          <h1 id="page-title">{incident.data.title}</h1>
          <dl className="facts">
            <dt>Status</dt>
            <dd>{incident.data.status}</dd>
            <dt>Severity</dt>
            <dd>
              <SeverityBadge severity={incident.data.severity} />
            </dd>
            <dt>Opened</dt>
            <dd>
              <time dateTime={incident.data.openedAt}>{when(incident.data.openedAt)}</time> by{' '}
              {incident.data.openedBy}
            </dd>
            <dt>Assignee</dt>
            <dd>{incident.data.assignee ?? 'nobody'}</dd>
            <dt>Sources</dt>
            <dd>{incident.data.sources.join(', ') || '—'}</dd>
            <dt>Alerts</dt>
            <dd>{incident.data.alertCount}</dd>
          </dl>
          {incident.data.description && <p>{incident.data.description}</p>}
          <p className="note">The timeline, alerts, runs and actions are coming to this page soon.</p>
        </>
      )}
    </section>
  );
}
