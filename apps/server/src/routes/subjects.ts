/** A study's subjects, and one subject with every record of theirs (docs/api.md, "Subjects"). */
import type { RecordTypeId } from '@jia-trial/dictionary';
import { getSubject, listSubjects } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { codesAsArrays } from '../record-schemas.js';
import { STUDY_ERRORS, StudyParams, SubjectParams } from './shared-schemas.js';

const SubjectSummary = z
  .object({
    subjectId: z.string(),
    site: z.string(),
    ilarCategory: z.string(),
    enrolmentDate: z.string().nullable(),
    withdrawalDate: z.string().nullable(),
    visitCount: z.number().int(),
    lastVisitDate: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'SubjectSummary' });

const Stored = z.object({
  record: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  rowId: z.string(),
});

const Subject = z
  .object({
    subject: Stored,
    visits: z.array(Stored.extend({ scores: z.record(z.string(), z.unknown()) })),
    jointFindings: z.array(Stored),
    chaqAnswers: z.array(Stored),
    medications: z.array(Stored),
    infusions: z.array(Stored),
    adverseEvents: z.array(Stored),
    eligibilityAssessments: z.array(Stored),
  })
  .meta({ id: 'Subject' });

export function subjectRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  const access = { access: { kind: 'study', permission: 'clinical.read' } } as const;
  return async (app) => {
    app.get(
      '/studies/:studyId/subjects',
      {
        config: access,
        schema: {
          summary: 'The subjects of the sites you may see',
          tags: ['subjects'],
          params: StudyParams,
          response: { 200: z.object({ subjects: z.array(SubjectSummary) }), ...STUDY_ERRORS },
        },
      },
      async (request) => ({
        subjects: await listSubjects(
          store,
          request.params.studyId,
          sitesFor(request, 'clinical.read'),
        ),
      }),
    );

    app.get(
      '/studies/:studyId/subjects/:subjectId',
      {
        config: access,
        schema: {
          summary:
            'A subject with visits (and their scores), joints, CHAQ, medications, infusions, AEs and eligibility answers',
          tags: ['subjects'],
          params: SubjectParams,
          response: { 200: Subject, ...STUDY_ERRORS },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params;
        const found = await getSubject(
          store,
          studyId,
          subjectId,
          sitesFor(request, 'clinical.read'),
        );
        // Each record's `codes` fields as arrays, as every route answers them.
        const each = <T extends { record: unknown }>(type: RecordTypeId, list: readonly T[]) =>
          list.map((r) => ({ ...r, record: codesAsArrays(type, r.record) }));
        return {
          subject: { ...found.subject, record: codesAsArrays('subject', found.subject.record) },
          visits: each('visit', found.visits),
          jointFindings: each('joint_finding', found.jointFindings),
          chaqAnswers: each('chaq_response', found.chaqAnswers),
          medications: each('medication', found.medications),
          infusions: each('infusion', found.infusions),
          adverseEvents: each('adverse_event', found.adverseEvents),
          eligibilityAssessments: each('eligibility_assessment', found.eligibilityAssessments),
        } as unknown as z.infer<typeof Subject>;
      },
    );
  };
}
