import { describe, expect, it } from 'vitest';
import { keyCommand, NO_SELECTION, selectionReducer, type Selection, type SelectionAction } from './selection';

const run = (state: Selection, ...actions: SelectionAction[]) => actions.reduce(selectionReducer, state);

describe('the queue selection', () => {
  it('starts with nothing selected; j selects the first row, then moves down and stops at the last', () => {
    const three = run(NO_SELECTION, { type: 'rows', count: 3 });
    expect(three.index).toBe(-1);
    expect(run(three, { type: 'next' }).index).toBe(0);
    expect(run(three, { type: 'next' }, { type: 'next' }, { type: 'next' }, { type: 'next' }).index).toBe(2);
  });

  it('k moves up and stops at the first row', () => {
    const at2 = run(NO_SELECTION, { type: 'rows', count: 3 }, { type: 'select', index: 2 });
    expect(run(at2, { type: 'previous' }).index).toBe(1);
    expect(run(at2, { type: 'previous' }, { type: 'previous' }, { type: 'previous' }).index).toBe(0);
  });

  it('does nothing without rows, and ignores a selection out of range', () => {
    expect(run(NO_SELECTION, { type: 'next' }, { type: 'previous' })).toEqual(NO_SELECTION);
    const two = run(NO_SELECTION, { type: 'rows', count: 2 });
    expect(run(two, { type: 'select', index: 5 }).index).toBe(-1);
  });

  it('keeps its place when the rows change, clamped to the new count', () => {
    const at4 = run(NO_SELECTION, { type: 'rows', count: 5 }, { type: 'select', index: 4 });
    expect(run(at4, { type: 'rows', count: 5 }).index).toBe(4);
    expect(run(at4, { type: 'rows', count: 2 }).index).toBe(1);
    expect(run(at4, { type: 'rows', count: 0 }).index).toBe(-1);
  });
});

describe('the queue keys', () => {
  const body = { tagName: 'BODY' };
  it('maps j, k and Enter', () => {
    expect(keyCommand('j', body)).toEqual({ type: 'next' });
    expect(keyCommand('k', body)).toEqual({ type: 'previous' });
    expect(keyCommand('Enter', body)).toEqual({ type: 'open' });
    expect(keyCommand('x', body)).toBeNull();
  });

  it('leaves typing, modified keys and native Enter alone', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) expect(keyCommand('j', { tagName })).toBeNull();
    expect(keyCommand('j', { tagName: 'DIV', isContentEditable: true })).toBeNull();
    expect(keyCommand('j', body, { ctrlKey: true })).toBeNull();
    expect(keyCommand('Enter', { tagName: 'A' })).toBeNull();
    expect(keyCommand('Enter', { tagName: 'BUTTON' })).toBeNull();
    expect(keyCommand('j', { tagName: 'A' })).toEqual({ type: 'next' });
  });
});
