import type { Entities, IncidentView } from '../../api/incident';
import { SeverityBadge } from '../../components/SeverityBadge';
import { when } from '../../components/when';

const KINDS: { key: keyof Entities; label: string }[] = [
  { key: 'hosts', label: 'Hosts' },
  { key: 'accounts', label: 'Accounts' },
  { key: 'ips', label: 'IP addresses' },
  { key: 'resources', label: 'Resources' },
];

/** The alerts that make up the incident, the entities they name, and the observables responders added. */
export function AlertsPanel({ incident }: { incident: IncidentView }) {
  const hidden = incident.alertCount - incident.alerts.length;
  return (
    <>
      <h2 id="alerts">Alerts ({incident.alertCount})</h2>
      {incident.alerts.length === 0 ? (
        <p className="muted">No alerts: this incident was opened by hand.</p>
      ) : (
        <div className="inc-scroll">
          <table className="inc-table">
            <thead>
              <tr>
                <th scope="col">Alert</th>
                <th scope="col">Severity</th>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Fired</th>
              </tr>
            </thead>
            <tbody>
              {incident.alerts.map((alert) => (
                <tr key={alert.id}>
                  <td>
                    {alert.title}
                    <div className="muted small">
                      {alert.category ? `${alert.category} · ` : ''}id {alert.externalId}
                    </div>
                  </td>
                  <td>
                    <SeverityBadge severity={alert.severity} />
                  </td>
                  <td>
                    {alert.status}
                    {alert.resolvedAt && (
                      <div className="muted small">
                        <time dateTime={alert.resolvedAt}>{when(alert.resolvedAt)}</time>
                      </div>
                    )}
                  </td>
                  <td>{alert.source}</td>
                  <td>{alert.firedAt ? <time dateTime={alert.firedAt}>{when(alert.firedAt)}</time> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {hidden > 0 && <p className="muted">and {hidden} older alerts not listed here.</p>}
        </div>
      )}

      <h3>Entities</h3>
      <dl className="inc-dl inc-entities">
        {KINDS.map(({ key, label }) => (
          <div key={key} className="inc-entity-row">
            <dt>{label}</dt>
            <dd>
              {incident.entities[key].length === 0 ? (
                <span className="muted">none</span>
              ) : (
                <ul className="inc-chips">
                  {incident.entities[key].map((value) => (
                    <li key={value}>
                      <code>{value}</code>
                    </li>
                  ))}
                </ul>
              )}
              {incident.entitiesOmitted?.[key] > 0 && <span className="muted"> and {incident.entitiesOmitted[key]} more</span>}
            </dd>
          </div>
        ))}
      </dl>

      <h3>Observables</h3>
      {incident.observables.length === 0 ? (
        <p className="muted">No observables yet.</p>
      ) : (
        <ul className="inc-chips">
          {incident.observables.map((o) => (
            <li key={`${o.type}:${o.value}`}>
              <span className="muted">{o.type}</span> <code>{o.value}</code>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
