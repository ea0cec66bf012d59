/** Signing in and out, and changing one's own password (docs/server.md, "Accounts and sessions"). */
import { JiaError } from '@jia-trial/errors';
import {
  DEFAULT_SESSION_POLICY,
  endSession,
  type NewSession,
  openSession,
  recordSecurityEvent,
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

const SessionResponse = z
  .object({ user: SessionUser, csrfToken: z.string(), expiresAt: z.string() })
  .meta({ id: 'Session' });

/** What a client keeps of a session: the user, the CSRF token, the absolute end. */
const sessionBody = (session: Pick<NewSession, 'user' | 'csrfToken' | 'expiresAt'>) => ({
  user: session.user,
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt,
});

export function sessionRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  const cookieOptions = { secure: context.secureCookies };
  /** A new session: its cookie set, its body returned. */
  const opened = (reply: FastifyReply, session: NewSession) => {
    void reply.header(
      'set-cookie',
      sessionCookie(session.token, {
        ...cookieOptions,
        maxAgeSeconds: DEFAULT_SESSION_POLICY.absoluteHours * 3600,
      }),
    );
    return sessionBody(session);
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
        const session = await signIn(store, {
          username: request.body.username,
          password: request.body.password,
          address: request.ip,
        });
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
      async (request) => {
        return sessionBody(request.session as NonNullable<typeof request.session>);
      },
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
        void reply.header('set-cookie', clearedSessionCookie(cookieOptions));
        return reply.code(204).send(null);
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
        if (!(await verifyAccountPassword(store, session.user.id, currentPassword)))
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
            });
            await recordSecurityEvent(
              tx.client,
              requestEvent(request, { kind: 'password_changed' }),
            );
            return openSession(
              tx.client,
              { ...session.user, mustChangePassword: false },
              request.ip,
            );
          },
        );
        return opened(reply, renewed);
      },
    );
  };
}
