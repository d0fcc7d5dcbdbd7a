import { describe, expect, it } from 'vitest';
import { DEFAULT_RANGE, rangeFromSearch, rangeWindow } from './range';

describe('range', () => {
  it('reads the range from the URL, and anything else as the default', () => {
    expect(rangeFromSearch(new URLSearchParams('range=24h'))).toBe('24h');
    expect(rangeFromSearch(new URLSearchParams('range=90D'))).toBe('90d');
    expect(rangeFromSearch(new URLSearchParams('range=1y'))).toBe(DEFAULT_RANGE);
    expect(rangeFromSearch(new URLSearchParams())).toBe('7d');
  });

  it('ends at the end of the current hour or UTC day, whole buckets back', () => {
    const now = new Date('2026-12-06T22:17:45Z');
    expect(rangeWindow('24h', now)).toEqual({ from: '2026-12-05T23:00:00.000Z', to: '2026-12-06T23:00:00.000Z', interval: 'hour' });
    expect(rangeWindow('7d', now)).toEqual({ from: '2026-11-30T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z', interval: 'day' });
    expect(rangeWindow('90d', now).from).toBe('2026-09-08T00:00:00.000Z');
  });

  it('counts a moment on the hour in the hour it starts', () => {
    expect(rangeWindow('24h', new Date('2026-12-06T22:00:00Z')).to).toBe('2026-12-06T23:00:00.000Z');
  });
});
