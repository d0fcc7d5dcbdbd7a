// The queue's keyboard selection: j/k move it, Enter opens it. A reducer, so it is testable without a browser.

export interface Selection {
  /** The selected row, or -1 when none is (before the first j). */
  index: number;
  count: number;
}

export type SelectionAction =
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'select'; index: number }
  | { type: 'rows'; count: number };

export const NO_SELECTION: Selection = { index: -1, count: 0 };

export function selectionReducer(state: Selection, action: SelectionAction): Selection {
  switch (action.type) {
    case 'next':
      return state.count === 0 ? state : { ...state, index: Math.min(state.index + 1, state.count - 1) };
    case 'previous':
      return state.count === 0 ? state : { ...state, index: Math.max(state.index - 1, 0) };
    case 'select':
      return action.index >= 0 && action.index < state.count ? { ...state, index: action.index } : state;
    case 'rows':
      // New rows (another page, a refresh): keep the place when it still exists, else clamp.
      return { count: action.count, index: action.count === 0 ? -1 : Math.min(state.index, action.count - 1) };
  }
}

export type KeyCommand = SelectionAction | { type: 'open' } | null;

/** What a key press means on the queue; nothing while typing in a field or with a modifier held. */
export function keyCommand(key: string, target: { tagName?: string; isContentEditable?: boolean } | null,
  modifiers: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean } = {}): KeyCommand {
  if (modifiers.ctrlKey || modifiers.metaKey || modifiers.altKey) return null;
  const tag = target?.tagName?.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return null;
  switch (key) {
    case 'j':
      return { type: 'next' };
    case 'k':
      return { type: 'previous' };
    case 'Enter':
      // A focused link or button already does what Enter means there.
      return tag === 'A' || tag === 'BUTTON' ? null : { type: 'open' };
    default:
      return null;
  }
}
