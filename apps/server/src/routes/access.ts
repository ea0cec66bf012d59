/**
 * The access lifecycle of a study's members (docs/data-management.md, "Accounts and access";
 * docs/roles.md): suspend and re-enable an account, its last day and each role's, an
 * administrator's reset of a lost second factor, the study's rule of which roles must use a
 * second factor (`admin.manage`), and the access review (`access.review`). Every change is
 * audited under the administrator's account with the reason given.
 */
import { codesOf } from '@jia-trial/dictionary';
import {
  accessReview,
  accessReviewCsv,
  resetSecondFactor,
  setAccountValidity,
  setDisabled,
  setGrantValidity,
  setStudyAccessPolicy,
  studyAccessPolicy,
  USERNAME_PATTERN,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../access.js';
import type { ServerContext } from '../context.js';
import { mayChangeAccount, memberOrNotFound, notSelf } from './account-scope.js';
import { Day, RecordId, STUDY_ERRORS, StudyId } from './shared-schemas.js';

const Role = z.enum(codesOf('role') as [string, ...string[]]);
const Reason = z.string().trim().min(1).max(500);
const UserParams = z.strictObject({
  studyId: StudyId,
  username: z.string().regex(USERNAME_PATTERN),
});
const ADMIN = { access: { kind: 'study', permission: 'admin.manage' } } as const;
const CHANGE_ERRORS = { ...STUDY_ERRORS, 422: STUDY_ERRORS[404] } as const;

const AccessPolicy = z
  .object({
    studyId: z.string(),
    secondFactorRoles: z.array(z.string()),
    version: z.number().int().describe('0: never set'),
  })
  .meta({ id: 'StudyAccessPolicy' });

const AccessReviewRow = z.object({
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  site: z.string().nullable(),
  grantValidUntil: z.string().nullable(),
  grantValid: z.boolean(),
  grantedBy: z.string().nullable(),
  grantedById: z.string().nullable(),
  grantedAt: z.string().nullable(),
  accountStatus: z.enum(['active', 'suspended', 'expired']),
  accountValidUntil: z.string().nullable(),
  locked: z.boolean(),
  secondFactor: z.enum(['none', 'totp']),
  secondFactorMissing: z.boolean(),
  lastSignInAt: z.string().nullable(),
});

export function accessRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    for (const [method, suspended] of [
      ['post', true],
      ['delete', false],
    ] as const)
      app[method](
        '/studies/:studyId/users/:username/suspension',
        {
          config: ADMIN,
          schema: {
            summary: suspended
              ? 'Suspend an account (with the reason): it cannot sign in, its sessions end'
              : 'Re-enable a suspended account (with the reason)',
            tags: ['administration'],
            params: UserParams,
            body: z.strictObject({ reason: Reason }),
            response: { 204: z.null(), ...CHANGE_ERRORS },
          },
        },
        async (request, reply) => {
          const { studyId, username } = request.params;
          await mayChangeAccount(store, request, studyId, username);
          await withTransaction(store, actorOf(request), request.body.reason, (tx) =>
            setDisabled(tx, username, suspended),
          );
          return reply.code(204).send(null);
        },
      );

    app.put(
      '/studies/:studyId/users/:username/validity',
      {
        config: ADMIN,
        schema: {
          summary: "Set an account's last day (UTC; null: no end), with the reason",
          tags: ['administration'],
          params: UserParams,
          body: z.strictObject({ validUntil: Day.nullable(), reason: Reason }),
          response: { 204: z.null(), ...CHANGE_ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId, username } = request.params;
        await mayChangeAccount(store, request, studyId, username);
        await withTransaction(store, actorOf(request), request.body.reason, (tx) =>
          setAccountValidity(tx, username, request.body.validUntil),
        );
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/studies/:studyId/users/:username/roles',
      {
        config: ADMIN,
        schema: {
          summary: "Set a held role's last day (UTC; null: no end), with the reason",
          tags: ['administration'],
          params: UserParams,
          body: z.strictObject({
            role: Role,
            site: RecordId.nullable(),
            validUntil: Day.nullable(),
            reason: Reason,
          }),
          response: { 204: z.null(), ...CHANGE_ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId, username } = request.params;
        await memberOrNotFound(store, studyId, username);
        notSelf(request, username);
        const { role, site, validUntil, reason } = request.body;
        await withTransaction(store, actorOf(request), reason, (tx) =>
          setGrantValidity(tx, { username, studyId, role: role as never, site, validUntil }),
        );
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/studies/:studyId/users/:username/second-factor',
      {
        config: ADMIN,
        schema: {
          summary:
            "Reset an account's second factor (a lost device), with the reason: the user enrols again",
          tags: ['administration'],
          params: UserParams,
          body: z.strictObject({ reason: Reason }),
          response: { 204: z.null(), ...CHANGE_ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId, username } = request.params;
        await mayChangeAccount(store, request, studyId, username);
        await withTransaction(store, actorOf(request), request.body.reason, (tx) =>
          resetSecondFactor(tx, username),
        );
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/studies/:studyId/access-policy',
      {
        config: ADMIN,
        schema: {
          summary: 'The roles of the study that must sign in with a second factor',
          tags: ['administration'],
          params: z.strictObject({ studyId: StudyId }),
          response: { 200: AccessPolicy, ...STUDY_ERRORS },
        },
      },
      async (request) => studyAccessPolicy(store, request.params.studyId),
    );

    app.put(
      '/studies/:studyId/access-policy',
      {
        config: ADMIN,
        schema: {
          summary:
            'Set the roles that must sign in with a second factor (holders without one enrol at their next sign-in)',
          tags: ['administration'],
          params: z.strictObject({ studyId: StudyId }),
          body: z.strictObject({ secondFactorRoles: z.array(Role).max(20), reason: Reason }),
          response: { 200: AccessPolicy, ...CHANGE_ERRORS },
        },
      },
      async (request) =>
        withTransaction(store, actorOf(request), request.body.reason, (tx) =>
          setStudyAccessPolicy(tx, request.params.studyId, request.body.secondFactorRoles),
        ),
    );

    app.get(
      '/studies/:studyId/access-review',
      {
        config: { access: { kind: 'study', permission: 'access.review' } },
        schema: {
          summary:
            'The access review: every role grant of the study, who granted it and when, until when, the account’s state and last sign-in (format=csv: a CSV file)',
          tags: ['administration'],
          params: z.strictObject({ studyId: StudyId }),
          querystring: z.strictObject({ format: z.enum(['json', 'csv']).default('json') }),
          response: {
            200: z
              .object({
                studyId: z.string(),
                generatedAt: z.string(),
                secondFactorRoles: z.array(z.string()),
                rows: z.array(AccessReviewRow),
              })
              .meta({ id: 'AccessReview' }),
            ...STUDY_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const review = await accessReview(store, request.params.studyId);
        if (request.query.format === 'json') return review;
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header(
              'content-disposition',
              `attachment; filename="access-review-${review.studyId}-${review.generatedAt.slice(0, 10)}.csv"`,
            )
            // Bytes: sent as they are, past the JSON schema's serializer.
            .send(Buffer.from(accessReviewCsv(review), 'utf8') as never)
        );
      },
    );
  };
}
