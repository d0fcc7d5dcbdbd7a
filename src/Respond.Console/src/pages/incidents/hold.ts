// The queue never moves under the responder's pointer: while it rests on the rows, live changes wait, and a notice
// says how many; they apply when the pointer leaves or the notice is clicked. A change of filter or page applies at once.
import type { IncidentSummary, Page } from '../../api/types';

export interface Hold {
  /** The page on screen, and the query it answers. */
  shown: Page<IncidentSummary> | undefined;
  shownKey: string;
  /** A newer answer for the same query, kept back while frozen. */
  waiting: Page<IncidentSummary> | undefined;
  frozen: boolean;
}

export type HoldAction =
  | { type: 'arrived'; key: string; data: Page<IncidentSummary> }
  | { type: 'freeze' }
  | { type: 'thaw' }
  | { type: 'show' };

export const EMPTY_HOLD: Hold = { shown: undefined, shownKey: '', waiting: undefined, frozen: false };

export function holdReducer(state: Hold, action: HoldAction): Hold {
  switch (action.type) {
    case 'arrived':
      if (action.data === state.shown) return state;
      if (state.frozen && state.shown && action.key === state.shownKey) return { ...state, waiting: action.data };
      return { ...state, shown: action.data, shownKey: action.key, waiting: undefined };
    case 'freeze':
      return { ...state, frozen: true };
    case 'thaw':
      return { ...release(state), frozen: false };
    case 'show':
      return release(state);
  }
}

function release(state: Hold): Hold {
  return state.waiting ? { ...state, shown: state.waiting, waiting: undefined } : state;
}

/** What the waiting answer would change: incidents not on screen yet, and ones on screen in a newer version. */
export function pendingChanges(hold: Hold): { added: number; changed: number } {
  if (!hold.waiting || !hold.shown) return { added: 0, changed: 0 };
  const shown = new Map(hold.shown.items.map((i) => [i.id, i.version]));
  let added = 0;
  let changed = 0;
  for (const item of hold.waiting.items) {
    const version = shown.get(item.id);
    if (version === undefined) added++;
    else if (version !== item.version) changed++;
  }
  return { added, changed };
}

/** "2 new incidents and 1 change waiting", or '' when nothing waits. */
export function pendingText({ added, changed }: { added: number; changed: number }): string {
  const parts = [];
  if (added) parts.push(`${added} new incident${added === 1 ? '' : 's'}`);
  if (changed) parts.push(`${changed} change${changed === 1 ? '' : 's'}`);
  return parts.length ? `${parts.join(' and ')} waiting` : '';
}
