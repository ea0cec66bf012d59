/**
 * Who is asking and what they may do, decided before any route runs (docs/roles.md, ADR 0013).
 *
 * Every route declares its access in its config; a route without one is refused when it is
 * registered, so no route can be added unguarded. The hook:
 * 1. finds the session of the cookie (the database's `user_session`; nothing in memory);
 * 2. for a request that changes state, checks the session's CSRF token in X-CSRF-Token;
 * 3. for a study's route, combines the user's roles in that study: none at all answers 404, as
 *    for a study that does not exist; a role without the route's permission answers 403.
 * Which sites a permission covers is checked where the record's site is known (the handlers,
 * through `sitesFor`): a subject of another site is 404, exactly as one that does not exist.
 */
import { timingSafeEqual } from 'node:crypto';
import { allows, type Permission, type StudyAccess, studyAccess } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import {
  accountActorId,
  inScope,
  type Session,
  type SessionPolicy,
  type Store,
  sessionOf,
} from '@jia-trial/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sessionToken } from './session-cookie.js';

export type Access =
  /** Anyone: sign-in, the API document, health. */
  | { readonly kind: 'public' }
  /**
   * Any signed-in user (even one who must change the password, or enrol a second factor, first,
   * when `beforePasswordChange`: the session's own routes).
   */
  | { readonly kind: 'signed_in'; readonly beforePasswordChange?: boolean }
  /** A route under /studies/{studyId}: the user's roles there must hold `permission`. */
  | { readonly kind: 'study'; readonly permission: Permission };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** The signed-in user's session (null on public routes without one). */
    session: Session | null;
    /** The session's cookie token (to end it). */
    sessionToken: string | null;
    /** On a study's route: what the user's roles there allow. */
    studyAccess: StudyAccess | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A request that changes state must carry the session's own CSRF token. */
function checkCsrf(request: FastifyRequest, session: Session): void {
  if (SAFE_METHODS.has(request.method)) return;
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken))
    throw new JiaError(
      'CSRF_TOKEN_INVALID',
      'this request must carry the X-CSRF-Token header of the session',
    );
}

/**
 * The user's access in the route's study: no role there is NOT_FOUND (as for a study that does
 * not exist); roles without `permission` are FORBIDDEN.
 */
function accessInStudy(
  request: FastifyRequest,
  session: Session,
  permission: Permission,
): StudyAccess {
  const studyId = (request.params as { studyId?: string }).studyId;
  if (!studyId) throw new Error(`route ${request.routeOptions.url} has no studyId`);
  const grants = session.grants.get(studyId) ?? [];
  if (grants.length === 0) {
    // Roles held there once and past their last day: say so (the user knew of the study).
    const expired = session.expiredGrants.get(studyId) ?? [];
    if (expired.length > 0)
      throw new JiaError(
        'ROLE_EXPIRED',
        `your role(s) in ${studyId} ended: ${expired.map((g) => `${g.role}${g.site ? ` at ${g.site}` : ''} on ${g.validUntil}`).join(', ')}`,
        { details: { expired } },
      );
    throw new JiaError('NOT_FOUND', `there is no study ${studyId}`);
  }
  const combined = studyAccess(grants);
  if (!allows(combined, permission, null))
    throw new JiaError('FORBIDDEN', `your roles in ${studyId} do not allow ${permission}`);
  return combined;
}

/** The access a route declares; the routes of the API must declare one. */
export function accessOf(request: FastifyRequest): Access | undefined {
  return request.routeOptions.config.access;
}

/** A route of the API and the access it declares (the security-matrix test walks them). */
export interface DeclaredRoute {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
}

export function registerAccessControl(
  app: FastifyInstance,
  store: Store,
  policy: SessionPolicy,
): DeclaredRoute[] {
  const declared: DeclaredRoute[] = [];
  app.decorateRequest('session', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('studyAccess', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const access = route.config?.access;
    if (!access)
      throw new Error(`route ${route.method} ${route.url} declares no access (access.ts)`);
    for (const method of [route.method].flat())
      if (method !== 'HEAD') declared.push({ method, url: route.url, access });
  });
  // onRequest: before the body is read or validated, so that a refused caller learns nothing
  // from validation and costs no parsing.
  app.addHook('onRequest', async (request) => {
    const access = accessOf(request);
    if (!access) return; // outside /api/v1: the docs page, static files
    const token = sessionToken(request.headers.cookie);
    const session = token ? await sessionOf(store, token, policy) : null;
    request.session = session;
    request.sessionToken = session ? token : null;
    if (access.kind === 'public') return;
    if (!session) throw new JiaError('UNAUTHENTICATED', 'sign in first');
    checkCsrf(request, session);
    if (
      session.user.mustChangePassword &&
      !(access.kind === 'signed_in' && access.beforePasswordChange)
    )
      throw new JiaError('PASSWORD_CHANGE_REQUIRED', 'choose a new password first');
    if (
      session.user.mustEnrolSecondFactor &&
      !(access.kind === 'signed_in' && access.beforePasswordChange)
    )
      throw new JiaError(
        'SECOND_FACTOR_ENROLMENT_REQUIRED',
        'a role you hold requires a second factor: enrol an authenticator app first',
      );
    if (access.kind === 'study')
      request.studyAccess = accessInStudy(request, session, access.permission);
  });
  // When the session ends if unused (the browser warns before it): on every answer to a
  // signed-in request, read with the session, so that no request of its own is needed.
  app.addHook('onSend', async (request, reply) => {
    if (request.session && request.sessionToken)
      void reply.header('x-session-idle-ends-at', request.session.idleEndsAt);
  });
  return declared;
}

/** The sites where the request's user holds `permission` in the route's study. */
export function sitesFor(
  request: FastifyRequest,
  permission: Permission,
): 'all' | readonly string[] {
  return request.studyAccess?.permissions.get(permission) ?? [];
}

/**
 * Whether the request's user holds `permission` at `site` (null: a record with no site, which
 * only a permission held at every site covers). The store's inScope decides.
 */
export function coversSite(
  request: FastifyRequest,
  permission: Permission,
  site: string | null,
): boolean {
  const sites = sitesFor(request, permission);
  return site === null ? sites === 'all' : inScope(sites, site);
}

/** The signed-in user as the store's actor: audit events name the account, never a shared name. */
export function actorOf(request: FastifyRequest): { id: string; name: string } {
  const session = request.session;
  if (!session) throw new JiaError('UNAUTHENTICATED', 'sign in first');
  return { id: accountActorId(session.user.id), name: session.user.displayName };
}
