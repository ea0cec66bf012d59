/**
 * Site transfers (docs/api.md, docs/data-management.md "Sites and transfers"): a data manager
 * moves a subject to another site of the study with a reason (`subject.transfer`); who may see
 * the subject follows its site. The transfers are listed with the subject's records
 * (`clinical.read`).
 */
import { transferSubject, transfersOf, withTransaction } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { IfMatchHeaders, requiredVersion } from './if-match.js';
import { RecordId, STUDY_ERRORS, SubjectParams } from './shared-schemas.js';
import { subjectInScope } from './subject-scope.js';

const Transfer = z
  .object({
    subjectId: z.string(),
    transferNo: z.number().int(),
    fromSite: z.string(),
    toSite: z.string(),
    reason: z.string(),
    transferredBy: z.object({ id: z.string(), name: z.string() }),
    transferredAt: z.string(),
  })
  .meta({ id: 'SubjectTransfer' });

const ERRORS = {
  ...STUDY_ERRORS,
  409: STUDY_ERRORS[404],
  422: STUDY_ERRORS[404],
  428: STUDY_ERRORS[404],
};

export function transferRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.post(
      '/studies/:studyId/subjects/:subjectId/transfer',
      {
        config: { access: { kind: 'study', permission: 'subject.transfer' } },
        schema: {
          summary:
            "Transfer a subject to another site of the study (If-Match: the subject's version; a reason)",
          tags: ['subjects'],
          params: SubjectParams,
          headers: IfMatchHeaders,
          body: z.strictObject({ toSite: RecordId, reason: z.string().max(2000) }),
          response: { 200: Transfer.extend({ version: z.number().int() }), ...ERRORS },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params;
        const basedOnVersion = requiredVersion(request.headers['if-match'], 'subject');
        return withTransaction(store, actorOf(request), request.body.reason, (tx) =>
          transferSubject(
            tx,
            { studyId, subjectId, toSite: request.body.toSite, basedOnVersion },
            sitesFor(request, 'subject.transfer'),
          ),
        );
      },
    );

    app.get(
      '/studies/:studyId/subjects/:subjectId/transfers',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary: "The subject's transfers between sites, oldest first",
          tags: ['subjects'],
          params: SubjectParams,
          response: { 200: z.object({ transfers: z.array(Transfer) }), ...STUDY_ERRORS },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params;
        await subjectInScope(store, request, studyId, subjectId, 'clinical.read');
        return { transfers: await transfersOf(store.pool, studyId, subjectId) };
      },
    );
  };
}
