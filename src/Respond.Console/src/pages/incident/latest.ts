// Never show an older state after a newer one. Answers can arrive out of order: a refetch the live feed started can finish
// after the answer to the user's own command, or a slow read can land after a quicker, later one. Each guard keeps the newer.

interface Versioned {
  version: number;
}

/** The newer of two states of one stream (incident or run): the higher version wins; on a tie, the fresher read. */
export function newest<T extends Versioned>(current: T | undefined, incoming: T): T {
  return current !== undefined && current.version > incoming.version ? current : incoming;
}

/**
 * A timeline only grows (every entry is an appended event), so the longer answer is the newer; on a tie, the fresher read.
 */
export function longest<T extends { items: unknown[] }>(current: T | undefined, incoming: T): T {
  return current !== undefined && current.items.length > incoming.items.length ? current : incoming;
}

/**
 * For TanStack Query's `structuralSharing` hook, which sees the cached data and a fresh answer: keeps the newer by `pick`,
 * and leaves anything it does not recognise to the fresh answer.
 */
export function keepNewer<T>(pick: (current: T | undefined, incoming: T) => T) {
  return (current: unknown, incoming: unknown): unknown =>
    incoming === undefined || incoming === null ? incoming : pick(current as T | undefined, incoming as T);
}
