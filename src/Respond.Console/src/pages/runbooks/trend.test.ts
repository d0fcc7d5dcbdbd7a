import { describe, expect, it } from 'vitest';
import type { RunbookRun } from '../../api/runbooks';
import { axisDuration, axisTop, latestTarget, runPoints, trendKind } from './trend';

const run = (over: Partial<RunbookRun>): RunbookRun => ({
  runId: 'r', status: 'completed', trigger: 'schedule', startedBy: 'schedule', startedAt: '2026-12-06T02:00:00Z',
  endedAt: null, error: null, backupAgeSeconds: null, restoreSeconds: null, rtoSeconds: null, rtoTargetSeconds: null,
  rpoSeconds: null, ...over,
});

describe('runbook trend', () => {
  it('tells a drill from a backup verification by what its runs measured', () => {
    expect(trendKind([run({ rtoSeconds: 200 })])).toBe('drill');
    expect(trendKind([run({ backupAgeSeconds: 3600 })])).toBe('backup');
    expect(trendKind([run({ restoreSeconds: 12 })])).toBe('backup');
    expect(trendKind([run({ status: 'failed' })])).toBe('none');
    expect(trendKind([])).toBe('none');
  });

  it('puts the runs oldest first, marks failed runs on their figure or on the axis, and words each', () => {
    const points = runPoints([
      run({ runId: 'c', startedAt: '2026-12-06T02:00:00Z', rtoSeconds: 412, rtoTargetSeconds: 300 }),
      run({ runId: 'b', startedAt: '2026-12-05T02:00:00Z', status: 'failed', error: 'failover timed out' }),
      run({ runId: 'a', startedAt: '2026-12-04T02:00:00Z', status: 'failed', rtoSeconds: 900, rtoTargetSeconds: 240 }),
    ]);
    expect(points.map((p) => p.runId)).toEqual(['a', 'b', 'c']);
    expect(points.map((p) => p.failedMark)).toEqual([900, null, null]);
    expect(axisTop(points, 'drill', 300)).toBe(900);
    expect(axisTop([], 'drill', null)).toBe(0);
    expect(points[1]?.words).toBe('failed · failover timed out');
    expect(points[2]?.words).toBe('completed · RTO 6 min 52 s (target 5 min)');
    expect(points[2]?.label).toBe('12-06 02:00');
    expect(latestTarget(points)).toBe(300);
    expect(latestTarget([])).toBeNull();
  });

  it('marks a failed backup verification on its backup age', () => {
    const [point] = runPoints([run({ status: 'failed', backupAgeSeconds: 90000 })]);
    expect(point?.failedMark).toBe(90000);
    expect(point?.words).toBe('failed · backup 1 d 1 h old');
  });

  it('words an axis tick in its largest unit', () => {
    expect(axisDuration(0)).toBe('0 s');
    expect(axisDuration(412)).toBe('7 min');
    expect(axisDuration(90000)).toBe('25 h');
    expect(axisDuration(3 * 86400)).toBe('3 d');
  });
});
