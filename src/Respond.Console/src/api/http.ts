// Typed fetch for the Respond API: the session cookie rides along (same origin), unsafe methods carry the
// X-Requested-With header the server's CSRF guard asks for, and a 401 sends the user to sign in and back.

export const CSRF_HEADER = 'X-Requested-With';
export const CSRF_VALUE = 'respond';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  requestId?: string;
}

/** A non-2xx answer, with its problem document when the server sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

/** Thrown after a 401 handed the user to the sign-in page: callers need not show an error. */
export class SignedOutError extends ApiError {
  constructor(problem: Problem) {
    super(401, problem);
    this.name = 'SignedOutError';
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** False for the sign-in call itself, whose 401 means a wrong key, not an expired session. */
  redirectOnUnauthorized?: boolean;
}

type UnauthorizedHandler = () => void;

let fetchImpl: typeof fetch = (...args) => fetch(...args);
let onUnauthorized: UnauthorizedHandler = () => {
  window.location.assign(signInPath(window.location.pathname + window.location.search));
};

/** For tests, and for the app to route the 401 through its router instead of a full page load. */
export function configureApi(options: { fetch?: typeof fetch; onUnauthorized?: UnauthorizedHandler }): void {
  if (options.fetch) fetchImpl = options.fetch;
  if (options.onUnauthorized) onUnauthorized = options.onUnauthorized;
}

export function isUnsafe(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** The fetch options for a call: same-origin cookie, JSON body, and the CSRF header on unsafe methods. */
export function requestInit(options: RequestOptions = {}): RequestInit {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (isUnsafe(method)) headers[CSRF_HEADER] = CSRF_VALUE;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  return { method, headers, body, credentials: 'same-origin', signal: options.signal };
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await fetchImpl(path, requestInit(options));
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const problem = await readProblem(response);
  if (response.status === 401 && options.redirectOnUnauthorized !== false) {
    onUnauthorized();
    throw new SignedOutError(problem);
  }
  throw new ApiError(response.status, problem);
}

async function readProblem(response: Response): Promise<Problem> {
  try {
    const parsed: unknown = await response.json();
    return typeof parsed === 'object' && parsed !== null ? (parsed as Problem) : { status: response.status };
  } catch {
    return { status: response.status, title: response.statusText || undefined };
  }
}

/** Only a path on this server: anything else (another host, `//host`, `/\host`) returns to the queue. */
export function safeReturnUrl(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/incidents';
  if (raw === '/sign-in' || raw.startsWith('/sign-in?')) return '/incidents';
  return raw;
}

/** The sign-in page, remembering where the user was (nothing to remember for `/` or the sign-in page itself). */
export function signInPath(current: string): string {
  if (!current || current === '/' || current === '/sign-in' || current.startsWith('/sign-in?')) return '/sign-in';
  return `/sign-in?returnUrl=${encodeURIComponent(safeReturnUrl(current))}`;
}

const CONSOLE_SECTIONS = ['incidents', 'approvals', 'playbooks', 'runbooks', 'metrics', 'sources'];

/** A page of this app (routed in the browser), as opposed to a server page such as /hangfire or /openapi. */
export function isConsolePath(path: string): boolean {
  const section = path.split(/[/?#]/)[1] ?? '';
  return section === '' || CONSOLE_SECTIONS.includes(section);
}
