import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/http';
import {
  SOURCE_KINDS,
  SOURCES_KEY,
  addSource,
  deleteSource,
  listSources,
  rotateSource,
  sendTestAlert,
  type IssuedSecret,
  type Source,
  type SourceAuth,
} from '../../api/sources';
import { useSession } from '../../app/session';
import { Empty, Failure, Loading } from '../../components/States';
import { CopyButton } from './CopyButton';
import { snippet, webhookUrl, type KnownSecret } from './snippets';
import './sources.css';

const KIND_WORDS: Record<string, string> = {
  'azure-monitor': 'Azure Monitor',
  defender: 'Microsoft Defender / Sentinel',
  alertmanager: 'Prometheus Alertmanager',
  grafana: 'Grafana alerting',
  generic: 'Generic JSON',
};

/** "Its token is", "Its signing secret is", or both: where a configured source's credentials live. */
function secretWords(source: Source): string {
  const token = source.auth.includes('token');
  const signature = source.auth.includes('signature');
  if (token && signature) return 'Its token and signing secret are';
  return token ? 'Its token is' : signature ? 'Its signing secret is' : 'Its credentials are';
}

function failure(error: unknown): string {
  return error instanceof ApiError ? error.message : 'The server could not be reached. Nothing was changed.';
}

/**
 * Alert sources: each one's webhook URL and a sender snippet to paste into the monitoring tool. Admins add sources (the
 * secret is shown once), rotate and delete the console's own, and send a test alert through any of them.
 */
export function SourcesPage() {
  const sources = useQuery({ queryKey: SOURCES_KEY, queryFn: ({ signal }) => listSources(signal) });
  const session = useSession();
  const isAdmin = session.data?.roles.includes('admin') ?? false;
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const origin = window.location.origin;

  useEffect(() => {
    document.title = 'Sources · Respond';
  }, []);

  const items = sources.data?.items ?? [];
  return (
    <section aria-labelledby="page-title" className="sources">
      <h1 id="page-title">Sources</h1>
      <p className="muted">
        Point each monitoring tool at its source's webhook URL. Alerts then open and join incidents in the{' '}
        <Link to="/incidents">queue</Link>.
      </p>
      {isAdmin && <AddSourceForm onAdded={setIssued} />}
      {issued && <SecretShownOnce issued={issued} origin={origin} onDismiss={() => setIssued(null)} />}
      {sources.isPending && <Loading what="sources" />}
      {sources.isError && <Failure error={sources.error} what="sources" onRetry={() => sources.refetch()} />}
      {sources.data && items.length === 0 && (
        <Empty title="No alert sources yet">
          <p>
            {isAdmin
              ? 'Add one above, or configure Respond:Sources in the settings.'
              : 'An admin adds them here, or in the Respond:Sources settings.'}
          </p>
        </Empty>
      )}
      {items.length > 0 && (
        <ul className="source-list">
          {items.map((source) => (
            <li key={source.name}>
              <SourceCard
                source={source}
                origin={origin}
                isAdmin={isAdmin}
                onIssued={setIssued}
                secret={issued?.name === source.name ? issued : undefined}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddSourceForm({ onAdded }: { onAdded: (issued: IssuedSecret) => void }) {
  const client = useQueryClient();
  const ids = { kind: useId(), name: useId(), auth: useId(), title: useId(), severity: useId(), fingerprint: useId() };
  const [kind, setKind] = useState<string>('generic');
  const [name, setName] = useState('');
  const [auth, setAuth] = useState<SourceAuth>('signature');
  const [mapping, setMapping] = useState({ title: '$.title', severity: '$.severity', fingerprint: '$.id' });
  const [error, setError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () =>
      addSource({
        name: name.trim(),
        kind,
        auth,
        mapping: kind === 'generic' ? { ...mapping, severity: mapping.severity || undefined } : undefined,
      }),
    onSuccess: (answer) => {
      setError(null);
      setName('');
      onAdded(answer);
      void client.invalidateQueries({ queryKey: SOURCES_KEY });
    },
    onError: (e) => setError(failure(e)),
  });
  const pickKind = (next: string) => {
    setKind(next);
    // Azure, Alertmanager and Grafana send a token; only a sender you write yourself can sign.
    setAuth(next === 'generic' ? 'signature' : 'token');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };

  return (
    <form className="add-source" onSubmit={submit} aria-labelledby={`${ids.kind}-heading`}>
      <h2 id={`${ids.kind}-heading`}>Add a source</h2>
      <div className="fields">
        <label htmlFor={ids.kind}>
          Kind
          <select id={ids.kind} value={kind} onChange={(e) => pickKind(e.target.value)}>
            {SOURCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_WORDS[k]}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={ids.name}>
          Name
          <input
            id={ids.name}
            value={name}
            required
            maxLength={63}
            pattern="[a-z0-9][a-z0-9\-]*"
            title="Lower-case letters, digits and hyphens, starting with a letter or digit"
            placeholder="e.g. edr-prod"
            aria-describedby={`${ids.name}-hint`}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label htmlFor={ids.auth}>
          Senders prove themselves with
          <select id={ids.auth} value={auth} onChange={(e) => setAuth(e.target.value as SourceAuth)}>
            <option value="token">a token (bearer header or ?code=)</option>
            <option value="signature">an HMAC signature (X-Respond-Signature)</option>
          </select>
        </label>
      </div>
      <p id={`${ids.name}-hint`} className="muted">
        The name is the last part of the webhook URL: lower-case letters, digits and hyphens.
      </p>
      {kind === 'generic' && (
        <fieldset className="fields">
          <legend>Where the alert's fields are in the JSON (JSONPath)</legend>
          <label htmlFor={ids.title}>
            Title
            <input id={ids.title} required value={mapping.title} onChange={(e) => setMapping({ ...mapping, title: e.target.value })} />
          </label>
          <label htmlFor={ids.severity}>
            Severity
            <input id={ids.severity} value={mapping.severity} onChange={(e) => setMapping({ ...mapping, severity: e.target.value })} />
          </label>
          <label htmlFor={ids.fingerprint}>
            Fingerprint (one per alert)
            <input
              id={ids.fingerprint}
              required
              value={mapping.fingerprint}
              onChange={(e) => setMapping({ ...mapping, fingerprint: e.target.value })}
            />
          </label>
        </fieldset>
      )}
      <button type="submit" disabled={add.isPending}>
        Add source
      </button>
      {error && (
        <p className="problem" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function SecretShownOnce({ issued, origin, onDismiss }: { issued: IssuedSecret; origin: string; onDismiss: () => void }) {
  const secret = issued.token ?? issued.signingSecret ?? '';
  const what = issued.token ? 'token' : 'signing secret';
  const headingId = useId();
  useEffect(() => {
    document.getElementById(headingId)?.focus();
  }, [headingId, secret]);
  return (
    <div className="secret-once" role="region" aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={-1}>
        The {what} of {issued.name} is shown once — copy it now
      </h2>
      <p>
        {issued.token
          ? 'Respond keeps only its hash and cannot show it again.'
          : 'Respond keeps it only encrypted, to check signatures, and never shows it again.'}{' '}
        Lost, it can only be rotated.
      </p>
      <div className="copy-row">
        <code className="secret" aria-label={`The ${what}`}>
          {secret}
        </code>
        <CopyButton text={secret} what={`the ${what}`} />
      </div>
      <p className="muted">
        The sender snippet of {issued.name} below holds it too, until you leave this page. Webhook URL:{' '}
        <code>{origin + issued.webhookPath}</code>
      </p>
      <button type="button" onClick={onDismiss}>
        I have copied it
      </button>
    </div>
  );
}

function SourceCard({ source, origin, isAdmin, onIssued, secret }: {
  source: Source;
  origin: string;
  isAdmin: boolean;
  onIssued: (issued: IssuedSecret) => void;
  secret?: KnownSecret;
}) {
  const client = useQueryClient();
  const headingId = useId();
  const url = webhookUrl(origin, source);
  const sender = snippet(source, url, secret);
  const fromConsole = source.origin === 'console';
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | null>(null);
  const [said, setSaid] = useState<{ text: string; incidentId?: string | null; bad?: boolean } | null>(null);

  const test = useMutation({
    mutationFn: () => sendTestAlert(source.name),
    onSuccess: (answer) => {
      setSaid({ text: 'Test alert sent:', incidentId: answer.alerts[0]?.incidentId ?? null });
      void client.invalidateQueries({ queryKey: ['incidents'] });
    },
    onError: (e) => setSaid({ text: failure(e), bad: true }),
  });
  const rotate = useMutation({
    mutationFn: () => rotateSource(source.name),
    onSuccess: (answer) => {
      setConfirming(null);
      setSaid({ text: 'A new secret was issued; the old one no longer works.' });
      onIssued(answer);
    },
    onError: (e) => setSaid({ text: failure(e), bad: true }),
  });
  const remove = useMutation({
    mutationFn: () => deleteSource(source.name),
    onSuccess: () => void client.invalidateQueries({ queryKey: SOURCES_KEY }),
    onError: (e) => {
      setConfirming(null);
      setSaid({ text: failure(e), bad: true });
    },
  });

  return (
    <article className="source" aria-labelledby={headingId}>
      <header>
        <h2 id={headingId}>{source.name}</h2>
        <span className="kind">{KIND_WORDS[source.kind] ?? source.kind}</span>
        <span className={`origin ${source.origin}`}>
          {fromConsole ? 'added in the console' : 'from configuration · read-only'}
        </span>
        <span className="muted">auth: {source.auth.join(' or ') || 'none'}</span>
      </header>
      <div className="copy-row">
        <span className="label">Webhook URL</span>
        <code className="url">{url}</code>
        <CopyButton text={url} what={`the webhook URL of ${source.name}`} />
      </div>
      <div className="snippet">
        <div className="copy-row">
          <span className="label">{sender.title}</span>
          <CopyButton text={sender.text} what={`the sender snippet of ${source.name}`} />
        </div>
        <pre tabIndex={0} aria-label={`Sender snippet for ${source.name}`}>
          {sender.text}
        </pre>
        {sender.note && <p className="muted">{sender.note}</p>}
        {!secret && (
          <p className="muted">
            {fromConsole
              ? 'Its secret was shown once, when it was added or last rotated; rotate it to issue a new one.'
              : `${secretWords(source)} in the server's settings (Respond:Sources:${source.name}).`}
          </p>
        )}
      </div>
      {isAdmin && (
        <div className="actions">
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            Send test alert
          </button>
          {fromConsole && confirming === null && (
            <>
              <button type="button" onClick={() => setConfirming('rotate')}>
                Rotate secret
              </button>
              <button type="button" className="danger" onClick={() => setConfirming('delete')}>
                Delete
              </button>
            </>
          )}
          {confirming && (
            <div className="confirm" role="group" aria-label={`Confirm ${confirming} of ${source.name}`}>
              <span>
                {confirming === 'rotate'
                  ? `Rotate the secret of ${source.name}? Senders using the old one get 401 until updated.`
                  : `Delete ${source.name}? Its deliveries are refused from now on; its alerts and incidents stay.`}
              </span>
              <button
                type="button"
                className="danger"
                disabled={rotate.isPending || remove.isPending}
                onClick={() => (confirming === 'rotate' ? rotate.mutate() : remove.mutate())}
              >
                {confirming === 'rotate' ? 'Yes, rotate' : 'Yes, delete'}
              </button>
              <button type="button" onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </div>
          )}
        </div>
      )}
      {said && (
        <p className={said.bad ? 'problem' : 'said'} role={said.bad ? 'alert' : 'status'}>
          {said.text}{' '}
          {said.incidentId && <Link to={`/incidents/${said.incidentId}`}>open its incident</Link>}
        </p>
      )}
    </article>
  );
}
