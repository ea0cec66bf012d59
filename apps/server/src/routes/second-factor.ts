/**
 * A user's own second factor (docs/security.md, "Second factor"; ADR 0045): enrol an
 * authenticator app. The start draws a secret, shown once as an otpauth:// URI and as base32
 * text, after the password is entered again (a session left open must not be enough to put
 * someone else's phone on the account); the confirmation with a first code puts it in force,
 * audited as a change of the account. Answered before anything else is, so that a user whom a
 * role requires a second factor can enrol (SECOND_FACTOR_ENROLMENT_REQUIRED elsewhere).
 */
import { JiaError } from '@jia-trial/errors';
import {
  base32Encode,
  confirmTotpEnrolment,
  otpauthUri,
  sessionOf,
  startTotpEnrolment,
  verifyAccountPassword,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../access.js';
import type { ServerContext } from '../context.js';
import { SessionResponse, sessionBodyOf } from './session.js';
import { ErrorResponse } from './shared-schemas.js';

/** The issuer an authenticator app shows beside the account. */
const ISSUER = 'jia-trial';
const SIGNED_IN_FIRST = { access: { kind: 'signed_in', beforePasswordChange: true } } as const;

export function secondFactorRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  const policy = context.access.session;
  return async (app) => {
    app.post(
      '/session/second-factor',
      {
        config: SIGNED_IN_FIRST,
        schema: {
          summary:
            'Start enrolling an authenticator app: a new secret, shown once (confirm it with PUT)',
          tags: ['session'],
          body: z.strictObject({ password: z.string().min(1).max(1024) }),
          response: {
            200: z
              .object({
                secret: z.string().describe('base32, to type into the app'),
                otpauthUri: z.string().describe('otpauth://totp/..., for a QR code or a link'),
              })
              .meta({ id: 'SecondFactorEnrolment' }),
            401: ErrorResponse,
            403: ErrorResponse,
          },
        },
      },
      async (request) => {
        const session = request.session as NonNullable<typeof request.session>;
        if (!(await verifyAccountPassword(store, session.user.id, request.body.password, policy)))
          throw new JiaError('INVALID_CREDENTIALS', 'the password is wrong');
        const secret = await startTotpEnrolment(store.pool, session.user.id);
        return {
          secret: base32Encode(secret),
          otpauthUri: otpauthUri(secret, ISSUER, session.user.username),
        };
      },
    );

    app.put(
      '/session/second-factor',
      {
        config: SIGNED_IN_FIRST,
        schema: {
          summary: 'Confirm the authenticator app with its current code: the second factor is on',
          tags: ['session'],
          body: z.strictObject({ code: z.string().min(1).max(16) }),
          response: { 200: SessionResponse, 401: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request) => {
        const session = request.session as NonNullable<typeof request.session>;
        await withTransaction(store, actorOf(request), 'second factor enrolled by its user', (tx) =>
          confirmTotpEnrolment(
            tx,
            session.user.id,
            request.body.code.replace(/\s/g, ''),
            Date.now() / 1000,
          ),
        );
        const renewed = await sessionOf(store, request.sessionToken as string, policy);
        if (!renewed) throw new JiaError('UNAUTHENTICATED', 'the session has ended: sign in again');
        request.session = renewed;
        return sessionBodyOf(context, renewed);
      },
    );
  };
}
