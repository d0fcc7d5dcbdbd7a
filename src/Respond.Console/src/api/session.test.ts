import { describe, expect, it } from 'vitest';
import { hasRole, oidcSignInHref, roleSummary, signInErrorText } from './session';

describe('sign-in helpers', () => {
  it('starts single sign-on with the page to come back to, encoded', () => {
    expect(oidcSignInHref('/incidents?severity=high&q=a b')).toBe(
      '/api/session/oidc?returnUrl=%2Fincidents%3Fseverity%3Dhigh%26q%3Da%20b',
    );
  });

  it('says in words why single sign-on came back without a session', () => {
    expect(signInErrorText('oidc-no-role')).toMatch(/no Respond role/);
    expect(signInErrorText('oidc-failed')).toMatch(/did not complete/);
    expect(signInErrorText('something-else')).toBe('');
    expect(signInErrorText(null)).toBe('');
  });

  it('treats admin as every role and every role as viewer', () => {
    expect(hasRole({ name: 'a', roles: ['admin'] }, 'approver')).toBe(true);
    expect(hasRole({ name: 'r', roles: ['responder'] }, 'viewer')).toBe(true);
    expect(hasRole({ name: 'r', roles: ['responder'] }, 'approver')).toBe(false);
    expect(hasRole(undefined, 'viewer')).toBe(false);
  });

  it('sums the roles up for the top bar', () => {
    expect(roleSummary(['admin', 'approver', 'author', 'responder', 'viewer'])).toBe('admin');
    expect(roleSummary(['responder', 'viewer'])).toBe('responder');
    expect(roleSummary(['approver', 'responder', 'viewer'])).toBe('approver, responder');
    expect(roleSummary(['viewer'])).toBe('viewer');
  });
});
