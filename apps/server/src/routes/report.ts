/**
 * The study's analysis report (`report.read`): report.json exactly as `jia-trial report` writes
 * it, computed from the stored study under its protocol on the day asked (default today).
 */
import { analysedStudy, reportJson } from '@jia-trial/analysis';
import { JiaError } from '@jia-trial/errors';
import { protocolById } from '@jia-trial/protocols';
import { loadStudyTimelines, protocolOfStudy } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { STUDY_ERRORS, StudyParams } from './shared-schemas.js';

/** The server's version, written into the report's provenance as the CLI writes its own. */
export const SERVER_VERSION = '0.1.0';

export function reportRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/report',
      {
        config: { access: { kind: 'study', permission: 'report.read' } },
        schema: {
          summary: "The study's analysis: report.json as `jia-trial report` writes it",
          tags: ['report'],
          params: StudyParams,
          querystring: z.strictObject({ asOf: z.iso.date().optional() }),
          response: {
            200: z.record(z.string(), z.unknown()),
            ...STUDY_ERRORS,
            422: STUDY_ERRORS[404],
          },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const protocolId = await protocolOfStudy(store, studyId);
        if (protocolId === null)
          throw new JiaError('VALIDATION_FAILED', `study ${studyId} has no protocol stored`);
        const protocol = protocolById(protocolId);
        if (protocol.analysis === null)
          throw new JiaError(
            'VALIDATION_FAILED',
            `protocol ${protocol.id} has no analysis plan to report`,
          );
        const study = analysedStudy(protocol, await loadStudyTimelines(store, studyId), {
          asOf: request.query.asOf ?? context.today(),
          note: null,
          generator: SERVER_VERSION,
        });
        // Through report.json's own text, so that the content is exactly the command's.
        return JSON.parse(reportJson(study)) as Record<string, unknown>;
      },
    );
  };
}
