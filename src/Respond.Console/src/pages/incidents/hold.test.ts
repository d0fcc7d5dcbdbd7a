import { describe, expect, it } from 'vitest';
import type { IncidentSummary, Page } from '../../api/types';
import { EMPTY_HOLD, holdReducer, pendingChanges, pendingText, type Hold } from './hold';

const incident = (id: string, version = 1) => ({ id, version }) as IncidentSummary;
const page = (...items: IncidentSummary[]): Page<IncidentSummary> => ({ items, page: 1, pageSize: 50, total: items.length });

describe('the queue holds still under the pointer', () => {
  const first = page(incident('a'), incident('b'));
  const newer = page(incident('c'), incident('a', 2), incident('b'));

  it('shows answers at once while the pointer is elsewhere', () => {
    const state = holdReducer(holdReducer(EMPTY_HOLD, { type: 'arrived', key: 'q', data: first }), {
      type: 'arrived', key: 'q', data: newer,
    });
    expect(state.shown).toBe(newer);
    expect(state.waiting).toBeUndefined();
  });

  it('keeps a live change back while frozen, says what waits, and applies it on leaving', () => {
    let state: Hold = holdReducer(EMPTY_HOLD, { type: 'arrived', key: 'q', data: first });
    state = holdReducer(state, { type: 'freeze' });
    state = holdReducer(state, { type: 'arrived', key: 'q', data: newer });
    expect(state.shown).toBe(first);
    expect(pendingChanges(state)).toEqual({ added: 1, changed: 1 });
    expect(pendingText(pendingChanges(state))).toBe('1 new incident and 1 change waiting');
    state = holdReducer(state, { type: 'thaw' });
    expect(state.shown).toBe(newer);
    expect(pendingText(pendingChanges(state))).toBe('');
  });

  it('applies on request without unfreezing', () => {
    let state: Hold = holdReducer(EMPTY_HOLD, { type: 'arrived', key: 'q', data: first });
    state = holdReducer(holdReducer(state, { type: 'freeze' }), { type: 'arrived', key: 'q', data: newer });
    state = holdReducer(state, { type: 'show' });
    expect(state.shown).toBe(newer);
    expect(state.frozen).toBe(true);
  });

  it('never holds back a different query: a new filter or page shows at once', () => {
    let state: Hold = holdReducer(EMPTY_HOLD, { type: 'arrived', key: 'q', data: first });
    state = holdReducer(holdReducer(state, { type: 'freeze' }), { type: 'arrived', key: 'page=2', data: newer });
    expect(state.shown).toBe(newer);
    expect(state.shownKey).toBe('page=2');
  });

  it('words plural changes', () => {
    expect(pendingText({ added: 3, changed: 0 })).toBe('3 new incidents waiting');
    expect(pendingText({ added: 0, changed: 2 })).toBe('2 changes waiting');
  });
});
