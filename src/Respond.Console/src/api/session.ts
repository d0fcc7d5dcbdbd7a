import { api } from './http';
import type { Session } from './types';

export const getSession = (signal?: AbortSignal) => api<Session>('/api/session', { signal });

export const signIn = (apiKey: string) =>
  api<Session>('/api/session', { method: 'POST', body: { apiKey }, redirectOnUnauthorized: false });

export const signOut = () => api<void>('/api/session', { method: 'DELETE', redirectOnUnauthorized: false });

/** Every role includes viewer; admin includes all (SPEC §7). */
export function hasRole(session: Session | undefined, role: string): boolean {
  if (!session) return false;
  return role === 'viewer' || session.roles.includes(role) || session.roles.includes('admin');
}
