import { useQuery } from '@tanstack/react-query';
import { getSession } from '../api/session';

export const SESSION_KEY = ['session'] as const;

/** Who is signed in, and with which roles (GET /api/session). A 401 has already sent the user to sign in. */
export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: ({ signal }) => getSession(signal), staleTime: 60_000 });
}
