import { api } from './http';
import type { Session } from './types';

export const getSession = (signal?: AbortSignal) => api<Session>('/api/session', { signal });

export const signIn = (apiKey: string) =>
  api<Session>('/api/session', { method: 'POST', body: { apiKey }, redirectOnUnauthorized: false });

export const signOut = () => api<void>('/api/session', { method: 'DELETE', redirectOnUnauthorized: false });

export interface SignInProviders {
  oidc: { name: string } | null;
}

/** Which ways to sign in the server offers besides an API key (single sign-on when Respond:Auth:ClientId is set). */
export const getProviders = () =>
  api<SignInProviders>('/api/session/providers', { redirectOnUnauthorized: false });

/** The server-side start of the single sign-on round trip; it comes back to `returnUrl` with a session. */
export const oidcSignInHref = (returnUrl: string) => `/api/session/oidc?returnUrl=${encodeURIComponent(returnUrl)}`;

const SIGN_IN_ERRORS: Record<string, string> = {
  'oidc-no-role': 'You signed in at your identity provider, but it grants you no Respond role. Ask an admin for one.',
  'oidc-subject': 'Your identity provider did not say who you are (no subject). Ask an admin to check the app registration.',
  'oidc-failed': 'Single sign-on did not complete. Try again; if it keeps failing, the server log says why.',
};

/** The words for an `?error=` the single sign-on round trip came back with. */
export const signInErrorText = (code: string | null) => (code ? (SIGN_IN_ERRORS[code] ?? '') : '');

/** Every role includes viewer; admin includes all (SPEC §7). */
export function hasRole(session: Session | undefined, role: string): boolean {
  if (!session) return false;
  return role === 'viewer' || session.roles.includes(role) || session.roles.includes('admin');
}

/** The roles in a few words for the top bar: admin alone says it all, and viewer goes without saying beside another role. */
export function roleSummary(roles: readonly string[]): string {
  if (roles.includes('admin')) return 'admin';
  const shown = roles.filter((r) => r !== 'viewer');
  return shown.length ? shown.join(', ') : 'viewer';
}
