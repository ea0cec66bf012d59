/**
 * The study's analysis report (`report.read`): report.json exactly as `jia-trial report` writes
 * it, computed from the stored study under its protocol on the day asked (default today), over
 * the subjects of the sites where the user holds the permission. A user who does not read the
 * clinical data (`clinical.read`) of every one of those sites (the statistician, the DSMB) gets
 * it pseudonymised: `"pseudonymised": true`, study days for dates (docs/roles.md).
 */
import {
  analysedStudy,
  pseudonymisedReportJson,
  reportJson,
  SYNTHETIC_STUDY_NOTE,
} from '@jia-trial/analysis';
import { holdsWherever } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { protocolById } from '@jia-trial/protocols';
import {
  listSubjects,
  loadStudyTimelines,
  protocolOfStudy,
  studyIsSynthetic,
} from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { logRequestEvent } from '../security-log.js';
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
          description:
            'Pseudonymised (`"pseudonymised": true`, dates as study days) for a reader without `clinical.read` at every site it covers.',
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
        // The subjects of the sites where the user reads the report (a site-bound investigator:
        // their own sites' subjects only).
        const sites = sitesFor(request, 'report.read');
        const inScope =
          sites === 'all'
            ? null
            : new Set((await listSubjects(store, studyId, sites)).map((s) => s.subjectId));
        const timelines = (await loadStudyTimelines(store, studyId)).filter(
          (t) => inScope === null || inScope.has(t.subjectId),
        );
        // Its bundle's study file said so when it was imported (docs/bundle-format.md): the
        // same title, banner and flag as `jia-trial report --study`.
        const synthetic = await studyIsSynthetic(store, studyId);
        const study = analysedStudy(protocol, timelines, {
          asOf: request.query.asOf ?? context.today(),
          note: synthetic ? SYNTHETIC_STUDY_NOTE : null,
          synthetic,
          generator: SERVER_VERSION,
        });
        const identified =
          request.studyAccess !== null &&
          holdsWherever(request.studyAccess, 'clinical.read', 'report.read');
        // Through report.json's own text, so that the content is exactly the command's. The
        // day ones come from the subjects as stored, as in the pseudonymised records.
        await logRequestEvent(store, request, {
          kind: 'report_download',
          studyId,
          detail: identified ? 'report.json, identified' : 'report.json, pseudonymised',
        });
        const text = identified ? reportJson(study) : pseudonymisedReportJson(study, timelines);
        return JSON.parse(text) as Record<string, unknown>;
      },
    );
  };
}
