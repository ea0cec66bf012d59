/**
 * A subject's status under the study's protocol on a day: the object of `jia-trial status
 * --json`, with the same keys and alert codes (subjectStatusJson of @jia-trial/protocol).
 */
import { JiaError } from '@jia-trial/errors';
import { evaluate, subjectStatusJson } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import {
  alertAcknowledgements,
  loadSubjectTimeline,
  protocolOfStudy,
  withAcknowledgements,
} from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { STUDY_ERRORS, SubjectParams } from './shared-schemas.js';
import { subjectInScope } from './subject-scope.js';

export function statusRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/subjects/:subjectId/status',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary: "A subject's state, schedule, alerts and retreatment decision on a day",
          tags: ['subjects'],
          params: SubjectParams,
          querystring: z.strictObject({
            asOf: z.iso
              .date()
              .optional()
              .describe('The day (default: today); only data dated on or before it counts'),
            protocol: z
              .string()
              .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
              .optional()
              .describe('The protocol, when the study has none stored'),
          }),
          response: {
            200: z.object({
              asOf: z.string(),
              protocol: z.object({ id: z.string(), version: z.string() }),
              subject: z.record(z.string(), z.unknown()),
              alerts: z.array(z.record(z.string(), z.unknown())),
            }),
            ...STUDY_ERRORS,
            422: STUDY_ERRORS[404],
          },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params;
        await subjectInScope(store, request, studyId, subjectId, 'clinical.read');
        const protocolId = (await protocolOfStudy(store, studyId)) ?? request.query.protocol;
        if (protocolId === undefined)
          throw new JiaError('VALIDATION_FAILED', `study ${studyId} has no protocol stored`, {
            issues: [{ path: 'query.protocol', message: 'name the protocol to evaluate under' }],
          });
        const protocol = protocolById(protocolId);
        const asOf = request.query.asOf ?? context.today();
        const timeline = await loadSubjectTimeline(store, studyId, subjectId);
        if (!timeline)
          throw new JiaError('NOT_FOUND', `study ${studyId} has no subject ${subjectId}`);
        const evaluation = evaluate(protocol, timeline, asOf);
        return {
          asOf,
          protocol: { id: protocol.id, version: protocol.version },
          subject: subjectStatusJson(evaluation),
          // The same alerts with their ids (to acknowledge them) and acknowledgements.
          alerts: withAcknowledgements(
            subjectId,
            evaluation.alerts,
            await alertAcknowledgements(store.pool, studyId, subjectId),
          ) as unknown as Record<string, unknown>[],
        };
      },
    );
  };
}
