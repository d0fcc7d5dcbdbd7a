import type { Source } from '../../api/sources';

/** The secret just issued for a source (shown once), or none: the snippet then holds a placeholder. */
export interface KnownSecret {
  token?: string;
  signingSecret?: string;
}

export interface Snippet {
  /** What the snippet is, e.g. "Alertmanager receiver (alertmanager.yml)". */
  title: string;
  text: string;
  /** Anything the sender must know besides the snippet. */
  note?: string;
}

export const TOKEN_PLACEHOLDER = '<token>';
export const SECRET_PLACEHOLDER = '<signing secret>';

/** The absolute webhook URL, as a sender outside the browser must call it. */
export function webhookUrl(origin: string, source: Pick<Source, 'webhookPath'>): string {
  return origin.replace(/\/$/, '') + source.webhookPath;
}

/**
 * The sender's configuration for a source, by kind: Azure's action group URL with `?code=`, Alertmanager's
 * `webhook_configs`, Grafana's contact point, or a `curl` (signed when the source takes signatures, SPEC §2).
 */
export function snippet(source: Source, url: string, secret: KnownSecret = {}): Snippet {
  const token = secret.token ?? TOKEN_PLACEHOLDER;
  const hasToken = source.auth.includes('token');
  const signed = source.auth.includes('signature');
  switch (source.kind) {
    case 'azure-monitor':
    case 'defender':
      if (hasToken) {
        return {
          title:
            source.kind === 'defender'
              ? 'Webhook URL for the Logic App or workflow automation that forwards the alerts'
              : 'Action group webhook URL (enable the common alert schema)',
          text: `${url}?code=${secret.token ? encodeURIComponent(secret.token) : TOKEN_PLACEHOLDER}`,
          note: 'Azure cannot set headers, so the token rides in ?code=. Keep this URL as secret as the token.',
        };
      }
      break;
    case 'alertmanager':
      if (hasToken) {
        return {
          title: 'Alertmanager receiver (alertmanager.yml)',
          text: [
            'receivers:',
            '  - name: respond',
            '    webhook_configs:',
            `      - url: ${url}`,
            '        send_resolved: true',
            '        http_config:',
            '          authorization:',
            '            type: Bearer',
            `            credentials: ${token}`,
          ].join('\n'),
        };
      }
      break;
    case 'grafana':
      if (hasToken) {
        return {
          title: 'Grafana contact point (integration: Webhook)',
          text: [
            'Integration: Webhook',
            `URL: ${url}`,
            'HTTP Method: POST',
            'Authorization Header - Scheme: Bearer',
            `Authorization Header - Credentials: ${token}`,
          ].join('\n'),
        };
      }
      break;
  }
  return signed ? signedCurl(source, url, secret.signingSecret ?? SECRET_PLACEHOLDER) : bearerCurl(source, url, token);
}

const GENERIC_BODY = `{"id":"curl-1","title":"Test alert from curl","severity":"high"}`;

function body(source: Source): { line: string; note?: string } {
  return source.kind === 'generic'
    ? { line: `BODY='${GENERIC_BODY}'`, note: "Shape the body to the source's mapping (this one fits $.id, $.title, $.severity)." }
    : { line: 'BODY=$(cat alert.json)', note: `alert.json holds a ${source.kind} alert in its native JSON.` };
}

/** X-Respond-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> (SPEC §2); older than 5 minutes is refused. */
function signedCurl(source: Source, url: string, secret: string): Snippet {
  const b = body(source);
  return {
    title: 'Signed curl (HMAC-SHA256)',
    text: [
      `SECRET='${secret}'`,
      b.line,
      'T=$(date +%s)',
      `SIG=$(printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')`,
      `curl -sS -X POST '${url}' \\`,
      `  -H 'Content-Type: application/json' \\`,
      '  -H "X-Respond-Signature: t=$T,v1=$SIG" \\',
      '  --data "$BODY"',
    ].join('\n'),
    note: `${b.note ?? ''} A signature older than 5 minutes is refused as a replay.`.trim(),
  };
}

function bearerCurl(source: Source, url: string, token: string): Snippet {
  const b = body(source);
  return {
    title: 'curl with the token',
    text: [
      b.line,
      `curl -sS -X POST '${url}' \\`,
      `  -H 'Authorization: Bearer ${token}' \\`,
      `  -H 'Content-Type: application/json' \\`,
      '  --data "$BODY"',
    ].join('\n'),
    note: b.note,
  };
}

/** Copies text; never throws (headless browsers and plain-HTTP pages may refuse the clipboard API). Says whether it worked. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const copied = document.execCommand('copy');
    area.remove();
    return copied;
  } catch {
    return false;
  }
}
