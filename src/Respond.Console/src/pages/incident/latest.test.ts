import { describe, expect, it } from 'vitest';
import { keepNewer, longest, newest } from './latest';

const v = (version: number, status = 'new') => ({ version, status });

describe('newest', () => {
  it('keeps the higher version whatever order the answers arrive in', () => {
    let shown: ReturnType<typeof v> | undefined;
    for (const answer of [v(1), v(3, 'contained'), v(2, 'acknowledged')]) shown = newest(shown, answer);
    expect(shown).toEqual(v(3, 'contained'));
  });

  it('takes the fresher read on a tie, and the first answer when nothing is shown', () => {
    const older = v(4, 'acknowledged');
    const fresher = v(4, 'acknowledged');
    expect(newest(older, fresher)).toBe(fresher);
    expect(newest(undefined, v(1))).toEqual(v(1));
  });

  it('moves forward as soon as a newer answer arrives', () => {
    expect(newest(v(2), v(5))).toEqual(v(5));
  });
});

describe('longest', () => {
  it('keeps the longer timeline when a shorter, older read lands last', () => {
    const long = { items: [1, 2, 3] };
    expect(longest(long, { items: [1, 2] })).toBe(long);
    const longer = { items: [1, 2, 3, 4] };
    expect(longest(long, longer)).toBe(longer);
    expect(longest(undefined, long)).toBe(long);
  });
});

describe('keepNewer (the query cache hook)', () => {
  it('replays out-of-order arrivals into the newest state', () => {
    const guard = keepNewer(newest<ReturnType<typeof v>>);
    let cache: unknown;
    for (const answer of [v(2), v(6), v(3), v(5), v(6, 'closed'), v(4)]) cache = guard(cache, answer);
    expect(cache).toEqual(v(6, 'closed'));
  });

  it('lets an empty answer through rather than guessing', () => {
    const guard = keepNewer(newest<ReturnType<typeof v>>);
    expect(guard(v(2), undefined)).toBeUndefined();
  });
});
