/**
 * The study's records pseudonymised, for the statistician (`clinical.read_pseudonymised`;
 * docs/roles.md): each subject by its study code, dates as study days from its day one, the
 * birth date as an age, no narrative (pseudonymise of @jia-trial/dictionary). Visits keep their
 * scores.
 */
import { pseudonymDayOne, pseudonymise, type RecordTypeId } from '@jia-trial/dictionary';
import { getSubject, listSubjects, type StoredRecord } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { logRequestEvent } from '../security-log.js';
import { STUDY_ERRORS, StudyParams } from './shared-schemas.js';

type Values = Readonly<Record<string, unknown>>;

export function pseudonymisedRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/pseudonymised',
      {
        config: { access: { kind: 'study', permission: 'clinical.read_pseudonymised' } },
        schema: {
          summary: "Every subject's records pseudonymised: study days, ages, no narrative",
          tags: ['subjects'],
          params: StudyParams,
          response: {
            200: z.object({ subjects: z.array(z.record(z.string(), z.unknown())) }),
            ...STUDY_ERRORS,
          },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        await logRequestEvent(store, request, {
          kind: 'export',
          studyId,
          detail: 'pseudonymised records',
        });
        const sites = sitesFor(request, 'clinical.read_pseudonymised');
        const subjects = [];
        for (const summary of await listSubjects(store, studyId, sites)) {
          const found = await getSubject(store, studyId, summary.subjectId, sites);
          const dayOne = pseudonymDayOne(
            found.subject.record as unknown as Values,
            found.visits.map((v) => v.record.visitDate),
          );
          const each = (type: RecordTypeId, records: readonly StoredRecord<unknown>[]) =>
            records.map((r) => pseudonymise(type, r.record as Values, dayOne));
          subjects.push({
            subject: pseudonymise('subject', found.subject.record as unknown as Values, dayOne),
            visits: found.visits.map((v) => ({
              ...pseudonymise('visit', v.record as unknown as Values, dayOne),
              scores: v.scores,
            })),
            jointFindings: each('joint_finding', found.jointFindings),
            chaqAnswers: each('chaq_response', found.chaqAnswers),
            medications: each('medication', found.medications),
            infusions: each('infusion', found.infusions),
            adverseEvents: each('adverse_event', found.adverseEvents),
            eligibilityAssessments: each('eligibility_assessment', found.eligibilityAssessments),
          });
        }
        return { subjects: subjects as unknown as Record<string, unknown>[] };
      },
    );
  };
}
