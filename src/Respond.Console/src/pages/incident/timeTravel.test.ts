import { describe, expect, it } from 'vitest';
import { entryOfVersion, laterThan, sliderVersion, versionFromSearch } from './timeTravel';

// Incident versions 1..4 with a run's entries (the run's own versions 1, 5, 6) between them, in the server's order.
const entries = [
  { version: 1, runId: null, type: 'IncidentOpened' },
  { version: 1, runId: 'r', type: 'PlaybookRunStarted' },
  { version: 2, runId: null, type: 'IncidentAcknowledged' },
  { version: 5, runId: 'r', type: 'ApprovalRequested' },
  { version: 3, runId: null, type: 'CommentAdded' },
  { version: 6, runId: 'r', type: 'ApprovalGranted' },
  { version: 4, runId: null, type: 'IncidentContained' },
];

describe('laterThan', () => {
  it('marks what happened after the version, run entries by their place between incident events', () => {
    expect(laterThan(entries, 1)).toEqual([false, false, true, true, true, true, true]);
    expect(laterThan(entries, 2)).toEqual([false, false, false, false, true, true, true]);
    expect(laterThan(entries, 3)).toEqual([false, false, false, false, false, false, true]);
  });

  it('marks nothing now, or at the newest version', () => {
    expect(laterThan(entries, null).some(Boolean)).toBe(false);
    expect(laterThan(entries, 4).some(Boolean)).toBe(false);
  });

  it('does not mistake a run version for an incident version', () => {
    // Run entries with versions 5 and 6 must not count as incident versions above 4.
    expect(laterThan(entries, 4)).toEqual(entries.map(() => false));
  });
});

describe('entryOfVersion', () => {
  it('finds the incident event of a version, never a run event', () => {
    expect(entryOfVersion(entries, 1)?.type).toBe('IncidentOpened');
    expect(entryOfVersion(entries, 5)).toBeUndefined();
  });
});

describe('slider and address', () => {
  it('reads the top of the range as now', () => {
    expect(sliderVersion(7, 7)).toBeNull();
    expect(sliderVersion(3, 7)).toBe(3);
    expect(sliderVersion(0, 7)).toBe(1);
    expect(sliderVersion(Number.NaN, 7)).toBeNull();
  });

  it('accepts only a past version from the address', () => {
    expect(versionFromSearch('2', 5)).toBe(2);
    expect(versionFromSearch('5', 5)).toBeNull();
    expect(versionFromSearch('9', 5)).toBeNull();
    expect(versionFromSearch('2', undefined)).toBe(2);
    for (const bad of [null, '', '0', '-1', '1.5', 'x']) expect(versionFromSearch(bad, 5)).toBeNull();
  });
});
