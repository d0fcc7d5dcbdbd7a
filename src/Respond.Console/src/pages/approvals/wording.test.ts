import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { expiry, refusal } from './wording';

const now = Date.parse('2026-12-06T21:00:00Z');

describe('expiry', () => {
  it('counts down in minutes and seconds', () => {
    expect(expiry('2026-12-06T21:29:12Z', now)).toBe('expires in 29 min 12 s');
    expect(expiry('2026-12-06T21:00:45Z', now)).toBe('expires in 45 s');
    expect(expiry('2026-12-06T22:04:00Z', now)).toBe('expires in 1 h 4 min');
    expect(expiry('2026-12-08T23:00:00Z', now)).toBe('expires in 2 d 2 h');
  });

  it('says when it has expired', () => {
    expect(expiry('2026-12-06T21:00:00Z', now)).toBe('expired just now');
    expect(expiry('2026-12-06T20:57:00Z', now)).toBe('expired 3 min ago');
  });
});

describe('refusal', () => {
  it('words four eyes', () => {
    const error = new ApiError(403, { detail: 'Four eyes: admin started this run by hand and cannot approve its steps.' });
    expect(refusal(error)).toEqual({ text: 'You started this run, so someone else must approve it (four eyes).', gone: false });
  });

  it('says who decided first and drops the item on 409', () => {
    const error = new ApiError(409, { detail: 'The approval is already approved by approver.' });
    expect(refusal(error)).toEqual({ text: 'Decided elsewhere: The approval is already approved by approver.', gone: true });
  });

  it('explains a role that is not an approver', () => {
    const error = new ApiError(403, { detail: "bob is not among this step's approvers (roles: approver; users: )." });
    expect(refusal(error).text).toMatch(/^You may not decide this approval: bob is not among/);
  });

  it('does not blame the user for a network failure', () => {
    expect(refusal(new TypeError('fetch failed')).gone).toBe(false);
  });
});
