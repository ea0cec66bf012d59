/**
 * A study's set-up for its administrators (`admin.manage`; docs/roles.md): the accounts with a
 * role in the study, new accounts with a one-time password, roles granted and revoked, password
 * resets, and sites. Never clinical data. Every change is audited under the admin's account.
 */
import { codesOf } from '@jia-trial/dictionary';
import {
  addSite,
  createUser,
  grantRole,
  membersOf,
  oneTimePassword,
  recordSecurityEvent,
  revokeRole,
  setPassword,
  USERNAME_PATTERN,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../access.js';
import type { ServerContext } from '../context.js';
import { requestEvent } from '../security-log.js';
import { adminOfEveryStudyOf, memberOrNotFound, notSelf } from './account-scope.js';
import { Day, RecordId, STUDY_ERRORS, StudyId } from './shared-schemas.js';

const Role = z.enum(codesOf('role') as [string, ...string[]]);
const Username = z.string().regex(USERNAME_PATTERN);
const RoleGrant = z.strictObject({ role: Role, site: RecordId.nullable() });
/** A grant being made: with its last day (UTC), or none. */
const NewRoleGrant = RoleGrant.extend({
  validUntil: Day.nullable().optional().describe('the last day (UTC) the role holds; none: no end'),
});
const Reason = z.string().trim().min(1).max(500);

const Member = z
  .object({
    username: z.string(),
    displayName: z.string(),
    disabled: z.boolean().describe('suspended: cannot sign in'),
    locked: z.boolean(),
    validUntil: z.string().nullable().describe('the account’s last day (UTC)'),
    secondFactor: z.enum(['none', 'totp']),
    roles: z.array(
      z.object({
        role: z.string(),
        site: z.string().nullable(),
        validUntil: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'StudyMember' });

const OneTimePassword = z
  .object({ username: z.string(), oneTimePassword: z.string() })
  .describe('Shown once: give it to the user, who must change it at the first sign-in');

const UserParams = z.strictObject({ studyId: StudyId, username: Username });
const ADMIN = { access: { kind: 'study', permission: 'admin.manage' } } as const;

export function adminRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/users',
      {
        config: ADMIN,
        schema: {
          summary: 'The accounts with a role in the study, and their roles',
          tags: ['administration'],
          params: z.strictObject({ studyId: StudyId }),
          response: { 200: z.object({ users: z.array(Member) }), ...STUDY_ERRORS },
        },
      },
      async (request) => ({ users: await membersOf(store, request.params.studyId) }),
    );

    app.post(
      '/studies/:studyId/users',
      {
        config: ADMIN,
        schema: {
          summary: 'Create an account with roles in the study; returns its one-time password once',
          tags: ['administration'],
          params: z.strictObject({ studyId: StudyId }),
          body: z.strictObject({
            username: Username,
            displayName: z.string().trim().min(1).max(200),
            roles: z.array(NewRoleGrant).min(1).max(20),
            validUntil: Day.nullable()
              .optional()
              .describe('the account’s last day (UTC); none: no end'),
          }),
          response: {
            201: OneTimePassword,
            ...STUDY_ERRORS,
            409: STUDY_ERRORS[404],
            422: STUDY_ERRORS[404],
          },
        },
      },
      async (request, reply) => {
        const { studyId } = request.params;
        const { username, displayName, roles, validUntil } = request.body;
        const password = oneTimePassword();
        await withTransaction(store, actorOf(request), undefined, async (tx) => {
          await createUser(tx, {
            username,
            displayName,
            password,
            mustChangePassword: true,
            validUntil: validUntil ?? null,
          });
          for (const grant of roles)
            await grantRole(tx, {
              username,
              studyId,
              role: grant.role as never,
              site: grant.site,
              validUntil: grant.validUntil ?? null,
            });
        });
        return reply.code(201).send({ username, oneTimePassword: password });
      },
    );

    app.post(
      '/studies/:studyId/users/:username/roles',
      {
        config: ADMIN,
        schema: {
          summary: 'Grant a role in the study (granting one held changes nothing)',
          tags: ['administration'],
          params: UserParams,
          body: NewRoleGrant,
          response: { 204: z.null(), ...STUDY_ERRORS, 422: STUDY_ERRORS[404] },
        },
      },
      async (request, reply) => {
        const { studyId, username } = request.params;
        notSelf(request, username);
        await withTransaction(store, actorOf(request), undefined, (tx) =>
          grantRole(tx, {
            username,
            studyId,
            role: request.body.role as never,
            site: request.body.site,
            validUntil: request.body.validUntil ?? null,
          }),
        );
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/studies/:studyId/users/:username/roles',
      {
        config: ADMIN,
        schema: {
          summary: 'Revoke a role in the study (with the reason)',
          tags: ['administration'],
          params: UserParams,
          body: RoleGrant.extend({ reason: Reason }),
          response: { 204: z.null(), ...STUDY_ERRORS, 422: STUDY_ERRORS[404] },
        },
      },
      async (request, reply) => {
        const { studyId, username } = request.params;
        await memberOrNotFound(store, studyId, username);
        notSelf(request, username);
        const { role, site, reason } = request.body;
        await withTransaction(store, actorOf(request), reason, (tx) =>
          revokeRole(tx, { username, studyId, role: role as never, site }),
        );
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/studies/:studyId/users/:username/password-reset',
      {
        config: ADMIN,
        schema: {
          summary:
            "Reset a study member's password: unlocks, ends their sessions, returns a one-time password once",
          tags: ['administration'],
          params: UserParams,
          body: z.strictObject({ reason: Reason }),
          response: { 200: OneTimePassword, ...STUDY_ERRORS, 422: STUDY_ERRORS[404] },
        },
      },
      async (request) => {
        const { studyId, username } = request.params;
        await memberOrNotFound(store, studyId, username);
        notSelf(request, username);
        await adminOfEveryStudyOf(store, request, username);
        const password = oneTimePassword();
        await withTransaction(store, actorOf(request), request.body.reason, async (tx) => {
          await setPassword(tx, username, password, { mustChangePassword: true });
          // The account reset, not the administrator (the actor): never the password.
          await recordSecurityEvent(
            tx.client,
            requestEvent(request, { kind: 'password_reset', username }),
          );
        });
        return { username, oneTimePassword: password };
      },
    );

    app.post(
      '/studies/:studyId/sites',
      {
        config: ADMIN,
        schema: {
          summary: 'Add a site to the study',
          tags: ['administration'],
          params: z.strictObject({ studyId: StudyId }),
          body: z.strictObject({
            code: RecordId,
            name: z.string().trim().min(1).max(200).nullable(),
          }),
          response: {
            204: z.null(),
            ...STUDY_ERRORS,
            409: STUDY_ERRORS[404],
            422: STUDY_ERRORS[404],
          },
        },
      },
      async (request, reply) => {
        await withTransaction(store, actorOf(request), undefined, (tx) =>
          addSite(tx, request.params.studyId, request.body),
        );
        return reply.code(204).send(null);
      },
    );
  };
}
