import { describe, expect, it } from 'vitest';
import type { RunStep } from '../../api/incident';
import { waitingApproval } from './runs';

const step = (id: string, type: string, status: RunStep['status']): RunStep => ({
  id, type, status, name: null, attempts: status === 'pending' ? 0 : 1, outcome: null, error: null, startedAt: null, endedAt: null, retryAt: null,
});

describe('waitingApproval', () => {
  it('finds the approval a waiting run is parked at', () => {
    const steps = [step('check', 'condition', 'succeeded'), step('approve', 'approval', 'waiting'), step('block', 'action', 'pending')];
    expect(waitingApproval({ status: 'waiting', steps })?.id).toBe('approve');
  });

  it('says nothing for a run that waits on a delay, or is not waiting', () => {
    expect(waitingApproval({ status: 'waiting', steps: [step('pause', 'delay', 'waiting')] })).toBeUndefined();
    expect(waitingApproval({ status: 'completed', steps: [step('approve', 'approval', 'succeeded')] })).toBeUndefined();
  });
});
