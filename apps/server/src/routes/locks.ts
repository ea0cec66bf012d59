/**
 * Locks (docs/api.md, "Locks"; docs/data-management.md, "Locking and freezing"): a data manager
 * locks or freezes a visit, a subject's casebook or the study, and releases a lock with a reason.
 * The database refuses every write a lock covers (423 RECORD_LOCKED from any route); these
 * routes place, list and release the locks. A visit's or subject's lock is answered only where
 * the user's role covers its subject's site (another site's is 404, as one that does not exist).
 */
import { DEFAULT_LOCK_KIND, LOCK_KINDS, LOCK_SCOPES } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import {
  listLocks,
  loadLock,
  placeLock,
  type RecordLock,
  releaseLock,
  withSnapshot,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, coversSite, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { ErrorResponse, RecordId, STUDY_ERRORS, StudyId, StudyParams } from './shared-schemas.js';

const LockParams = z.strictObject({ studyId: StudyId, lockId: z.string().regex(/^L-[0-9]{1,9}$/) });
const Reason = z.string().trim().min(1).max(2000);

const Step = z.object({ by: z.object({ id: z.string(), name: z.string() }), at: z.string() });
export const LockSchema = z
  .object({
    studyId: z.string(),
    lockId: z.string(),
    scope: z.enum(LOCK_SCOPES),
    key: z.string(),
    kind: z.enum(LOCK_KINDS),
    subjectId: z.string().nullable(),
    visitId: z.string().nullable(),
    siteCode: z.string().nullable(),
    reason: z.string(),
    locked: Step,
    signatureId: z.string().nullable(),
    released: Step.extend({ reason: z.string() }).nullable(),
    inForce: z.boolean(),
    version: z.number().int(),
  })
  .meta({ id: 'Lock' });

const ERRORS = { ...STUDY_ERRORS, 409: ErrorResponse, 422: ErrorResponse, 423: ErrorResponse };

/** The lock, when the user holds `permission` at its subject's site (a study's lock: anywhere). */
function inScope(request: FastifyRequest, lock: RecordLock | null, permission: 'lock.manage') {
  return (
    lock !== null && (lock.siteCode === null || coversSite(request, permission, lock.siteCode))
  );
}

export function lockRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.post(
      '/studies/:studyId/locks',
      {
        config: { access: { kind: 'study', permission: 'lock.manage' } },
        schema: {
          summary: 'Lock or freeze a visit, a subject casebook or the whole study, with a reason',
          tags: ['locks'],
          params: StudyParams,
          body: z.strictObject({
            scope: z.enum(LOCK_SCOPES),
            key: RecordId.describe(
              'visit: the visit id; subject: the subject id; study: the study id',
            ),
            reason: Reason,
            kind: z
              .enum(LOCK_KINDS)
              .default(DEFAULT_LOCK_KIND)
              .describe(
                'freeze: no data changes, queries and signatures still allowed; lock (default): nothing changes',
              ),
          }),
          response: { 201: LockSchema, ...ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId } = request.params;
        const { scope, key, reason, kind } = request.body;
        const lock = await withTransaction(store, actorOf(request), reason, async (tx) => {
          const placed = await placeLock(tx, { studyId, scope, key, kind, reason });
          // Placed only on a subject at the user's sites: otherwise nothing was (rolled back).
          if (!inScope(request, placed, 'lock.manage'))
            throw new JiaError('NOT_FOUND', `study ${studyId} has no ${scope} ${key}`);
          return placed;
        });
        return reply.code(201).send(lock);
      },
    );

    app.get(
      '/studies/:studyId/locks',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary:
            "The study's locks, newest first: in force and released, by scope or over one subject",
          tags: ['locks'],
          params: StudyParams,
          querystring: z.strictObject({
            scope: z.enum(LOCK_SCOPES).optional(),
            subjectId: RecordId.optional().describe(
              "the locks over the subject's records: its own, its visits' and the study's",
            ),
            inForce: z
              .enum(['true', 'false'])
              .optional()
              .describe('true: only those in force; false: only released ones'),
          }),
          response: { 200: z.object({ locks: z.array(LockSchema) }), ...ERRORS },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const { scope, subjectId, inForce } = request.query;
        const locks = await withSnapshot(store, (client) =>
          listLocks(client, studyId, {
            scope,
            subjectId,
            inForce: inForce === undefined ? undefined : inForce === 'true',
            sites: sitesFor(request, 'clinical.read'),
          }),
        );
        return { locks };
      },
    );

    app.delete(
      '/studies/:studyId/locks/:lockId',
      {
        config: { access: { kind: 'study', permission: 'lock.manage' } },
        schema: {
          summary: 'Release a lock, with a reason (kept on the lock and in the audit trail)',
          tags: ['locks'],
          params: LockParams,
          body: z.strictObject({ reason: Reason }),
          response: { 200: LockSchema, ...ERRORS },
        },
      },
      async (request) => {
        const { studyId, lockId } = request.params;
        const { reason } = request.body;
        return withTransaction(store, actorOf(request), reason, async (tx) => {
          if (!inScope(request, await loadLock(tx.client, studyId, lockId), 'lock.manage'))
            throw new JiaError('NOT_FOUND', `study ${studyId} has no lock ${lockId}`);
          return releaseLock(tx, { studyId, lockId, reason });
        });
      },
    );
  };
}
