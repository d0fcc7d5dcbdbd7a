import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, isConsolePath, safeReturnUrl } from '../../api/http';
import { getProviders, oidcSignInHref, signIn, signInErrorText } from '../../api/session';

/** Exchange an API key for the session cookie, then return to the page that sent the user here (local paths only). */
export function SignInPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [key, setKey] = useState('');
  const [message, setMessage] = useState(() => signInErrorText(search.get('error')));
  const [busy, setBusy] = useState(false);
  const back = safeReturnUrl(search.get('returnUrl'));
  const providers = useQuery({ queryKey: ['session', 'providers'], queryFn: getProviders, staleTime: Infinity, retry: false });
  const oidc = providers.data?.oidc;

  useEffect(() => {
    document.title = 'Sign in · Respond';
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setMessage('Signing in…');
    try {
      await signIn(key);
      client.clear();
      // Server pages outside the console (the Hangfire dashboard, the API reference) need a full load.
      if (isConsolePath(back)) navigate(back, { replace: true });
      else window.location.assign(back);
    } catch (error) {
      setMessage(
        error instanceof ApiError
          ? error.status === 401
            ? 'That API key is not valid.'
            : error.message
          : 'The server could not be reached.',
      );
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main">
      <h1>Respond</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {oidc && (
        <p className="sso">
          <span>or</span>
          <a className="button" href={oidcSignInHref(back)}>
            Sign in with {oidc.name}
          </a>
        </p>
      )}
      <p className="message" role="status" aria-live="polite">
        {message}
      </p>
    </main>
  );
}
