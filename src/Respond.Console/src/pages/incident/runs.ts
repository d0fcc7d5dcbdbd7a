import type { RunView } from '../../api/incident';

/** The approval step a waiting run is parked at, if it waits for people rather than for a delay or a sub-playbook. */
export function waitingApproval(run: Pick<RunView, 'status' | 'steps'>) {
  return run.status === 'waiting' ? run.steps.find((s) => s.status === 'waiting' && s.type === 'approval') : undefined;
}
