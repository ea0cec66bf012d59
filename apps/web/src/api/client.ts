/**
 * The API client: typed by the server's own OpenAPI document (schema.generated.ts, made by
 * scripts/generate-api-types.ts; never hand-copied types). A request that changes state carries
 * the session's CSRF token (docs/api.md, "Sessions"); the cookie travels by itself.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.generated';

export type SessionBody = components['schemas']['Session'];
export type Study = components['schemas']['Study'];
export type SubjectSummary = components['schemas']['SubjectSummary'];

/** The error shape of every failure (docs/errors.md). */
export interface ApiError {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  };
}

let csrfToken: string | null = null;

/** Keeps the token of the session the server opened (sign-in, password change, reload). */
export function rememberSession(session: SessionBody | null): void {
  csrfToken = session?.csrfToken ?? null;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * When the session ends if unused (the server sends it on every answer to a signed-in request:
 * X-Session-Idle-Ends-At), for the warning before the idle sign-out (SessionTimeout.tsx).
 */
type IdleListener = (idleEndsAt: number) => void;
const idleListeners = new Set<IdleListener>();

export function onIdleEnd(listener: IdleListener): () => void {
  idleListeners.add(listener);
  return () => idleListeners.delete(listener);
}

const idleEnd: Middleware = {
  onResponse({ response }) {
    const header = response.headers.get('x-session-idle-ends-at');
    const at = header ? Date.parse(header) : Number.NaN;
    if (!Number.isNaN(at)) for (const listener of idleListeners) listener(at);
    return undefined;
  },
};

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

/**
 * One request for identical GETs in flight at once: the parts of a page each read what they
 * show (the subject, the user's roles), and the page's first draw would otherwise ask the server
 * the same question several times. Only while in flight: an answer is never reused later.
 */
const inFlight = new Map<string, Promise<Response>>();

function sharedFetch(request: Request): Promise<Response> {
  if (request.method !== 'GET') return fetch(request);
  const key = request.url;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = fetch(request).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  // Each reader gets its own copy of the body.
  return pending.then((response) => response.clone());
}

export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  fetch: sharedFetch,
});
api.use(csrf);
api.use(idleEnd);

/** The message to show for a failed call: the server's words, or why there were none. */
export function messageOf(error: unknown): string {
  const shaped = error as Partial<ApiError> | undefined;
  return (
    shaped?.error?.message ?? 'The server could not be reached. Check the connection and try again.'
  );
}
