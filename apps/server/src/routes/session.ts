/** Signing in and out, and changing one's own password (docs/server.md, "Accounts and sessions"). */
import { JiaError } from '@jia-trial/errors';
import {
  endSession,
  type NewSession,
  openSession,
  recordSecurityEvent,
  renewSession,
  type Session,
  sessionOf,
  setPassword,
  signIn,
  verifyAccountPassword,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../access.js';
import type { ServerContext } from '../context.js';
import { logRequestEvent, requestEvent } from '../security-log.js';
import { clearedSessionCookie, sessionCookie } from '../session-cookie.js';
import { ErrorResponse, SessionUser } from './shared-schemas.js';

export const SessionResponse = z
  .object({
    user: SessionUser,
    csrfToken: z.string(),
    expiresAt: z.string().describe('the absolute end of the session'),
    idleEndsAt: z
      .string()
      .describe(
        'when the session ends if unused from now (also the header X-Session-Idle-Ends-At)',
      ),
    expiredRoles: z
      .array(
        z.object({
          studyId: z.string(),
          role: z.string(),
          site: z.string().nullable(),
          validUntil: z.string(),
        }),
      )
      .describe('roles past their last day: they give nothing'),
    settings: z.object({
      idleTimeoutSeconds: z.number().int(),
      signOutWarningSeconds: z.number().int(),
      passwordMinLength: z.number().int(),
    }),
  })
  .meta({ id: 'Session' });

/** What a client keeps of a session: the user, the CSRF token, its ends, the settings. */
export function sessionBodyOf(context: ServerContext, session: Session) {
  return {
    user: session.user,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
    idleEndsAt: session.idleEndsAt,
    expiredRoles: [...session.expiredGrants].flatMap(([studyId, grants]) =>
      grants.map((g) => ({ studyId, role: g.role, site: g.site, validUntil: g.validUntil })),
    ),
    settings: {
      idleTimeoutSeconds: context.access.session.idleMinutes * 60,
      signOutWarningSeconds: context.access.signOutWarningSeconds,
      passwordMinLength: context.access.password.minLength,
    },
  };
}

export function sessionRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  const policy = context.access.session;
  const cookieOptions = { secure: context.secureCookies };
  const sessionBody = (session: Session) => sessionBodyOf(context, session);
  /** A new session: its cookie set, its body (as any request reads it) returned. */
  const opened = async (reply: FastifyReply, session: NewSession) => {
    void reply.header(
      'set-cookie',
      sessionCookie(session.token, {
        ...cookieOptions,
        maxAgeSeconds: policy.absoluteHours * 3600,
      }),
    );
    const read = await sessionOf(store, session.token, policy);
    if (!read) throw new Error('a session just opened cannot be read');
    return sessionBody(read);
  };
  return async (app) => {
    app.post(
      '/session',
      {
        config: { access: { kind: 'public' } },
        schema: {
          summary: 'Sign in',
          tags: ['session'],
          body: z.strictObject({
            username: z.string().min(1).max(200),
            password: z.string().min(1).max(1024),
            oneTimeCode: z
              .string()
              .max(16)
              .optional()
              .describe('the authenticator code, for an account with a second factor'),
          }),
          response: {
            200: SessionResponse,
            401: ErrorResponse,
            403: ErrorResponse,
            429: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const session = await signIn(
          store,
          {
            username: request.body.username,
            password: request.body.password,
            oneTimeCode: request.body.oneTimeCode?.replace(/\s/g, ''),
            address: request.ip,
          },
          policy,
        );
        return opened(reply, session);
      },
    );

    app.get(
      '/session',
      {
        config: { access: { kind: 'signed_in', beforePasswordChange: true } },
        schema: {
          summary: 'The signed-in user and the CSRF token',
          tags: ['session'],
          response: { 200: SessionResponse, 401: ErrorResponse },
        },
      },
      async (request) => sessionBody(request.session as NonNullable<typeof request.session>),
    );

    app.delete(
      '/session',
      {
        config: { access: { kind: 'signed_in', beforePasswordChange: true } },
        schema: {
          summary: 'Sign out',
          tags: ['session'],
          response: { 204: z.null(), 401: ErrorResponse },
        },
      },
      async (request, reply) => {
        await logRequestEvent(store, request, { kind: 'sign_out' });
        if (request.sessionToken) await endSession(store, request.sessionToken);
        request.session = null;
        void reply.header('set-cookie', clearedSessionCookie(cookieOptions));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/session/renewal',
      {
        config: { access: { kind: 'signed_in', beforePasswordChange: true } },
        schema: {
          summary: 'Stay signed in: mark the session used now (before the idle sign-out)',
          tags: ['session'],
          response: { 200: SessionResponse, 401: ErrorResponse },
        },
      },
      async (request) => {
        const token = request.sessionToken as string;
        const renewed = (await renewSession(store, token, policy))
          ? await sessionOf(store, token, policy)
          : null;
        if (!renewed) throw new JiaError('UNAUTHENTICATED', 'the session has ended: sign in again');
        request.session = renewed;
        return sessionBody(renewed);
      },
    );

    app.put(
      '/session/password',
      {
        config: { access: { kind: 'signed_in', beforePasswordChange: true } },
        schema: {
          summary: 'Change your own password (every session of the account ends; a new one opens)',
          tags: ['session'],
          body: z.strictObject({
            currentPassword: z.string().min(1).max(1024),
            newPassword: z.string().min(1).max(1024),
          }),
          response: { 200: SessionResponse, 401: ErrorResponse, 422: ErrorResponse },
        },
      },
      async (request, reply) => {
        const session = request.session as NonNullable<typeof request.session>;
        const { currentPassword, newPassword } = request.body;
        if (!(await verifyAccountPassword(store, session.user.id, currentPassword, policy)))
          throw new JiaError('INVALID_CREDENTIALS', 'the current password is wrong');
        if (newPassword === currentPassword)
          throw new JiaError('VALIDATION_FAILED', 'the new password is the current one', {
            issues: [{ path: 'newPassword', message: 'must differ from the current password' }],
          });
        // The change and the new session in one transaction: every other session ends, and
        // this one is replaced, whatever throttling the username is under.
        const renewed = await withTransaction(
          store,
          actorOf(request),
          'password changed by its user',
          async (tx) => {
            await setPassword(tx, session.user.username, newPassword, {
              mustChangePassword: false,
              policy: context.access.password,
              path: 'newPassword',
            });
            await recordSecurityEvent(
              tx.client,
              requestEvent(request, { kind: 'password_changed' }),
            );
            return openSession(
              tx.client,
              { ...session.user, mustChangePassword: false },
              request.ip,
              policy,
            );
          },
        );
        return opened(reply, renewed);
      },
    );
  };
}
