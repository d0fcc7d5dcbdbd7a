import type { IncidentView } from '../../api/incident';
import { SeverityBadge } from '../../components/SeverityBadge';
import { when } from '../../components/when';
import { who } from './timelineWords';

function Moment({ at }: { at: string | null }) {
  return at ? <time dateTime={at}>{when(at)}</time> : <span className="muted">—</span>;
}

/** The header facts: what the incident is, where it stands, and when each milestone was reached. */
export function IncidentFacts({ incident }: { incident: IncidentView }) {
  return (
    <div className="inc-facts">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`status status-${incident.status}`}>{incident.status}</span>
        </dd>
        <dt>Severity</dt>
        <dd>
          <SeverityBadge severity={incident.severity} />
        </dd>
        <dt>Assignee</dt>
        <dd>{incident.assignee ?? <span className="muted">nobody</span>}</dd>
        <dt>Classification</dt>
        <dd>{incident.classification ?? <span className="muted">not classified</span>}</dd>
        <dt>Sources</dt>
        <dd>{incident.sources.join(', ') || <span className="muted">opened by hand</span>}</dd>
        <dt>Version</dt>
        <dd>{incident.version}</dd>
      </dl>
      <dl className="inc-dl">
        <dt>Opened</dt>
        <dd>
          <Moment at={incident.openedAt} /> by {who(incident.openedBy)}
        </dd>
        <dt>Acknowledged</dt>
        <dd>
          <Moment at={incident.acknowledgedAt} />
        </dd>
        <dt>Contained</dt>
        <dd>
          <Moment at={incident.containedAt} />
          {incident.containedAt && incident.containedAutomatically && ' (by a playbook)'}
        </dd>
        <dt>Recovered</dt>
        <dd>
          <Moment at={incident.recoveredAt} />
        </dd>
        <dt>Closed</dt>
        <dd>
          <Moment at={incident.closedAt} />
        </dd>
        <dt>Last change</dt>
        <dd>
          <Moment at={incident.updatedAt} />
        </dd>
      </dl>
    </div>
  );
}
