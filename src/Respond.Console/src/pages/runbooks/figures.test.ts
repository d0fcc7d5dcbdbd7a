import { describe, expect, it } from 'vitest';
import type { RunbookRun } from '../../api/runbooks';
import { duration, figures } from './figures';

const run: RunbookRun = {
  runId: 'r1', status: 'failed', trigger: 'schedule', startedBy: 'schedule', startedAt: '2026-12-06T02:00:00Z',
  endedAt: '2026-12-06T02:05:00Z', error: null, backupAgeSeconds: null, restoreSeconds: null, rtoSeconds: null,
  rtoTargetSeconds: null, rpoSeconds: null,
};

describe('figures', () => {
  it('words durations the way a report quotes them', () => {
    expect(duration(0.052)).toBe('0.1 s');
    expect(duration(42)).toBe('42 s');
    expect(duration(185)).toBe('3 min 5 s');
    expect(duration(7800)).toBe('2 h 10 min');
    expect(duration(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
  });

  it('lists a drill by its RTO against the target, and a backup by its age and restore time', () => {
    expect(figures({ ...run, rtoSeconds: 412, rtoTargetSeconds: 300, rpoSeconds: 0 })).toEqual(['RTO 6 min 52 s (target 5 min)', 'RPO 0 s']);
    expect(figures({ ...run, backupAgeSeconds: 3600, restoreSeconds: 12 })).toEqual(['backup 1 h old', 'restored in 12 s']);
    expect(figures(run)).toEqual([]);
  });
});
