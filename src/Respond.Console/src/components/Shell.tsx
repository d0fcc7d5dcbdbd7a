import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { roleSummary, signOut } from '../api/session';
import { useLiveFeed } from '../app/liveFeed';
import { useSession } from '../app/session';

export const NAV_ITEMS = [
  { to: '/incidents', label: 'Incidents' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/playbooks', label: 'Playbooks' },
  { to: '/runbooks', label: 'Runbooks' },
  { to: '/metrics', label: 'Metrics' },
  { to: '/sources', label: 'Sources' },
] as const;

/** The signed-in frame: the navigation bar, who is signed in, and the page. */
export function Shell() {
  const session = useSession();
  useLiveFeed(session.isSuccess);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);

  async function leave() {
    setLeaving(true);
    try {
      await signOut();
    } catch {
      // Already signed out on the server: the sign-in page is the right place either way.
    }
    client.clear();
    navigate('/sign-in', { replace: true });
  }

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Respond</span>
        <nav aria-label="Main">
          <ul>
            {NAV_ITEMS.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
            <li>
              <a href="/openapi">API reference</a>
            </li>
          </ul>
        </nav>
        <div className="who">
          {session.data && (
            <span title={`Roles: ${session.data.roles.join(', ')}`}>
              {session.data.displayName ?? session.data.name} · {roleSummary(session.data.roles)}
            </span>
          )}
          <button type="button" onClick={leave} disabled={leaving}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {/* The page loads beside the session check, not after it: one round trip less before the queue shows. A failed
            check (401) sends the browser to sign in; pages show role-bound actions once the session is known. */}
        {session.isError ? null : <Outlet />}
      </main>
    </>
  );
}
