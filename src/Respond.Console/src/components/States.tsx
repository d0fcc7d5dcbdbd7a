import type { ReactNode } from 'react';
import { ApiError, SignedOutError } from '../api/http';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** An error in words, with what to try; nothing for a 401, which has already gone to sign-in. */
export function Failure({ error, what, onRetry }: { error: unknown; what: string; onRetry?: () => void }) {
  if (error instanceof SignedOutError) return null;
  const detail =
    error instanceof ApiError
      ? `${error.message}${error.problem.requestId ? ` (request ${error.problem.requestId})` : ''}`
      : 'The server could not be reached. Check the connection.';
  return (
    <div className="state error" role="alert">
      <h2>Could not load {what}</h2>
      <p>{detail}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
