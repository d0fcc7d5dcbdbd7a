import { describe, expect, it } from 'vitest';
import { when } from './when';

describe('when', () => {
  it('writes year first, 24-hour, with the zone', () => {
    expect(when('2026-12-06T21:05:19Z', 'UTC')).toBe('2026-12-06 21:05:19 UTC');
    expect(when('2026-12-06T09:05:19Z', 'Europe/Amsterdam')).toBe('2026-12-06 10:05:19 CET');
  });

  it('hands back what it cannot read', () => {
    expect(when('not a time')).toBe('not a time');
  });
});
