import { ApiError } from '../../api/http';

/** "expires in 29 min 12 s", "expires in 1 h 4 min", or "expired 3 min ago": the countdown an approver reads. */
export function expiry(expiresAt: string, now: number): string {
  const end = new Date(expiresAt).getTime();
  if (Number.isNaN(end)) return '';
  const seconds = Math.round((end - now) / 1000);
  if (seconds <= 0) return seconds > -60 ? 'expired just now' : `expired ${span(-seconds, false)} ago`;
  return `expires in ${span(seconds, true)}`;
}

function span(seconds: number, withSeconds: boolean): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return withSeconds ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${rest} s`;
}

/** What a refused decision means, in words; `gone` when the item is no longer the user's to decide (decided elsewhere). */
export interface Refusal {
  text: string;
  gone: boolean;
}

export function refusal(error: unknown): Refusal {
  if (!(error instanceof ApiError)) return { text: 'The server could not be reached. Nothing was decided; try again.', gone: false };
  const detail = error.problem.detail ?? '';
  if (error.status === 403 && /^four eyes/i.test(detail)) {
    return {
      text: /sub-playbook/.test(detail)
        ? 'You started the run this step belongs to, so someone else must approve it (four eyes).'
        : 'You started this run, so someone else must approve it (four eyes).',
      gone: false,
    };
  }
  if (error.status === 403) {
    return { text: `You may not decide this approval: ${detail || 'your role is not among its approvers.'}`, gone: false };
  }
  if (error.status === 409) {
    return { text: `Decided elsewhere: ${detail || 'someone else decided it first.'}`, gone: true };
  }
  if (error.status === 404) return { text: 'This approval no longer exists.', gone: true };
  return { text: error.message, gone: false };
}
