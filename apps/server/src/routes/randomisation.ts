/**
 * Randomisation (docs/api.md, "Randomisation"; docs/data-management.md, "Randomisation"; ADR
 * 0047): a data manager generates the study's allocation list once (sealed: the answer is its
 * header, never an entry); an investigator or nurse randomises a subject of their site when the
 * protocol's step is reached; a user in one of the protocol's unblinding roles unblinds one
 * subject in an emergency, with a reason. A user in a blinded role never receives an arm, except
 * of a subject they unblinded (blinding.ts): the answer says `blinded: true` and `arm: null`.
 */
import { JiaError } from '@jia-trial/errors';
import type { ProtocolDefinition, RandomisationSpec } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import {
  allocateSubject,
  generateAllocationListOf,
  listUnblindings,
  protocolOfStudy,
  readAllocationList,
  readArms,
  readSubjectAllocation,
  type Store,
  subjectRandomisationDue,
  unblindSubject,
  withSnapshot,
  withTransaction,
} from '@jia-trial/store';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, coversSite } from '../access.js';
import { grantsOf, isBlinded, unblindingRoleAt } from '../blinding.js';
import type { ServerContext } from '../context.js';
import { ErrorResponse, STUDY_ERRORS, StudyParams, SubjectParams } from './shared-schemas.js';
import { subjectInScope } from './subject-scope.js';

const Step = z.object({ by: z.object({ id: z.string(), name: z.string() }), at: z.string() });

export const AllocationListSchema = z
  .object({
    studyId: z.string(),
    protocol: z.object({ id: z.string(), version: z.string() }),
    seedDigest: z.string().describe('SHA-256 (hex) of the seed; the seed itself stays sealed'),
    listDigest: z.string().describe('SHA-256 (hex) of the canonical list, recorded at sealing'),
    entryCount: z.number().int(),
    generated: Step,
    strata: z.array(
      z.object({
        stratum: z.string(),
        size: z.number().int(),
        allocated: z.number().int(),
        remaining: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'AllocationList' });

const UnblindingSchema = z
  .object({
    studyId: z.string(),
    unblindingId: z.string(),
    subjectId: z.string(),
    siteCode: z.string(),
    role: z.string(),
    reason: z.string(),
    unblinded: Step,
  })
  .meta({ id: 'Unblinding' });

const Arm = z.object({ id: z.string(), label: z.string() });

export const SubjectRandomisationSchema = z
  .object({
    studyId: z.string(),
    subjectId: z.string(),
    asOf: z.string(),
    due: z
      .object({
        due: z.boolean(),
        code: z.string(),
        reason: z.string(),
        visitId: z.string().nullable(),
        missing: z.array(z.string()),
      })
      .describe("whether the protocol's randomisation step is reached on asOf, and why (not)"),
    allocation: z
      .object({
        stratum: z.string(),
        sequence: z.number().int(),
        allocated: Step,
      })
      .nullable(),
    blinded: z
      .boolean()
      .describe('true: the user holds a blinded role and sees no arm (allocated, blinded)'),
    arm: Arm.nullable().describe('null when not allocated, or when the user is blinded'),
    unblindings: z.array(UnblindingSchema),
    mayAllocate: z.boolean(),
    unblindingRole: z
      .string()
      .nullable()
      .describe('the role in which the user may unblind this subject in an emergency, if any'),
  })
  .meta({ id: 'SubjectRandomisation' });

const ERRORS = { ...STUDY_ERRORS, 409: ErrorResponse, 422: ErrorResponse, 423: ErrorResponse };

interface StudyRandomisation {
  readonly protocol: ProtocolDefinition;
  readonly spec: RandomisationSpec;
}

/** The study's protocol and its randomisation; RANDOMISATION_NOT_DUE when it has none. */
async function randomisationOfStudy(store: Store, studyId: string): Promise<StudyRandomisation> {
  const id = await protocolOfStudy(store, studyId);
  const protocol = id === null ? null : protocolById(id);
  if (!protocol?.randomisation)
    throw new JiaError(
      'RANDOMISATION_NOT_DUE',
      id === null
        ? `study ${studyId} has no protocol stored: nothing says how to randomise`
        : `protocol ${id} of study ${studyId} has no randomisation`,
      { details: { due: { due: false, code: 'no_randomisation' } } },
    );
  return { protocol, spec: protocol.randomisation };
}

function armOf(spec: RandomisationSpec, id: string | undefined): z.infer<typeof Arm> | null {
  if (id === undefined) return null;
  return { id, label: spec.arms.find((a) => a.id === id)?.label ?? id };
}

/** What the user may know of a subject's randomisation (the arm only when not blinded). */
async function subjectView(
  context: ServerContext,
  request: FastifyRequest,
  study: StudyRandomisation,
  ids: { studyId: string; subjectId: string; site: string },
): Promise<z.infer<typeof SubjectRandomisationSchema>> {
  const { studyId, subjectId, site } = ids;
  const asOf = context.today();
  const grants = grantsOf(request, studyId);
  const blinded = isBlinded(study.spec, grants);
  const userId = actorOf(request).id;
  const read = await withSnapshot(context.store, async (client) => {
    const allocation = await readSubjectAllocation(client, studyId, subjectId);
    const unblindings = await listUnblindings(client, studyId, subjectId);
    const mine = unblindings.some((u) => u.unblinded.by.id === userId);
    const arms =
      allocation && (!blinded || mine) ? await readArms(client, studyId, subjectId) : null;
    const due = await subjectRandomisationDue(
      { client },
      { studyId, subjectId, protocol: study.protocol, asOf },
    );
    return { allocation, unblindings, arm: arms?.get(subjectId), due };
  });
  return {
    studyId,
    subjectId,
    asOf,
    due: {
      due: read.due.due,
      code: read.due.code,
      reason: read.due.reason,
      visitId: read.due.visitId,
      missing: [...read.due.missing],
    },
    allocation: read.allocation && {
      stratum: read.allocation.stratum,
      sequence: read.allocation.sequence,
      allocated: read.allocation.allocated,
    },
    blinded: blinded && read.arm === undefined,
    arm: armOf(study.spec, read.arm),
    unblindings: read.unblindings,
    mayAllocate: read.allocation === null && coversSite(request, 'randomisation.allocate', site),
    unblindingRole:
      read.allocation !== null && coversSite(request, 'randomisation.unblind', site)
        ? unblindingRoleAt(study.spec, grants, site)
        : null,
  };
}

export function randomisationRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.post(
      '/studies/:studyId/randomisation/list',
      {
        config: { access: { kind: 'study', permission: 'randomisation.generate' } },
        schema: {
          summary:
            "Generate the study's allocation list from a seed and seal it (once); the answer is its header, never an entry",
          tags: ['randomisation'],
          params: StudyParams,
          body: z
            .strictObject({
              seed: z
                .string()
                .regex(/^(?:[0-9a-f]{2}){16,}$/, 'lower-case hex, at least 16 bytes (32 digits)')
                .optional()
                .describe('the seed (hex); left out: 32 random bytes. It is kept sealed.'),
            })
            .default({}),
          response: { 201: AllocationListSchema, ...ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId } = request.params;
        const { protocol } = await randomisationOfStudy(store, studyId);
        const header = await withTransaction(store, actorOf(request), null, (tx) =>
          generateAllocationListOf(tx, { studyId, protocol, seed: request.body.seed }),
        );
        return reply.code(201).send(header);
      },
    );

    app.get(
      '/studies/:studyId/randomisation',
      {
        config: { access: { kind: 'study', permission: 'randomisation.read' } },
        schema: {
          summary:
            "The study's randomisation: the protocol's rule, the list's header with each stratum's allocated and remaining entries, the unblindings",
          tags: ['randomisation'],
          params: StudyParams,
          response: {
            200: z.object({
              protocol: z.object({ id: z.string(), version: z.string() }),
              arms: z.array(z.object({ id: z.string(), label: z.string(), ratio: z.number() })),
              blockSizes: z
                .array(z.number().int())
                .nullable()
                .describe(
                  'the permuted block sizes; null for a blinded user (ICH E9, on randomisation: investigators should generally be blind to the block length)',
                ),
              strata: z.array(z.string()).describe('the stratification fields'),
              stepVisit: z.string(),
              blindedRoles: z.array(z.string()),
              unblindingRoles: z.array(z.string()),
              blinded: z.boolean().describe('whether the signed-in user is blinded'),
              list: AllocationListSchema.nullable(),
              unblindings: z.array(UnblindingSchema),
            }),
            ...ERRORS,
          },
        },
      },
      async (request) => {
        const { studyId } = request.params;
        const { protocol, spec } = await randomisationOfStudy(store, studyId);
        const { list, unblindings } = await withSnapshot(store, async (client) => ({
          list: await readAllocationList(client, studyId),
          unblindings: await listUnblindings(client, studyId),
        }));
        const blinded = isBlinded(spec, grantsOf(request, studyId));
        return {
          protocol: { id: protocol.id, version: protocol.version },
          arms: spec.arms.map((a) => ({ id: a.id, label: a.label, ratio: a.ratio })),
          // Knowing the block sizes lets a blinded team guess the last allocations of a block.
          blockSizes: blinded ? null : [...spec.blockSizes],
          strata: spec.strata.map((s) => s.field),
          stepVisit: spec.step.visit,
          blindedRoles: [...spec.blindedRoles],
          unblindingRoles: [...spec.unblindingRoles],
          blinded,
          list,
          // Who unblinded whom and why (no arm): of the subjects at the user's sites.
          unblindings: unblindings.filter((u) =>
            coversSite(request, 'randomisation.read', u.siteCode),
          ),
        };
      },
    );

    app.get(
      '/studies/:studyId/subjects/:subjectId/randomisation',
      {
        config: { access: { kind: 'study', permission: 'randomisation.read' } },
        schema: {
          summary:
            "A subject's randomisation: due or not yet and why, the allocation (its arm only for an unblinded user), the unblindings",
          tags: ['randomisation'],
          params: SubjectParams,
          response: { 200: SubjectRandomisationSchema, ...ERRORS },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params;
        const site = await subjectInScope(store, request, studyId, subjectId, 'randomisation.read');
        const study = await randomisationOfStudy(store, studyId);
        return subjectView(context, request, study, { studyId, subjectId, site });
      },
    );

    app.post(
      '/studies/:studyId/subjects/:subjectId/randomisation',
      {
        config: { access: { kind: 'study', permission: 'randomisation.allocate' } },
        schema: {
          summary:
            "Randomise a subject that has reached the protocol's step: the next entry of its stratum",
          tags: ['randomisation'],
          params: SubjectParams,
          response: { 201: SubjectRandomisationSchema, ...ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId, subjectId } = request.params;
        const site = await subjectInScope(
          store,
          request,
          studyId,
          subjectId,
          'randomisation.allocate',
        );
        const study = await randomisationOfStudy(store, studyId);
        await withTransaction(store, actorOf(request), null, (tx) =>
          allocateSubject(tx, {
            studyId,
            subjectId,
            protocol: study.protocol,
            asOf: context.today(),
          }),
        );
        return reply
          .code(201)
          .send(await subjectView(context, request, study, { studyId, subjectId, site }));
      },
    );

    app.post(
      '/studies/:studyId/subjects/:subjectId/randomisation/unblind',
      {
        config: { access: { kind: 'study', permission: 'randomisation.unblind' } },
        schema: {
          summary:
            'Emergency unblinding of one subject, with a reason: the arm, to this user; recorded, audited and alerted',
          tags: ['randomisation'],
          params: SubjectParams,
          body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
          response: {
            200: z.object({ unblinding: UnblindingSchema, arm: Arm }),
            ...ERRORS,
          },
        },
      },
      async (request) => {
        const { studyId, subjectId } = request.params;
        const site = await subjectInScope(
          store,
          request,
          studyId,
          subjectId,
          'randomisation.unblind',
        );
        const { spec } = await randomisationOfStudy(store, studyId);
        const role = unblindingRoleAt(spec, grantsOf(request, studyId), site);
        if (role === null)
          throw new JiaError(
            'FORBIDDEN',
            `the protocol lets only ${spec.unblindingRoles.join(', ') || 'no role'} unblind, and none of your roles at site ${site} is one of them`,
          );
        const { unblinding, arm } = await withTransaction(
          store,
          actorOf(request),
          request.body.reason,
          (tx) => unblindSubject(tx, { studyId, subjectId, role, reason: request.body.reason }),
        );
        return { unblinding, arm: armOf(spec, arm) ?? { id: arm, label: arm } };
      },
    );
  };
}
