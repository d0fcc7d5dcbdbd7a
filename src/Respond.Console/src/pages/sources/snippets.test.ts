import { describe, expect, it } from 'vitest';
import type { Source } from '../../api/sources';
import { snippet, webhookUrl } from './snippets';

const source = (kind: string, auth: Source['auth'], name = kind): Source => ({
  name,
  kind,
  webhookPath: `/api/webhooks/${name}`,
  origin: 'console',
  auth,
});
const url = 'https://respond.example/api/webhooks/x';

describe('snippets', () => {
  it('builds the absolute webhook URL', () => {
    expect(webhookUrl('https://respond.example/', source('generic', ['token'], 'edr'))).toBe('https://respond.example/api/webhooks/edr');
  });

  it('gives Azure the URL with ?code=, the token when just issued', () => {
    expect(snippet(source('azure-monitor', ['token']), url).text).toBe(`${url}?code=<token>`);
    expect(snippet(source('defender', ['token']), url, { token: 'abc-_1' }).text).toBe(`${url}?code=abc-_1`);
  });

  it('gives Alertmanager a webhook_configs block with a bearer credential', () => {
    const text = snippet(source('alertmanager', ['token']), url, { token: 'tok' }).text;
    expect(text).toContain('webhook_configs:');
    expect(text).toContain(`url: ${url}`);
    expect(text).toContain('type: Bearer');
    expect(text).toContain('credentials: tok');
  });

  it('gives Grafana its contact point settings', () => {
    const text = snippet(source('grafana', ['token']), url).text;
    expect(text).toContain(`URL: ${url}`);
    expect(text).toContain('Authorization Header - Credentials: <token>');
  });

  it('signs a curl for a signature source with the SPEC header', () => {
    const s = snippet(source('generic', ['signature']), url, { signingSecret: 'sek' });
    expect(s.title).toMatch(/Signed curl/);
    expect(s.text).toContain("SECRET='sek'");
    expect(s.text).toContain('X-Respond-Signature: t=$T,v1=$SIG');
    expect(s.text).toContain('openssl dgst -sha256 -hmac');
  });

  it('sends a bearer curl for a generic token source', () => {
    expect(snippet(source('generic', ['token']), url, { token: 't1' }).text).toContain("Authorization: Bearer t1");
  });

  it('falls back to a signed curl when the kind cannot sign but the source only takes signatures', () => {
    expect(snippet(source('alertmanager', ['signature']), url).text).toContain('X-Respond-Signature');
  });
});
