import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, configureApi, isConsolePath, requestInit, safeReturnUrl, SignedOutError, signInPath } from './http';

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

describe('requestInit', () => {
  it('sends X-Requested-With on unsafe methods only, always with the same-origin cookie', () => {
    for (const method of ['POST', 'put', 'PATCH', 'DELETE']) {
      const init = requestInit({ method });
      expect((init.headers as Record<string, string>)['X-Requested-With']).toBe('respond');
      expect(init.credentials).toBe('same-origin');
    }
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect((requestInit({ method }).headers as Record<string, string>)['X-Requested-With']).toBeUndefined();
    }
    expect(requestInit().method).toBe('GET');
  });

  it('sends a body as JSON', () => {
    const init = requestInit({ method: 'POST', body: { apiKey: 'k' } });
    expect(init.body).toBe('{"apiKey":"k"}');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });
});

describe('api', () => {
  const unauthorized = vi.fn();
  beforeEach(() => unauthorized.mockReset());

  it('returns the parsed body, and nothing for a 204', async () => {
    configureApi({ fetch: async () => answer(200, { name: 'alice' }), onUnauthorized: unauthorized });
    expect(await api('/api/session')).toEqual({ name: 'alice' });
    configureApi({ fetch: async () => answer(204) });
    expect(await api('/api/session', { method: 'DELETE' })).toBeUndefined();
  });

  it('sends a 401 to sign-in and throws SignedOutError', async () => {
    configureApi({ fetch: async () => answer(401, { title: 'Unauthorized' }), onUnauthorized: unauthorized });
    await expect(api('/api/incidents')).rejects.toBeInstanceOf(SignedOutError);
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });

  it('leaves the sign-in call\'s own 401 (a wrong key) to the caller', async () => {
    configureApi({ fetch: async () => answer(401, { detail: 'The API key is not valid.' }), onUnauthorized: unauthorized });
    const error = await api('/api/session', { method: 'POST', redirectOnUnauthorized: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(SignedOutError);
    expect((error as ApiError).message).toBe('The API key is not valid.');
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('keeps the problem document of other failures', async () => {
    configureApi({ fetch: async () => answer(403, { title: 'Forbidden', detail: 'Needs responder.' }), onUnauthorized: unauthorized });
    const error = (await api('/api/incidents/x/acknowledge', { method: 'POST' }).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(403);
    expect(error.problem.detail).toBe('Needs responder.');
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('passes the CSRF header and cookie mode to fetch', async () => {
    const seen = vi.fn(async (_path: RequestInfo | URL, _init?: RequestInit) => answer(200, {}));
    configureApi({ fetch: seen as typeof fetch, onUnauthorized: unauthorized });
    await api('/api/incidents/1/comments', { method: 'POST', body: { text: 'hi' } });
    const init = seen.mock.calls[0]![1]!;
    expect((init.headers as Record<string, string>)['X-Requested-With']).toBe('respond');
    expect(init.credentials).toBe('same-origin');
  });
});

describe('return URLs', () => {
  it('keeps only local paths', () => {
    expect(safeReturnUrl('/incidents/42?x=1')).toBe('/incidents/42?x=1');
    expect(safeReturnUrl('/hangfire')).toBe('/hangfire');
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'incidents', '', null, undefined, '/sign-in']) {
      expect(safeReturnUrl(bad)).toBe('/incidents');
    }
  });

  it('remembers the page that was open', () => {
    expect(signInPath('/incidents?severity=high')).toBe('/sign-in?returnUrl=%2Fincidents%3Fseverity%3Dhigh');
    expect(signInPath('/')).toBe('/sign-in');
    expect(signInPath('/sign-in?returnUrl=%2Fx')).toBe('/sign-in');
  });
});

describe('console paths', () => {
  it('tells the console\'s own pages from server pages', () => {
    for (const path of ['/', '/incidents', '/incidents/42?x=1', '/playbooks/p', '/metrics#top']) expect(isConsolePath(path)).toBe(true);
    for (const path of ['/hangfire', '/hangfire/recurring', '/openapi', '/incidentsx']) expect(isConsolePath(path)).toBe(false);
  });
});
