import type { Severity } from '../api/types';

/** Severity as colour and word together, so it reads at a glance and without colour. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`severity severity-${severity}`}>{severity}</span>;
}
