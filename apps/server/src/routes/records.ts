/**
 * Creating and correcting the records of a subject (docs/api.md, "Records"): subjects,
 * eligibility answers, medications, infusions, adverse events, joint findings, CHAQ answers and
 * JADI damage scores.
 * Each record type is one entry of RECORD_ROUTES: its paths, the permission, and the store's
 * create and correct services; the request schema is the dictionary's. Creating is POST on the
 * collection (201); correcting is PUT on the record with If-Match and a reason; never a silent
 * overwrite. A record at a site the user does not write is NOT_FOUND, as one that does not exist.
 */
import type { Permission, RecordTypeId } from '@jia-trial/dictionary';
import { isJiaError, JiaError } from '@jia-trial/errors';
import { protocolById } from '@jia-trial/protocols';
import {
  correctAdverseEvent,
  correctChaqAnswer,
  correctDamageItem,
  correctEligibilityAssessment,
  correctInfusion,
  correctJointFinding,
  correctMedication,
  correctSubject,
  createAdverseEvent,
  createChaqAnswer,
  createDamageItem,
  createEligibilityAssessment,
  createInfusion,
  createJointFinding,
  createMedication,
  enrolSubject,
  protocolOfStudy,
  type SiteScope,
  type StoredRecord,
  type Transaction,
  withdrawSubject,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, sitesFor } from '../access.js';
import type { ServerContext } from '../context.js';
import { checkAfterSave } from '../quality-after-save.js';
import { codesAsArrays, codesAsText, recordSchema } from '../record-schemas.js';
import { IfMatchHeaders, requiredVersion } from './if-match.js';
import { RecordId, STUDY_ERRORS, StudyId } from './shared-schemas.js';

/** What a record type's routes need; `key` names the path parameters that identify a record. */
interface RecordRoute {
  readonly type: RecordTypeId;
  readonly label: string;
  /** The collection, below /studies/:studyId. */
  readonly collection: string;
  /** Path parameters of one record, in order, after the collection. */
  readonly key: readonly string[];
  /** Whether the key is the row id (the record's natural key may change) or fields. */
  readonly byRowId: boolean;
  readonly permission: Permission;
  /** Fields the path supplies (a joint finding's visit): left out of the body, taken from it. */
  readonly fromCollectionPath?: readonly string[];
  create(
    tx: Transaction,
    studyId: string,
    record: never,
    sites: SiteScope,
    protocol: Protocol,
  ): Promise<StoredRecord<unknown>>;
  correct(
    tx: Transaction,
    studyId: string,
    key: Readonly<Record<string, string>>,
    record: never,
    version: number,
    sites: SiteScope,
    protocol: Protocol,
  ): Promise<StoredRecord<unknown>>;
}

type Protocol = () => Promise<ReturnType<typeof protocolById>>;

export const RECORD_ROUTES: readonly RecordRoute[] = [
  {
    type: 'subject',
    label: 'subject',
    collection: 'subjects',
    key: ['subjectId'],
    byRowId: false,
    permission: 'enrolment.write',
    create: (tx, s, r, sites) => enrolSubject(tx, s, r, sites),
    correct: (tx, s, _k, r, v, sites) => correctSubject(tx, s, r, v, sites),
  },
  {
    type: 'eligibility_assessment',
    label: 'eligibility answer',
    collection: 'eligibility',
    key: ['subjectId', 'criterionId'],
    byRowId: false,
    permission: 'enrolment.write',
    create: (tx, s, r, sites) => createEligibilityAssessment(tx, s, r, sites),
    correct: (tx, s, _k, r, v, sites) => correctEligibilityAssessment(tx, s, r, v, sites),
  },
  {
    type: 'medication',
    label: 'medication',
    collection: 'medications',
    key: ['rowId'],
    byRowId: true,
    permission: 'clinical.write',
    create: (tx, s, r, sites) => createMedication(tx, s, r, sites),
    correct: (tx, s, k, r, v, sites) => correctMedication(tx, s, k.rowId as string, r, v, sites),
  },
  {
    type: 'infusion',
    label: 'infusion',
    collection: 'infusions',
    key: ['rowId'],
    byRowId: true,
    permission: 'infusion.write',
    create: async (tx, s, r, sites, protocol) => createInfusion(tx, s, r, await protocol(), sites),
    correct: async (tx, s, k, r, v, sites, protocol) =>
      correctInfusion(tx, s, k.rowId as string, r, v, await protocol(), sites),
  },
  {
    type: 'adverse_event',
    label: 'adverse event',
    collection: 'adverse-events',
    key: ['aeId'],
    byRowId: false,
    permission: 'clinical.write',
    create: (tx, s, r, sites) => createAdverseEvent(tx, s, r, sites),
    correct: (tx, s, _k, r, v, sites) => correctAdverseEvent(tx, s, r, v, sites),
  },
  {
    type: 'joint_finding',
    label: 'joint finding',
    collection: 'visits/:visitId/joints',
    key: ['jointCode'],
    byRowId: false,
    permission: 'clinical.write',
    fromCollectionPath: ['visitId'],
    create: (tx, s, r, sites) => createJointFinding(tx, s, r, sites),
    correct: (tx, s, _k, r, v, sites) => correctJointFinding(tx, s, r, v, sites),
  },
  {
    type: 'chaq_response',
    label: 'CHAQ answer',
    collection: 'visits/:visitId/chaq',
    key: ['item'],
    byRowId: false,
    permission: 'clinical.write',
    fromCollectionPath: ['visitId'],
    create: (tx, s, r, sites) => createChaqAnswer(tx, s, r, sites),
    correct: (tx, s, _k, r, v, sites) => correctChaqAnswer(tx, s, r, v, sites),
  },
  {
    type: 'damage_item',
    label: 'JADI damage score',
    collection: 'visits/:visitId/damage',
    key: ['item'],
    byRowId: false,
    permission: 'clinical.write',
    fromCollectionPath: ['visitId'],
    create: (tx, s, r, sites) => createDamageItem(tx, s, r, sites),
    correct: (tx, s, _k, r, v, sites) => correctDamageItem(tx, s, r, v, sites),
  },
];

const Reason = z.string().max(500);
const StoredRecordResponse = z
  .object({
    record: z.record(z.string(), z.unknown()),
    version: z.number().int(),
    rowId: z.string(),
  })
  .meta({ id: 'StoredRecord' });

/** A stored record as the routes answer it: its `codes` fields as arrays. */
function asResponse(
  type: RecordTypeId,
  stored: StoredRecord<unknown>,
): z.infer<typeof StoredRecordResponse> {
  return { ...stored, record: codesAsArrays(type, stored.record as Record<string, unknown>) };
}

/** A rejection handler: a version conflict answered with its current record (conflictAnswered). */
const answerConflict =
  (type: RecordTypeId) =>
  (error: unknown): never => {
    throw conflictAnswered(type, error);
  };

/**
 * A version conflict's record that won (`details.current`, attached by the store for a record at
 * the caller's sites) as the routes answer a record: its codes as arrays.
 */
function conflictAnswered(type: RecordTypeId, error: unknown): unknown {
  if (!isJiaError(error, 'VERSION_CONFLICT')) return error;
  const current = error.details?.current as StoredRecord<unknown> | null | undefined;
  if (!current) return error;
  return new JiaError('VERSION_CONFLICT', error.message, {
    details: { ...error.details, current: asResponse(type, current) },
  });
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The record's fields as the API takes them: the dictionary's, and the path's fields left out. */
function bodySchema(route: RecordRoute, keyInPath: boolean) {
  const fromPath = [
    ...(route.fromCollectionPath ?? []),
    ...(keyInPath && !route.byRowId ? route.key : []),
  ].map(snake);
  return recordSchema(route.type, fromPath).extend({
    reason: Reason.optional().describe('Why a stored record is changed (required to correct one)'),
  });
}

function paramsSchema(names: readonly string[]) {
  return z.strictObject(
    Object.fromEntries([['studyId', StudyId], ...names.map((n) => [n, RecordId] as const)]),
  );
}

export function recordRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    for (const route of RECORD_ROUTES) {
      const collectionParams = (route.collection.match(/:(\w+)/g) ?? []).map((p) => p.slice(1));
      const collectionUrl = `/studies/:studyId/${route.collection}`;
      const itemUrl = `${collectionUrl}/${route.key.map((k) => `:${k}`).join('/')}`;
      const access = { access: { kind: 'study', permission: route.permission } } as const;
      const protocolOf = (studyId: string) => async () => {
        const id = await protocolOfStudy(store, studyId);
        if (id === null)
          throw new JiaError(
            'VALIDATION_FAILED',
            `study ${studyId} has no protocol to check doses against`,
          );
        return protocolById(id);
      };
      const responses = {
        ...STUDY_ERRORS,
        409: STUDY_ERRORS[404],
        422: STUDY_ERRORS[404],
      };

      app.post(
        collectionUrl,
        {
          config: access,
          schema: {
            summary: `Record a new ${route.label}`,
            tags: ['records'],
            params: paramsSchema(collectionParams),
            body: bodySchema(route, false),
            response: { 201: StoredRecordResponse, ...responses },
          },
        },
        async (request, reply) => {
          const { studyId, ...pathFields } = request.params as Record<string, string>;
          const { reason, ...fields } = request.body as { reason?: string } & Record<
            string,
            unknown
          >;
          const stored = await withTransaction(store, actorOf(request), reason, (tx) =>
            route.create(
              tx,
              studyId as string,
              { ...codesAsText(route.type, fields), ...pathFields } as never,
              sitesFor(request, route.permission),
              protocolOf(studyId as string),
            ),
          ).catch(answerConflict(route.type));
          await checkAfterSave(context, request, studyId as string, stored.record as never);
          void reply.header('etag', `"${stored.version}"`);
          return reply.code(201).send(asResponse(route.type, stored));
        },
      );

      app.put(
        itemUrl,
        {
          config: access,
          schema: {
            summary: `Correct a stored ${route.label} (If-Match: its version; a reason)`,
            tags: ['records'],
            params: paramsSchema([...collectionParams, ...route.key]),
            headers: IfMatchHeaders,
            body: bodySchema(route, true),
            response: { 200: StoredRecordResponse, ...responses, 428: STUDY_ERRORS[404] },
          },
        },
        async (request) => {
          const { studyId, ...pathFields } = request.params as Record<string, string>;
          const { reason, ...fields } = request.body as { reason?: string } & Record<
            string,
            unknown
          >;
          const version = requiredVersion(request.headers['if-match'], route.label);
          const keyFields = route.byRowId
            ? Object.fromEntries(Object.entries(pathFields).filter(([k]) => k !== 'rowId'))
            : pathFields;
          const stored = await withTransaction(store, actorOf(request), reason, (tx) =>
            route.correct(
              tx,
              studyId as string,
              pathFields,
              { ...codesAsText(route.type, fields), ...keyFields } as never,
              version,
              sitesFor(request, route.permission),
              protocolOf(studyId as string),
            ),
          ).catch(answerConflict(route.type));
          await checkAfterSave(context, request, studyId as string, stored.record as never);
          return asResponse(route.type, stored);
        },
      );
    }

    app.post(
      '/studies/:studyId/subjects/:subjectId/withdrawal',
      {
        config: { access: { kind: 'study', permission: 'enrolment.write' } },
        schema: {
          summary: 'Record that a subject left the study (If-Match: the subject version; a reason)',
          tags: ['records'],
          params: paramsSchema(['subjectId']),
          headers: IfMatchHeaders,
          body: z.strictObject({
            withdrawalDate: z.iso.date(),
            withdrawalReason: z.string().max(200).nullable().optional(),
            reason: Reason,
          }),
          response: {
            200: StoredRecordResponse,
            ...STUDY_ERRORS,
            409: STUDY_ERRORS[404],
            422: STUDY_ERRORS[404],
            428: STUDY_ERRORS[404],
          },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params as Record<string, string>;
        const { reason, ...withdrawal } = request.body;
        const version = requiredVersion(request.headers['if-match'], 'subject');
        const stored = await withTransaction(store, actorOf(request), reason, (tx) =>
          withdrawSubject(
            tx,
            studyId as string,
            subjectId as string,
            {
              withdrawalDate: withdrawal.withdrawalDate,
              withdrawalReason: withdrawal.withdrawalReason ?? null,
            },
            version,
            sitesFor(request, 'enrolment.write'),
          ),
        );
        await checkAfterSave(context, request, studyId as string, stored.record as never);
        return asResponse('subject', stored);
      },
    );
  };
}
