/**
 * Creating and correcting a visit (docs/api.md, "Visits"): the fields of a bundle's visits.csv
 * as typed JSON, saved by the store's saveVisit (validation, scores, audit, one transaction).
 * Replacing a stored visit needs If-Match with the version it was based on: 428 without it,
 * 409 VERSION_CONFLICT with the current record when another change came first.
 */
import { isJiaError, JiaError } from '@jia-trial/errors';
import {
  loadVisit,
  type Store,
  saveVisit,
  siteOfSubject,
  type VisitRecord,
} from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, coversSite, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { checkAfterSave } from '../quality-after-save.js';
import { codesAsArrays, codesAsText, recordSchema } from '../record-schemas.js';
import { IfMatchHeaders, ifMatchVersion } from './if-match.js';
import { RecordId, STUDY_ERRORS, StudyId } from './shared-schemas.js';

const VisitBody = recordSchema('visit', ['visit_id'])
  .extend({
    reason: z
      .string()
      .max(500)
      .optional()
      .describe('Why a stored visit is changed (required to replace one)'),
  })
  .describe('A visit: the fields of visits.csv as typed JSON, and the reason for a change');

const StoredVisit = z.record(z.string(), z.unknown()).meta({ id: 'Visit' });

const VisitResponse = z
  .object({
    visit: StoredVisit,
    version: z.number().int(),
    scores: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'SavedVisit' });

/** A stored visit as the API returns it: the `codes` field as an array. */
function visitJson(visit: VisitRecord): Record<string, unknown> {
  return codesAsArrays('visit', visit as unknown as Record<string, unknown>);
}

/** The request's fields as the store's visit record (the joint codes as one `;` list). */
function visitRecord(visitId: string, fields: Record<string, unknown>): VisitRecord {
  return { ...codesAsText('visit', fields), visitId } as unknown as VisitRecord;
}

/** A version conflict with the record that won attached, to show beside the client's change. */
async function withCurrentVisit(
  store: Store,
  request: FastifyRequest,
  studyId: string,
  visitId: string,
  error: unknown,
): Promise<unknown> {
  if (!isJiaError(error, 'VERSION_CONFLICT')) return error;
  const current = await loadVisit(store.pool, studyId, visitId);
  // The visit that won may have been made meanwhile at a site the user does not write: then it
  // is not shown (a 404, as for any record of another site).
  const site = current ? await siteOfSubject(store, studyId, current.visit.subjectId) : null;
  if (current && (site === null || !coversSite(request, 'clinical.write', site)))
    return new JiaError('NOT_FOUND', `study ${studyId} has no visit ${visitId} you may change`);
  return new JiaError('VERSION_CONFLICT', error.message, {
    details: {
      ...error.details,
      current: current ? { visit: visitJson(current.visit), version: current.version } : null,
    },
  });
}

export function visitRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.put(
      '/studies/:studyId/visits/:visitId',
      {
        config: { access: { kind: 'study', permission: 'clinical.write' } },
        schema: {
          summary: 'Create a visit, or replace a stored one (If-Match: its version)',
          tags: ['visits'],
          params: z.strictObject({ studyId: StudyId, visitId: RecordId }),
          headers: IfMatchHeaders,
          body: VisitBody,
          response: {
            200: VisitResponse,
            201: VisitResponse,
            ...STUDY_ERRORS,
            409: STUDY_ERRORS[404],
            422: STUDY_ERRORS[404],
            428: STUDY_ERRORS[404],
          },
        },
      },
      async (request, reply) => {
        const { studyId, visitId } = request.params;
        const { reason, ...fields } = request.body as { reason?: string } & Record<string, unknown>;
        const basedOn = ifMatchVersion(request.headers['if-match']);
        const visit = visitRecord(visitId, fields);
        try {
          // One statement, one round trip: the store's save_visit with the account as actor,
          // refusing a subject or stored visit outside the user's sites as one that is not there.
          const saved = await saveVisit(store.pool, studyId, visit, basedOn, {
            actor: actorOf(request),
            reason: reason ?? '',
            sites: sitesFor(request, 'clinical.write'),
          });
          await checkAfterSave(context, request, studyId, { subjectId: visit.subjectId });
          void reply.code(basedOn === null ? 201 : 200).header('etag', `"${saved.version}"`);
          return {
            // As stored: save_visit stores the validated values exactly as given.
            visit: visitJson(visit),
            version: saved.version,
            scores: saved.scores as unknown as Record<string, unknown>,
          };
        } catch (error) {
          const refused = await withCurrentVisit(store, request, studyId, visitId, error);
          // A create of a visit that is stored already: replacing one needs its version.
          if (basedOn === null && isJiaError(refused, 'VERSION_CONFLICT'))
            throw new JiaError(
              'PRECONDITION_REQUIRED',
              `visit ${visitId} exists: send If-Match with the version you changed`,
              { details: { ...refused.details } },
            );
          throw refused;
        }
      },
    );
  };
}
