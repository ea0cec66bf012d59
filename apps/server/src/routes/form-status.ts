/**
 * The completion status grid (`clinical.read`, over the user's sites; docs/api.md,
 * docs/data-management.md "Form status"): subjects x the protocol's scheduled visits, each with
 * the engine's status on a day (upcoming, due, overdue, missed, done) and each recorded visit's
 * forms with their status; the subject's own forms; the visits no scheduled visit takes.
 */
import { FORM_STATUSES } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { protocolById } from '@jia-trial/protocols';
import { formStatusGrid, protocolOfStudy, withSnapshot } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { coversSite, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { RecordId, STUDY_ERRORS, StudyParams } from './shared-schemas.js';

const FormCell = z
  .object({
    form: z.string(),
    status: z.enum(FORM_STATUSES),
    facts: z.object({
      hasAnyData: z.boolean(),
      requiredFilled: z.boolean(),
      verified: z.boolean(),
      signed: z.boolean(),
      locked: z.boolean(),
    }),
    missing: z.array(z.string()),
  })
  .meta({ id: 'FormCell' });

const FormStatusGrid = z
  .object({
    asOf: z.string(),
    columns: z.array(
      z.object({ column: z.string(), name: z.string(), infusion: z.number().int().nullable() }),
    ),
    forms: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        level: z.enum(['visit', 'subject']),
        completeWhen: z.string(),
      }),
    ),
    rows: z.array(
      z.object({
        subjectId: z.string(),
        site: z.string(),
        visits: z.array(
          z.object({
            column: z.string(),
            name: z.string(),
            infusion: z.number().int().nullable(),
            targetDate: z.string(),
            windowStart: z.string(),
            windowEnd: z.string(),
            scheduleStatus: z.enum(['upcoming', 'due', 'overdue', 'missed', 'done']),
            late: z.boolean(),
            visitId: z.string().nullable(),
            visitDate: z.string().nullable(),
            forms: z.array(FormCell),
          }),
        ),
        unscheduled: z.array(
          z.object({ visitId: z.string(), visitDate: z.string(), forms: z.array(FormCell) }),
        ),
        subjectForms: z.array(FormCell),
      }),
    ),
  })
  .meta({ id: 'FormStatusGrid' });

export function formStatusRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/form-status',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary:
            "Subjects x visits: each form's status (not started ... locked) with the protocol's due, overdue and missed visits",
          tags: ['studies'],
          params: StudyParams,
          querystring: z.strictObject({
            site: RecordId.optional().describe('One site (default: all of yours)'),
            asOf: z.iso.date().optional().describe('The day of the schedule (default: today)'),
          }),
          response: { 200: FormStatusGrid, ...STUDY_ERRORS, 422: STUDY_ERRORS[404] },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const { site } = request.query;
        const protocolId = await protocolOfStudy(store, studyId);
        if (protocolId === null)
          throw new JiaError('VALIDATION_FAILED', `study ${studyId} has no protocol stored`);
        const sites =
          site === undefined
            ? sitesFor(request, 'clinical.read')
            : coversSite(request, 'clinical.read', site)
              ? [site]
              : [];
        const grid = await withSnapshot(store, (client) =>
          formStatusGrid(client, studyId, {
            protocol: protocolById(protocolId),
            asOf: request.query.asOf ?? context.today(),
            sites,
            site,
          }),
        );
        // The store's types are read-only; the response's the same shape, mutable.
        return grid as z.infer<typeof FormStatusGrid>;
      },
    );
  };
}
