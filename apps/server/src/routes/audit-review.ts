/**
 * Audit review (docs/api.md, "Audit review"; docs/data-management.md): the study's whole trail,
 * filtered and paged, and exported for an inspector, for holders of `audit.review` (data
 * managers, monitors at their sites, administrators; ADR 0030). One record's history stays
 * `GET /studies/{studyId}/audit` under `audit.read` (review.ts). The store's auditEvents and
 * eachAuditEvent do the work; a reader bound to sites sees those sites' events only.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { AUDIT_TRAIL_FORMATS, auditTrailFile } from '@jia-trial/interop';
import {
  AUDIT_OPERATIONS,
  type AuditScope,
  auditEvents,
  countAuditEvents,
  eachAuditEvent,
  MAX_AUDIT_PAGE,
  SECURITY_EVENT_KINDS,
  withSnapshot,
} from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { logRequestEvent } from '../security-log.js';
import { STUDY_ERRORS, StudyParams } from './shared-schemas.js';

const Text = z.string().min(1).max(300);
const Filter = {
  user: Text.optional().describe('A username, or an actor id as the trail writes it (user:12)'),
  site: Text.optional(),
  subject: Text.optional(),
  table: z.string().min(1).max(64).optional(),
  key: Text.optional().describe('A record key as the trail writes it (study/key)'),
  operation: z.enum(AUDIT_OPERATIONS).optional(),
  kind: z
    .enum(SECURITY_EVENT_KINDS)
    .optional()
    .describe('One kind of security event (sign_in, sign_in_failed, export...)'),
  from: z.string().max(40).optional().describe('ISO 8601 date or date-time: from then on'),
  to: z.string().max(40).optional().describe('ISO 8601 date or date-time: before then'),
};

const ReviewedEvent = z
  .object({
    eventId: z.string(),
    at: z.string(),
    actor: z.object({ id: z.string().nullable(), name: z.string() }),
    studyId: z.string().nullable(),
    siteCode: z.string().nullable(),
    table: z.string(),
    recordKey: z.string(),
    rowId: z.string(),
    operation: z.enum(AUDIT_OPERATIONS),
    reason: z.string().nullable(),
    oldValues: z.record(z.string(), z.unknown()).nullable(),
    newValues: z.record(z.string(), z.unknown()).nullable(),
    eventHash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

const ERRORS = { ...STUDY_ERRORS, 422: STUDY_ERRORS[404] };

/** The filter of a request, without the keys it left out (exactOptionalPropertyTypes). */
function filterOf(query: Record<string, unknown>) {
  return Object.fromEntries(
    Object.keys(Filter)
      .filter((k) => query[k] !== undefined)
      .map((k) => [k, query[k]]),
  );
}

const scopeOf = (request: FastifyRequest): AuditScope => sitesFor(request, 'audit.review');

export function auditReviewRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/audit/events',
      {
        config: { access: { kind: 'study', permission: 'audit.review' } },
        schema: {
          summary: "The study's audit trail, filtered, oldest first, a page at a time",
          tags: ['audit'],
          params: StudyParams,
          querystring: z.strictObject({
            ...Filter,
            cursor: z.string().max(20).optional().describe("The previous page's nextCursor"),
            limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(100),
          }),
          response: {
            200: z.object({
              events: z.array(ReviewedEvent),
              nextCursor: z.string().nullable(),
              total: z.number().int().describe('How many events the filter keeps, in all pages'),
            }),
            ...ERRORS,
          },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const { cursor, limit } = request.query;
        const filter = filterOf(request.query);
        const scope = scopeOf(request);
        // One snapshot: the total counts the trail the page was read from.
        const page = await withSnapshot(store, async (client) => ({
          ...(await auditEvents(client, studyId, filter, scope, { cursor: cursor ?? null, limit })),
          total: await countAuditEvents(client, studyId, filter, scope),
        }));
        return page as unknown as {
          events: z.infer<typeof ReviewedEvent>[];
          nextCursor: string | null;
          total: number;
        };
      },
    );

    app.get(
      '/studies/:studyId/audit/export',
      {
        config: { access: { kind: 'study', permission: 'audit.review' } },
        schema: {
          summary:
            "The study's whole audit trail as one CSV or JSON file, streamed, for an inspector",
          tags: ['audit'],
          params: StudyParams,
          querystring: z.strictObject({
            ...Filter,
            format: z.enum(AUDIT_TRAIL_FORMATS).default('csv'),
          }),
          response: { 200: z.any().describe('text/csv or application/json'), ...ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId } = request.params;
        const { format } = request.query;
        const filter = filterOf(request.query);
        const scope = scopeOf(request);
        // Recorded before the snapshot: the file holds its own export.
        await logRequestEvent(store, request, {
          kind: 'audit_export',
          studyId,
          detail: `${format}, API`,
        });
        const file = auditTrailFile(format);
        const body = new PassThrough();
        const write = async (text: string) => {
          if (!body.write(text)) await once(body, 'drain');
        };
        // Streamed as the pages are read: memory bounded by a page and the socket's buffer.
        void (async () => {
          await write(file.start());
          await withSnapshot(store, (client) =>
            eachAuditEvent(client, studyId, filter, scope, (events) => write(file.events(events))),
          );
          body.end(file.end());
        })().catch((error: unknown) => {
          // Headers are gone: the client sees a cut file, and the log says why.
          request.log.error({ err: error }, 'audit export failed');
          body.destroy(error as Error);
        });
        return reply
          .type(file.contentType)
          .header('content-disposition', `attachment; filename="${studyId}-audit-trail.${format}"`)
          .send(body);
      },
    );
  };
}
