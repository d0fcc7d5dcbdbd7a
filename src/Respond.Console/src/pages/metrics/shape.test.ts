import { describe, expect, it } from 'vitest';
import { bars, bucketLabel, durationWords, severityBars, statusBars, trendPoints } from './shape';

describe('shape', () => {
  it('words a mean, and a missing one as a dash', () => {
    expect(durationWords(252)).toBe('4 min 12 s');
    expect(durationWords(60)).toBe('1 min');
    expect(durationWords(null)).toBe('—');
    expect(durationWords(undefined)).toBe('—');
  });

  it('names buckets by UTC day or hour', () => {
    expect(bucketLabel('2026-12-06T00:00:00Z', 'day')).toBe('06 Dec');
    expect(bucketLabel('2026-12-06T14:00:00Z', 'hour')).toBe('06 Dec 14:00');
    expect(bucketLabel('nonsense', 'day')).toBe('nonsense');
  });

  it('turns trend buckets into chart points, keeping nulls for empty buckets', () => {
    const points = trendPoints(
      [
        { at: '2026-12-05T00:00:00Z', mtta: 60, mttc: null, mttr: null, opened: 2, acknowledged: 1, contained: 0, recovered: 0 },
        { at: '2026-12-06T00:00:00Z', mtta: null, mttc: null, mttr: null, opened: 0, acknowledged: 0, contained: 0, recovered: 0 },
      ],
      'day',
    );
    expect(points).toEqual([
      { at: '2026-12-05T00:00:00Z', label: '05 Dec', mtta: 60, mttc: null, mttr: null, opened: 2 },
      { at: '2026-12-06T00:00:00Z', label: '06 Dec', mtta: null, mttc: null, mttr: null, opened: 0 },
    ]);
  });

  it('orders severities and statuses as the contract does, and sources by count', () => {
    expect(severityBars({ low: 2, critical: 1, high: 0 })).toEqual([
      { name: 'critical', count: 1 },
      { name: 'low', count: 2 },
    ]);
    expect(statusBars({ closed: 1, new: 3 }).map((b) => b.name)).toEqual(['new', 'closed']);
    expect(bars({ generic: 1, grafana: 4, alertmanager: 1 }).map((b) => b.name)).toEqual(['grafana', 'alertmanager', 'generic']);
    expect(bars({})).toEqual([]);
  });
});
