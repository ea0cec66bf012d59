/**
 * Reviewing the data (docs/api.md, "Review"): data queries on any field of any record, alert
 * acknowledgements, electronic signatures and a record's audit trail. The store's review
 * services do the work; these routes check the site of each record against the user's roles
 * (another site's record is 404, as one that does not exist).
 */
import { codesOf, type Permission } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { evaluate } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import {
  acknowledgeAlert,
  alertAcknowledgements,
  answerQuery,
  closeQuery,
  type DataQuery,
  findRecord,
  isStudyTable,
  listQueries,
  loadQuery,
  loadSubjectTimeline,
  protocolOfStudy,
  raiseQuery,
  recordHistory,
  reopenQuery,
  type Store,
  signAndFreeze,
  signaturesOf,
  signRecord,
  siteOfSubject,
  type Transaction,
  verifyAccountPassword,
  withAcknowledgements,
  withSnapshot,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, coversSite, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { IfMatchHeaders, ifMatchVersion, requiredVersion } from './if-match.js';
import { RecordId, STUDY_ERRORS, StudyId, StudyParams, SubjectParams } from './shared-schemas.js';
import { subjectInScope } from './subject-scope.js';

const Json = z.record(z.string(), z.unknown());
const QueryParams = z.strictObject({ studyId: StudyId, queryId: RecordId });
const ERRORS = {
  ...STUDY_ERRORS,
  409: STUDY_ERRORS[404],
  422: STUDY_ERRORS[404],
  423: STUDY_ERRORS[404],
  428: STUDY_ERRORS[404],
};

/** The query, when it is at a site where the user holds `permission` (else NOT_FOUND). */
async function queryInScope(
  tx: Transaction,
  request: FastifyRequest,
  studyId: string,
  queryId: string,
  permission: Permission,
): Promise<DataQuery> {
  const query = await loadQuery(tx.client, studyId, queryId);
  if (!query || !coversSite(request, permission, query.siteCode))
    throw new JiaError('NOT_FOUND', `study ${studyId} has no query ${queryId}`);
  return query;
}

const QUERY_STEPS = [
  { step: 'answer', permission: 'query.answer', run: answerQuery, reason: 'query answered' },
  { step: 'close', permission: 'query.close', run: closeQuery, reason: 'query closed' },
  { step: 'reopen', permission: 'query.reopen', run: reopenQuery, reason: 'query reopened' },
] as const;

export function reviewRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.post(
      '/studies/:studyId/queries',
      {
        config: { access: { kind: 'study', permission: 'query.raise' } },
        schema: {
          summary: 'Raise a query on a record, or one field of it',
          tags: ['queries'],
          params: StudyParams,
          body: z.strictObject({
            table: z
              .string()
              .max(64)
              .describe('The record type (subject, visit, adverse_event, ...)'),
            recordKey: z
              .string()
              .min(1)
              .max(300)
              .describe('The record key as the audit trail writes it'),
            field: z.string().max(64).nullable().optional(),
            question: z.string().trim().min(1).max(2000),
          }),
          response: { 201: Json, ...ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId } = request.params;
        const query = await withTransaction(store, actorOf(request), undefined, async (tx) => {
          const raised = await raiseQuery(tx, { studyId, ...request.body });
          // Raised only on a record at the user's sites: otherwise nothing was (rolled back).
          if (!coversSite(request, 'query.raise', raised.siteCode))
            throw new JiaError(
              'NOT_FOUND',
              `${request.body.table} ${request.body.recordKey} is not a record of study ${studyId}`,
            );
          return raised;
        });
        return reply.code(201).send(query as unknown as Record<string, unknown>);
      },
    );

    for (const { step, permission, run, reason } of QUERY_STEPS)
      app.post(
        `/studies/:studyId/queries/:queryId/${step}`,
        {
          config: { access: { kind: 'study', permission } },
          schema: {
            summary: `${step[0]?.toUpperCase()}${step.slice(1)} a query (If-Match: its version)`,
            tags: ['queries'],
            params: QueryParams,
            headers: IfMatchHeaders,
            body:
              step === 'answer'
                ? z.strictObject({ response: z.string().trim().min(1).max(2000) })
                : z.strictObject({}),
            response: { 200: Json, ...ERRORS },
          },
        },
        async (request) => {
          const { studyId, queryId } = request.params;
          const basedOnVersion = requiredVersion(request.headers['if-match'], 'query');
          const body = request.body as { response?: string };
          return (await withTransaction(store, actorOf(request), reason, async (tx) => {
            await queryInScope(tx, request, studyId, queryId, permission);
            return run(tx, { studyId, queryId, basedOnVersion, response: body.response ?? '' });
          })) as unknown as Record<string, unknown>;
        },
      );

    app.get(
      '/studies/:studyId/queries',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary: 'Queries of the study, a site or a subject, with counts by status',
          tags: ['queries'],
          params: StudyParams,
          querystring: z.strictObject({
            subjectId: RecordId.optional(),
            site: RecordId.optional(),
            status: z.enum(codesOf('query_status') as [string, ...string[]]).optional(),
          }),
          response: { 200: Json, ...ERRORS },
        },
      },
      async (request) => {
        const { subjectId, site, status } = request.query;
        const mine = sitesFor(request, 'clinical.read');
        const sites = site
          ? coversSite(request, 'clinical.read', site)
            ? [site]
            : []
          : mine === 'all'
            ? undefined
            : [...mine];
        return (await withSnapshot(store, (client) =>
          listQueries(client, request.params.studyId, {
            subjectId,
            sites,
            status: status as DataQuery['status'] | undefined,
          }),
        )) as unknown as Record<string, unknown>;
      },
    );

    app.post(
      '/studies/:studyId/subjects/:subjectId/alerts/:alertId/acknowledgement',
      {
        config: { access: { kind: 'study', permission: 'alert.acknowledge' } },
        schema: {
          summary:
            'Acknowledge an alert the protocol engine raises for the subject (with a comment)',
          tags: ['alerts'],
          params: z.strictObject({
            studyId: StudyId,
            subjectId: RecordId,
            alertId: z.string().min(1).max(400),
          }),
          headers: IfMatchHeaders,
          body: z.strictObject({
            comment: z.string().trim().min(1).max(2000),
            asOf: z.iso.date().optional(),
          }),
          response: { 200: Json, ...ERRORS },
        },
      },
      async (request) => {
        const { studyId, subjectId, alertId } = request.params;
        await subjectInScope(store, request, studyId, subjectId, 'alert.acknowledge');
        // An alert is acknowledged as it stands now: not one a later day would raise.
        if (request.body.asOf !== undefined && request.body.asOf > context.today())
          throw new JiaError(
            'VALIDATION_FAILED',
            'an alert is acknowledged as of today or before',
            {
              issues: [{ path: 'asOf', message: `is after today (${context.today()})` }],
            },
          );
        const alert = (
          await currentAlerts(store, studyId, subjectId, request.body.asOf ?? context.today())
        ).find((a) => a.alertId === alertId);
        if (!alert)
          throw new JiaError('NOT_FOUND', `subject ${subjectId} has no alert ${alertId} now`);
        const basedOnVersion = ifMatchVersion(request.headers['if-match']);
        return (await withTransaction(
          store,
          actorOf(request),
          basedOnVersion === null ? undefined : 'acknowledgement commented again',
          (tx) =>
            acknowledgeAlert(tx, {
              studyId,
              subjectId,
              alert,
              comment: request.body.comment,
              basedOnVersion,
            }),
        )) as unknown as Record<string, unknown>;
      },
    );

    app.post(
      '/studies/:studyId/subjects/:subjectId/signatures',
      {
        config: { access: { kind: 'study', permission: 'sign' } },
        schema: {
          summary:
            "Sign a visit, or the subject's casebook, by entering your password again (21 CFR 11.200)",
          tags: ['signatures'],
          params: SubjectParams,
          body: z.strictObject({
            visitId: RecordId.nullable().describe('The visit; null: the whole casebook'),
            meaning: z.enum(codesOf('signature_meaning') as [string, ...string[]]),
            password: z.string().min(1).max(1024),
            freeze: z
              .boolean()
              .optional()
              .describe(
                'Also freeze what is signed (the visit, or the casebook): its data then take no change until a data manager releases the freeze',
              ),
          }),
          response: { 201: Json, ...ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId, subjectId } = request.params;
        await subjectInScope(store, request, studyId, subjectId, 'sign');
        const session = request.session as NonNullable<typeof request.session>;
        // A signature is executed by the signer's own password, entered for it (11.200(a)(1)).
        if (!(await verifyAccountPassword(store, session.user.id, request.body.password)))
          throw new JiaError('SIGNATURE_REFUSED', 'the password is wrong: nothing was signed');
        const { visitId, meaning, freeze } = request.body;
        // Signing may lock: with `freeze`, the signature and the freeze of what it signs are one
        // change; the answer is the signature with the freeze as `lock`.
        const signature = await withTransaction(store, actorOf(request), undefined, async (tx) => {
          if (!freeze) return signRecord(tx, { studyId, subjectId, visitId, meaning });
          const signed = await signAndFreeze(tx, { studyId, subjectId, visitId, meaning });
          return { ...signed.signature, lock: signed.lock };
        });
        return reply.code(201).send(signature as unknown as Record<string, unknown>);
      },
    );

    app.get(
      '/studies/:studyId/subjects/:subjectId/signatures',
      {
        config: { access: { kind: 'study', permission: 'clinical.read' } },
        schema: {
          summary:
            "The subject's signatures, each marked broken when a signed record changed since",
          tags: ['signatures'],
          params: SubjectParams,
          response: { 200: z.object({ signatures: z.array(Json) }), ...ERRORS },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params;
        await subjectInScope(store, request, studyId, subjectId, 'clinical.read');
        const signatures = await withSnapshot(store, (client) =>
          signaturesOf(client, studyId, subjectId),
        );
        return { signatures: signatures as unknown as Record<string, unknown>[] };
      },
    );

    app.get(
      '/studies/:studyId/audit',
      {
        config: { access: { kind: 'study', permission: 'audit.read' } },
        schema: {
          summary: 'The audit events of one record: who, when, old and new values, reason',
          tags: ['audit'],
          params: StudyParams,
          querystring: z.strictObject({
            table: z.string().min(1).max(64),
            key: z.string().min(1).max(300),
          }),
          response: { 200: z.object({ events: z.array(Json) }), ...ERRORS },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const { table, key } = request.query;
        // Scope first, from the record as it is now: nothing of its history shows otherwise.
        await recordInScope(store, request, studyId, table, key);
        const events = await withSnapshot(store, (client) =>
          recordHistory(client, studyId, table, key),
        );
        return { events: events as unknown as Record<string, unknown>[] };
      },
    );
  };
}

/** The subject's current alerts from the engine, each with its id and acknowledgement. */
async function currentAlerts(store: Store, studyId: string, subjectId: string, asOf: string) {
  const protocolId = await protocolOfStudy(store, studyId);
  const timeline = await loadSubjectTimeline(store, studyId, subjectId);
  if (protocolId === null || timeline === null) return [];
  const evaluation = evaluate(protocolById(protocolId), timeline, asOf);
  return withAcknowledgements(
    subjectId,
    evaluation.alerts,
    await alertAcknowledgements(store.pool, studyId, subjectId),
  );
}

/**
 * A record's history is shown only where the user reads the audit trail: the record's subject,
 * as it is now, must be at a covered site. A record without a subject (a site, the study's
 * set-up), or one no longer stored, needs the permission at every site. Every refusal is the
 * same NOT_FOUND, as for a record that does not exist.
 */
async function recordInScope(
  store: Store,
  request: FastifyRequest,
  studyId: string,
  table: string,
  key: string,
): Promise<void> {
  const record = isStudyTable(table) ? await findRecord(store.pool, studyId, table, key) : null;
  const site = record?.subjectId ? await siteOfSubject(store, studyId, record.subjectId) : null;
  if (!coversSite(request, 'audit.read', site))
    throw new JiaError('NOT_FOUND', `${table} ${key} has no audit history in study ${studyId}`);
}
