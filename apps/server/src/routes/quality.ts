/**
 * Data-quality checks (docs/api.md, "Data quality"; docs/data-management.md): the study's rule
 * set, a check on demand, and the discrepancies by site and subject, each excluded with a reason
 * or turned into a data query in one step. The store's quality services do the work; a
 * discrepancy at a site the user does not hold the permission for is 404, as one that does not
 * exist.
 */
import type { Permission } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import {
  DISCREPANCY_STATUSES,
  type Discrepancy,
  excludeDiscrepancy,
  listDiscrepancies,
  listSubjects,
  loadDiscrepancy,
  loadRuleSet,
  MAX_PAGE_SIZE,
  queryDiscrepancy,
  reinstateDiscrepancy,
  saveRuleSet,
  type Transaction,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, coversSite, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { checkOnDemand } from '../quality-run.js';
import { IfMatchHeaders, requiredVersion } from './if-match.js';
import { RecordId, STUDY_ERRORS, StudyId, StudyParams } from './shared-schemas.js';

const ERRORS = {
  ...STUDY_ERRORS,
  409: STUDY_ERRORS[404],
  422: STUDY_ERRORS[404],
  428: STUDY_ERRORS[404],
};
const KINDS = ['range', 'cross_field', 'visit_window', 'expected', 'protocol_deviation'] as const;
const Step = z.object({ by: z.object({ id: z.string(), name: z.string() }), at: z.string() });

const DiscrepancyJson = z
  .object({
    studyId: z.string(),
    discrepancyId: z.string(),
    ruleId: z.string(),
    kind: z.enum(KINDS),
    table: z.string(),
    recordKey: z.string(),
    field: z.string().nullable(),
    occasion: z.string(),
    subjectId: z.string(),
    siteCode: z.string(),
    message: z.string(),
    observed: z.record(z.string(), z.unknown()),
    status: z.enum(DISCREPANCY_STATUSES as ['open', 'excluded', 'resolved']),
    ruleSetVersion: z.number().int(),
    foundAt: z.string(),
    resolvedAt: z.string().nullable(),
    exclusion: Step.extend({
      reason: z.string(),
      observed: z.record(z.string(), z.unknown()),
    }).nullable(),
    query: z
      .object({ queryId: z.string(), status: z.enum(['open', 'answered', 'closed']) })
      .nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Discrepancy' });

const CheckSummaryJson = z
  .object({
    studyId: z.string(),
    subjects: z.number().int(),
    ruleSetVersion: z.number().int(),
    asOf: z.string(),
    opened: z.number().int(),
    updated: z.number().int(),
    resolved: z.number().int(),
    unchanged: z.number().int(),
    open: z.number().int(),
    excluded: z.number().int(),
  })
  .meta({ id: 'CheckSummary' });

const RuleSetJson = z
  .object({
    ruleSet: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    isDefault: z.boolean(),
  })
  .meta({ id: 'QualityRuleSet' });

const DiscrepancyParams = z.strictObject({ studyId: StudyId, discrepancyId: RecordId });
const Reason = z.string().trim().min(1).max(500);

/** The discrepancy, when it is at a site where the user holds `permission` (else NOT_FOUND). */
async function inScope(
  tx: Transaction,
  request: FastifyRequest,
  studyId: string,
  discrepancyId: string,
  permission: Permission,
): Promise<Discrepancy> {
  const found = await loadDiscrepancy(tx.client, studyId, discrepancyId);
  if (!found || !coversSite(request, permission, found.siteCode))
    throw new JiaError('NOT_FOUND', `study ${studyId} has no discrepancy ${discrepancyId}`);
  return found;
}

const json = (d: Discrepancy) => d as unknown as z.infer<typeof DiscrepancyJson>;

export function qualityRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/quality/rules',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary: "The study's data-quality rule set (the default rules until one is stored)",
          tags: ['quality'],
          params: StudyParams,
          response: { 200: RuleSetJson, ...STUDY_ERRORS },
        },
      },
      async (request) => {
        const found = await loadRuleSet(store.pool, request.params.studyId);
        return { ...found, ruleSet: found.ruleSet as unknown as Record<string, unknown> };
      },
    );

    app.put(
      '/studies/:studyId/quality/rules',
      {
        config: { access: { kind: 'study', permission: 'quality.rules' } },
        schema: {
          summary:
            'Store a new version of the rule set (If-Match: the version it replaces; 0 for the default rules)',
          tags: ['quality'],
          params: StudyParams,
          headers: IfMatchHeaders,
          body: z.strictObject({
            ruleSet: z
              .record(z.string(), z.unknown())
              .describe('title and rules (docs/data-management.md)'),
            reason: Reason,
          }),
          response: { 200: RuleSetJson, ...ERRORS },
        },
      },
      async (request) => {
        const basedOn = requiredVersion(request.headers['if-match'], 'rule set');
        const saved = await withTransaction(store, actorOf(request), request.body.reason, (tx) =>
          saveRuleSet(tx, request.params.studyId, request.body.ruleSet, basedOn),
        );
        return { ...saved, ruleSet: saved.ruleSet as unknown as Record<string, unknown> };
      },
    );

    app.post(
      '/studies/:studyId/quality/check',
      {
        config: { access: { kind: 'study', permission: 'quality.check' } },
        schema: {
          summary: 'Run the data-quality checks over the stored data of your sites',
          tags: ['quality'],
          params: StudyParams,
          body: z
            .strictObject({
              asOf: z.iso
                .date()
                .optional()
                .describe('The day the protocol is evaluated on (default: today)'),
            })
            .optional(),
          response: { 200: CheckSummaryJson, ...ERRORS },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const sites = sitesFor(request, 'quality.check');
        const subjects =
          sites === 'all'
            ? 'all'
            : (await listSubjects(store, studyId, sites)).map((s) => s.subjectId);
        return checkOnDemand(
          context,
          actorOf(request),
          studyId,
          subjects,
          request.body?.asOf ?? context.today(),
        );
      },
    );

    app.get(
      '/studies/:studyId/discrepancies',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary: 'The discrepancies of your sites by site and subject, a page at a time',
          tags: ['quality'],
          params: StudyParams,
          querystring: z.strictObject({
            site: RecordId.optional(),
            subjectId: RecordId.optional(),
            status: z.enum(['open', 'excluded', 'resolved']).optional(),
            kind: z.enum(KINDS).optional(),
            ruleId: z.string().max(64).optional(),
            page: z.coerce.number().int().min(1).max(1_000_000).optional(),
            pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
          }),
          response: {
            200: z.object({
              discrepancies: z.array(DiscrepancyJson),
              total: z.number().int(),
              page: z.number().int(),
              pageSize: z.number().int(),
              counts: z.object({
                open: z.number().int(),
                excluded: z.number().int(),
                resolved: z.number().int(),
              }),
            }),
            ...ERRORS,
          },
        },
      },
      async (request) => {
        const sites = sitesFor(request, 'clinical.read');
        const listed = await listDiscrepancies(store.pool, request.params.studyId, {
          ...request.query,
          sites: sites === 'all' ? undefined : sites,
        });
        return { ...listed, discrepancies: listed.discrepancies.map(json) };
      },
    );

    app.get(
      '/studies/:studyId/discrepancies/:discrepancyId',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary: 'One discrepancy',
          tags: ['quality'],
          params: DiscrepancyParams,
          response: { 200: DiscrepancyJson, ...ERRORS },
        },
      },
      async (request) => {
        const { studyId, discrepancyId } = request.params;
        const found = await loadDiscrepancy(store.pool, studyId, discrepancyId);
        if (!found || !coversSite(request, 'clinical.read', found.siteCode))
          throw new JiaError('NOT_FOUND', `study ${studyId} has no discrepancy ${discrepancyId}`);
        return json(found);
      },
    );

    const steps = [
      {
        method: 'post' as const,
        path: 'exclusion',
        summary: 'Exclude an open discrepancy with a reason (If-Match: its version)',
        permission: 'quality.exclude' as const,
        body: z.strictObject({ reason: Reason }),
        run: (
          tx: Transaction,
          id: { studyId: string; discrepancyId: string; basedOnVersion: number },
          body: { reason?: string; question?: string },
        ) => excludeDiscrepancy(tx, { ...id, reason: body.reason ?? '' }),
        reason: (body: { reason?: string }) => body.reason ?? '',
      },
      {
        method: 'delete' as const,
        path: 'exclusion',
        summary: 'Take an exclusion back: the discrepancy is open again (If-Match: its version)',
        permission: 'quality.exclude' as const,
        body: z.strictObject({ reason: Reason }),
        run: (
          tx: Transaction,
          id: { studyId: string; discrepancyId: string; basedOnVersion: number },
        ) => reinstateDiscrepancy(tx, id),
        reason: (body: { reason?: string }) => body.reason ?? '',
      },
      {
        method: 'post' as const,
        path: 'query',
        summary:
          'Turn an open discrepancy into a data query on its record and field (If-Match: its version)',
        permission: 'query.raise' as const,
        body: z.strictObject({ question: z.string().trim().min(1).max(2000).optional() }),
        run: (
          tx: Transaction,
          id: { studyId: string; discrepancyId: string; basedOnVersion: number },
          body: { reason?: string; question?: string },
        ) => queryDiscrepancy(tx, { ...id, question: body.question }),
        reason: () => 'discrepancy turned into a data query',
      },
    ];
    for (const step of steps)
      app[step.method](
        `/studies/:studyId/discrepancies/:discrepancyId/${step.path}`,
        {
          config: { access: { kind: 'study', permission: step.permission } },
          schema: {
            summary: step.summary,
            tags: ['quality'],
            params: DiscrepancyParams,
            headers: IfMatchHeaders,
            body: step.body,
            response: { 200: DiscrepancyJson, ...ERRORS },
          },
        },
        async (request) => {
          const { studyId, discrepancyId } = request.params as z.infer<typeof DiscrepancyParams>;
          const body = request.body as { reason?: string; question?: string };
          const basedOnVersion = requiredVersion(request.headers['if-match'], 'discrepancy');
          const done = await withTransaction(
            store,
            actorOf(request),
            step.reason(body),
            async (tx) => {
              await inScope(tx, request, studyId, discrepancyId, step.permission);
              return step.run(tx, { studyId, discrepancyId, basedOnVersion }, body);
            },
          );
          return json(done);
        },
      );
  };
}
