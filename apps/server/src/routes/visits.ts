/**
 * Creating and correcting a visit (docs/api.md, "Visits"): the fields of a bundle's visits.csv
 * as typed JSON, saved by the store's saveVisit (validation, scores, audit, one transaction).
 * Replacing a stored visit needs If-Match with the version it was based on: 428 without it,
 * 409 VERSION_CONFLICT with the current record when another change came first.
 */
import { isJiaError, JiaError } from '@jia-trial/errors';
import { loadVisit, saveVisit, type VisitRecord, withTransaction } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../access.js';
import type { ServerContext } from '../context.js';
import { recordSchema } from '../record-schemas.js';
import { RecordId, STUDY_ERRORS, StudyId } from './shared-schemas.js';
import { subjectInScope } from './subject-scope.js';

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
export function visitJson(visit: VisitRecord): Record<string, unknown> {
  const codes = visit.activeJointCodes;
  return { ...visit, activeJointCodes: codes ? codes.split(';') : [] };
}

/** The version an If-Match header names (`3` or the ETag form `"3"`), or null without one. */
export function ifMatchVersion(header: string | undefined): number | null {
  if (header === undefined) return null;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match)
    throw new JiaError('MALFORMED_REQUEST', `If-Match ${JSON.stringify(header)} is not a version`, {
      issues: [{ path: 'headers.if-match', message: 'is the version number of the record read' }],
    });
  return Number(match[1]);
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
          headers: z.object({ 'if-match': z.string().optional() }),
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
        const visit = {
          ...fields,
          visitId,
          activeJointCodes: Array.isArray(fields.activeJointCodes)
            ? fields.activeJointCodes.join(';')
            : null,
        } as unknown as VisitRecord;
        await subjectInScope(store, request, studyId, visit.subjectId, 'clinical.write');
        const stored = await loadVisit(store.pool, studyId, visitId);
        if (stored) {
          // The visit's current subject must be in the user's sites too (a move between sites).
          await subjectInScope(store, request, studyId, stored.visit.subjectId, 'clinical.write');
          if (basedOn === null)
            throw new JiaError(
              'PRECONDITION_REQUIRED',
              `visit ${visitId} exists (version ${stored.version}): send If-Match with the version you changed`,
              { details: { currentVersion: stored.version } },
            );
        }
        try {
          const saved = await withTransaction(store, actorOf(request), reason, (tx) =>
            saveVisit(tx, studyId, visit, stored ? basedOn : null),
          );
          const after = await loadVisit(store.pool, studyId, visitId);
          void reply.code(stored ? 200 : 201).header('etag', `"${saved.version}"`);
          return {
            visit: visitJson(after?.visit ?? visit),
            version: saved.version,
            scores: saved.scores as unknown as Record<string, unknown>,
          };
        } catch (error) {
          if (!isJiaError(error, 'VERSION_CONFLICT')) throw error;
          // The client gets the record that won, to show beside its own change.
          const current = await loadVisit(store.pool, studyId, visitId);
          throw new JiaError('VERSION_CONFLICT', error.message, {
            details: {
              ...error.details,
              current: current
                ? { visit: visitJson(current.visit), version: current.version }
                : null,
            },
          });
        }
      },
    );
  };
}
