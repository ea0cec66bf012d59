/**
 * Source data verification over HTTP (docs/api.md, "Source data verification"; docs/data-management.md):
 * a monitor marks a field, a record, a visit or a casebook verified (`sdv.write`, at the
 * subject's site); monitors and data managers read the progress and the values left to verify
 * (`sdv.read`, over their sites). The store does the work (packages/store/src/sdv/); a subject of
 * another site is NOT_FOUND, as one that does not exist.
 */
import { RECORD_TYPES, type RecordTypeId } from '@jia-trial/dictionary';
import {
  filteredItems,
  markVerified,
  type SdvTarget,
  sdvItemView,
  sdvProgress,
  withSnapshot,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, coversSite, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { RecordId, STUDY_ERRORS, StudyParams } from './shared-schemas.js';
import { subjectInScope } from './subject-scope.js';

const ERRORS = { ...STUDY_ERRORS, 409: STUDY_ERRORS[404], 422: STUDY_ERRORS[404] };
const Table = z.enum(RECORD_TYPES.map((r) => r.id) as [RecordTypeId, ...RecordTypeId[]]);
const RecordKey = z
  .string()
  .min(1)
  .max(300)
  .describe('The record key as the audit trail writes it');

const SdvTargetBody = z
  .discriminatedUnion('scope', [
    z.strictObject({ scope: z.literal('casebook'), subjectId: RecordId }),
    z.strictObject({ scope: z.literal('visit'), subjectId: RecordId, visitId: RecordId }),
    z.strictObject({
      scope: z.literal('record'),
      subjectId: RecordId,
      table: Table,
      recordKey: RecordKey,
      version: z.number().int().min(1).optional().describe('The version you looked at'),
    }),
    z.strictObject({
      scope: z.literal('field'),
      subjectId: RecordId,
      table: Table,
      recordKey: RecordKey,
      field: z.string().min(1).max(64).describe("The field's key (esr) or name"),
      version: z.number().int().min(1).optional().describe('The version you looked at'),
    }),
  ])
  .meta({ id: 'SdvTarget' });

const Counts = {
  items: z.number().int().describe('Filled values to verify'),
  verified: z.number().int(),
  percent: z
    .number()
    .nullable()
    .describe('verified / items, %, one decimal; null: nothing to verify'),
};

const SdvItem = z
  .object({
    subjectId: z.string(),
    site: z.string().optional(),
    visitId: z.string().nullable(),
    table: z.string(),
    recordKey: z.string(),
    rowId: z.string(),
    version: z.number().int(),
    field: z.string(),
    fieldKey: z.string(),
    label: z.string(),
    value: z.string(),
    state: z.enum(['verified', 'pending']),
    verification: z
      .object({
        status: z.enum(['verified', 'cleared']),
        verifiedVersion: z.number().int(),
        verifiedBy: z.object({ id: z.string(), name: z.string() }),
        verifiedAt: z.string(),
        clearedAt: z.string().nullable(),
        clearedBecause: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'SdvItem' });

const SdvProgress = z
  .object({
    total: z.object(Counts),
    bySite: z.array(z.object({ site: z.string(), ...Counts })),
    bySubject: z.array(z.object({ subjectId: z.string(), site: z.string(), ...Counts })),
    byVisit: z.array(
      z.object({
        subjectId: z.string(),
        site: z.string(),
        visitId: z.string().nullable(),
        visitDate: z.string().nullable(),
        ...Counts,
      }),
    ),
  })
  .meta({ id: 'SdvProgress' });

/** The sites a list covers: the one asked (if the user holds `sdv.read` there), else all of the user's. */
function sitesAsked(request: FastifyRequest, site: string | undefined) {
  const mine = sitesFor(request, 'sdv.read');
  if (site === undefined) return { sites: mine };
  return { sites: coversSite(request, 'sdv.read', site) ? [site] : [], site };
}

export function sdvRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.post(
      '/studies/:studyId/sdv',
      {
        config: { access: { kind: 'study', permission: 'sdv.write' } },
        schema: {
          summary:
            'Mark a field, a record, a visit or a casebook verified against the source (each filled value not yet verified)',
          tags: ['sdv'],
          params: StudyParams,
          body: SdvTargetBody,
          response: {
            200: z.object({ verified: z.array(SdvItem), alreadyVerified: z.number().int() }),
            ...ERRORS,
          },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const target = request.body as SdvTarget;
        const result = await withTransaction(
          store,
          actorOf(request),
          'source data verified',
          (tx) => markVerified(tx, studyId, target, sitesFor(request, 'sdv.write')),
        );
        return {
          verified: result.verified.map((i) =>
            sdvItemView({ ...i, state: 'verified', verification: null }),
          ),
          alreadyVerified: result.alreadyVerified,
        };
      },
    );

    app.get(
      '/studies/:studyId/sdv/progress',
      {
        config: { access: { kind: 'study', permission: 'sdv.read' } },
        schema: {
          summary: 'Source data verification progress by site, subject and visit',
          tags: ['sdv'],
          params: StudyParams,
          querystring: z.strictObject({
            site: RecordId.optional(),
            subjectId: RecordId.optional(),
          }),
          response: { 200: SdvProgress, ...ERRORS },
        },
      },
      async (request) => {
        const { site, subjectId } = request.query;
        const progress = await withSnapshot(store, (client) =>
          sdvProgress(client, request.params.studyId, { ...sitesAsked(request, site), subjectId }),
        );
        return progress as z.infer<typeof SdvProgress>;
      },
    );

    app.get(
      '/studies/:studyId/sdv/items',
      {
        config: { access: { kind: 'study', permission: 'sdv.read' } },
        schema: {
          summary:
            'The values to verify (state=pending, the default: what is left), those verified, or all; by site, subject or visit',
          tags: ['sdv'],
          params: StudyParams,
          querystring: z.strictObject({
            site: RecordId.optional(),
            subjectId: RecordId.optional(),
            visitId: RecordId.optional(),
            state: z.enum(['pending', 'verified', 'all']).default('pending'),
          }),
          response: { 200: z.object({ items: z.array(SdvItem) }), ...ERRORS },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const { site, subjectId, visitId, state } = request.query;
        if (subjectId !== undefined)
          await subjectInScope(store, request, studyId, subjectId, 'sdv.read');
        const items = await withSnapshot(store, async (client) => {
          const filter = { ...sitesAsked(request, site), subjectId, visitId };
          const all = (await filteredItems(client, studyId, filter)).items;
          return state === 'all' ? all : all.filter((i) => i.state === state);
        });
        return { items: items.map(sdvItemView) };
      },
    );
  };
}
