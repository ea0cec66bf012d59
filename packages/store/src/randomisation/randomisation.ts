/**
 * Randomisation (docs/data-management.md, "Randomisation"; ADR 0047): a study's allocation list,
 * generated once from a recorded seed by the protocol's rule (@jia-trial/protocol
 * generateAllocationList) and stored sealed; a subject's allocation at the protocol's step; an
 * emergency unblinding by a named role, with a reason.
 *
 * The list's entries and seed are in tables the runtime role cannot read (migration
 * 0026_random): these services reach them only through the owner's SECURITY DEFINER functions,
 * which give the next entry of a stratum when a subject is allocated and the arms of subjects
 * already allocated, never a future one. Who may see an arm is the caller's to decide
 * (blinding.ts); these services return it to the caller, which drops it for a blinded user.
 */
import { randomBytes } from 'node:crypto';
import { JiaError } from '@jia-trial/errors';
import {
  allocationListDigest,
  evaluate,
  generateAllocationList,
  type ProtocolDefinition,
  type RandomisationDue,
  type RandomisationSpec,
  randomisationDue,
  stratumOf,
} from '@jia-trial/protocol';
import type pg from 'pg';
import { notFound } from '../errors.js';
import { utcText } from '../review/timestamps.js';
import { loadSubjectTimeline } from '../timelines.js';
import type { Actor, Transaction } from '../transaction.js';

type Db = Pick<pg.ClientBase, 'query'>;

export interface RandomisationStep {
  readonly by: Actor;
  readonly at: string;
}

/** A stratum of the list: its entries, how many are allocated and how many are left. */
export interface StratumCount {
  readonly stratum: string;
  readonly size: number;
  readonly allocated: number;
  readonly remaining: number;
}

/** The list's header: what the audit trail records of it, and the counts. Never an arm. */
export interface AllocationListHeader {
  readonly studyId: string;
  readonly protocol: { readonly id: string; readonly version: string };
  /** SHA-256 (hex) of the seed: names the seed without telling it. */
  readonly seedDigest: string;
  /** SHA-256 (hex) of the canonical list (@jia-trial/protocol allocationListDigest). */
  readonly listDigest: string;
  readonly entryCount: number;
  readonly generated: RandomisationStep;
  readonly strata: StratumCount[];
}

/** A subject's allocation, without its arm (the arm comes separately, for those who may see it). */
export interface SubjectAllocation {
  readonly studyId: string;
  readonly subjectId: string;
  readonly stratum: string;
  /** The entry's number within its stratum. */
  readonly sequence: number;
  readonly allocated: RandomisationStep;
}

export interface Unblinding {
  readonly studyId: string;
  readonly unblindingId: string;
  readonly subjectId: string;
  /** The subject's site now (who may see the unblinding is decided by it). */
  readonly siteCode: string;
  /** The role in which the user unblinded (one of the protocol's unblindingRoles). */
  readonly role: string;
  readonly reason: string;
  readonly unblinded: RandomisationStep;
}

/** The protocol's randomisation, or a clear refusal for a protocol without one. */
export function randomisationOf(protocol: ProtocolDefinition): RandomisationSpec {
  const spec = protocol.randomisation;
  if (spec === undefined)
    throw new JiaError(
      'RANDOMISATION_NOT_DUE',
      `protocol ${protocol.id} ${protocol.version} has no randomisation: its subjects are not randomised`,
      { details: { due: { due: false, code: 'no_randomisation' } } },
    );
  return spec;
}

interface HeaderRow {
  study_id: string;
  protocol_id: string;
  protocol_version: string;
  seed_digest: string;
  list_digest: string;
  entry_count: number;
  strata: Record<string, number>;
  generated_by: string;
  generated_by_name: string;
  generated_at: string;
  allocated: Record<string, number> | null;
}

const SELECT_HEADER = `
  SELECT l.study_id, l.protocol_id, l.protocol_version, l.seed_digest, l.list_digest, l.entry_count,
         l.strata, l.generated_by, l.generated_by_name, ${utcText('l.generated_at')} AS generated_at,
         (SELECT jsonb_object_agg(c.stratum, c.n)
            FROM (SELECT a.stratum, count(*) AS n FROM randomisation_allocation a
                   WHERE a.study_id = l.study_id GROUP BY a.stratum) c) AS allocated
    FROM randomisation_list l`;

function headerOf(row: HeaderRow): AllocationListHeader {
  return {
    studyId: row.study_id,
    protocol: { id: row.protocol_id, version: row.protocol_version },
    seedDigest: row.seed_digest,
    listDigest: row.list_digest,
    entryCount: row.entry_count,
    generated: { by: { id: row.generated_by, name: row.generated_by_name }, at: row.generated_at },
    strata: Object.entries(row.strata)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([stratum, size]) => {
        const allocated = row.allocated?.[stratum] ?? 0;
        return { stratum, size, allocated, remaining: size - allocated };
      }),
  };
}

/** The study's list header with its strata's counts, or null when it has none. */
export async function readAllocationList(
  db: Db,
  studyId: string,
): Promise<AllocationListHeader | null> {
  const found = await db.query<HeaderRow>(`${SELECT_HEADER} WHERE l.study_id = $1`, [studyId]);
  const row = found.rows[0];
  return row ? headerOf(row) : null;
}

async function requireStudy(db: Db, studyId: string): Promise<void> {
  const found = await db.query('SELECT 1 FROM study WHERE study_id = $1', [studyId]);
  if (found.rowCount === 0) throw notFound(`there is no study ${studyId}`);
}

export interface GenerateListInput {
  readonly studyId: string;
  /** The study's protocol: its randomisation is the rule. */
  readonly protocol: ProtocolDefinition;
  /** Lower-case hex, at least 16 bytes; left out: 32 random bytes (node:crypto). */
  readonly seed?: string | undefined;
}

/**
 * Generates the study's allocation list from the seed and seals it: the header (seed digest,
 * list digest, strata sizes, who, when) is audited, the seed and the entries are stored where
 * only the owner reads them. ALLOCATION_LIST_EXISTS when the study has one (a list is made once).
 */
export async function generateAllocationListOf(
  tx: Transaction,
  input: GenerateListInput,
): Promise<AllocationListHeader> {
  const spec = randomisationOf(input.protocol);
  await requireStudy(tx.client, input.studyId);
  const existing = await readAllocationList(tx.client, input.studyId);
  if (existing)
    throw new JiaError(
      'ALLOCATION_LIST_EXISTS',
      `study ${input.studyId} has an allocation list already (generated by ${existing.generated.by.name} on ${existing.generated.at}; list digest ${existing.listDigest}): a list is generated once`,
    );
  const seed = input.seed ?? randomBytes(32).toString('hex');
  // generateAllocationList checks the seed (VALIDATION_FAILED naming it) before anything is stored.
  const entries = generateAllocationList(spec, seed);
  await tx.client.query('SELECT randomisation_seal($1, $2, $3, $4, $5, $6)', [
    input.studyId,
    input.protocol.id,
    input.protocol.version,
    seed,
    allocationListDigest(entries),
    JSON.stringify(entries),
  ]);
  const header = await readAllocationList(tx.client, input.studyId);
  if (!header) throw new JiaError('INTERNAL_ERROR', 'the sealed list has no header');
  return header;
}

interface AllocationRow {
  study_id: string;
  subject_id: string;
  stratum: string;
  sequence: number;
  allocated_by: string;
  allocated_by_name: string;
  allocated_at: string;
}

const SELECT_ALLOCATION = `
  SELECT study_id, subject_id, stratum, sequence, allocated_by, allocated_by_name,
         ${utcText('allocated_at')} AS allocated_at
    FROM randomisation_allocation`;

function allocationOf(row: AllocationRow): SubjectAllocation {
  return {
    studyId: row.study_id,
    subjectId: row.subject_id,
    stratum: row.stratum,
    sequence: row.sequence,
    allocated: { by: { id: row.allocated_by, name: row.allocated_by_name }, at: row.allocated_at },
  };
}

/** The subject's allocation, or null when it has not been randomised. */
export async function readSubjectAllocation(
  db: Db,
  studyId: string,
  subjectId: string,
): Promise<SubjectAllocation | null> {
  const found = await db.query<AllocationRow>(
    `${SELECT_ALLOCATION} WHERE study_id = $1 AND subject_id = $2`,
    [studyId, subjectId],
  );
  const row = found.rows[0];
  return row ? allocationOf(row) : null;
}

/**
 * The arms of the study's allocated subjects (or of one): only for a caller that may see them
 * (an unblinded role), or for an emergency unblinding's answer.
 */
export async function readArms(
  db: Db,
  studyId: string,
  subjectId?: string,
): Promise<Map<string, string>> {
  const found = await db.query<{ subject_id: string; arm: string }>(
    'SELECT subject_id, arm FROM randomisation_arms($1, $2)',
    [studyId, subjectId ?? null],
  );
  return new Map(found.rows.map((r) => [r.subject_id, r.arm]));
}

/**
 * Whether the subject has reached the protocol's randomisation step on `asOf`
 * (@jia-trial/protocol randomisationDue, from the engine's evaluation of its stored data).
 */
export async function subjectRandomisationDue(
  db: Parameters<typeof loadSubjectTimeline>[0],
  input: {
    readonly studyId: string;
    readonly subjectId: string;
    readonly protocol: ProtocolDefinition;
    readonly asOf: string;
  },
): Promise<RandomisationDue> {
  const timeline = await loadSubjectTimeline(db, input.studyId, input.subjectId);
  if (!timeline)
    throw notFound(`subject ${input.subjectId} is not a subject of study ${input.studyId}`);
  return randomisationDue(input.protocol, evaluate(input.protocol, timeline, input.asOf), timeline);
}

export interface AllocateInput {
  readonly studyId: string;
  readonly subjectId: string;
  readonly protocol: ProtocolDefinition;
  /** The day the step is judged on (the engine reads no clock). */
  readonly asOf: string;
}

export interface Allocated {
  readonly allocation: SubjectAllocation;
  readonly arm: string;
  readonly due: RandomisationDue;
}

/**
 * Randomises a subject: refused when it was randomised already (ALREADY_RANDOMISED), when it is
 * not due by the protocol's step (RANDOMISATION_NOT_DUE, `details.due` saying why), when its
 * stratum cannot be told (VALIDATION_FAILED naming the field), when the study has no list
 * (ALLOCATION_LIST_MISSING), when its stratum's list is used up (ALLOCATION_LIST_EXHAUSTED), and
 * when a lock in force covers the subject (RECORD_LOCKED, from migration 0023's guard).
 */
export async function allocateSubject(tx: Transaction, input: AllocateInput): Promise<Allocated> {
  const spec = randomisationOf(input.protocol);
  const subject = await tx.client.query<{ sex: string; ilar_category: string }>(
    'SELECT sex, ilar_category FROM subject WHERE study_id = $1 AND subject_id = $2',
    [input.studyId, input.subjectId],
  );
  const fields = subject.rows[0];
  if (!fields)
    throw notFound(`subject ${input.subjectId} is not a subject of study ${input.studyId}`);
  const before = await readSubjectAllocation(tx.client, input.studyId, input.subjectId);
  if (before)
    throw new JiaError(
      'ALREADY_RANDOMISED',
      `subject ${input.subjectId} was randomised already (by ${before.allocated.by.name} on ${before.allocated.at}, stratum ${before.stratum}, number ${before.sequence})`,
      { details: { allocation: before } },
    );
  const due = await subjectRandomisationDue(
    { client: tx.client },
    {
      studyId: input.studyId,
      subjectId: input.subjectId,
      protocol: input.protocol,
      asOf: input.asOf,
    },
  );
  if (!due.due)
    throw new JiaError(
      'RANDOMISATION_NOT_DUE',
      `subject ${input.subjectId} is not due for randomisation on ${input.asOf}: ${due.reason}`,
      { details: { due } },
    );
  const stratum = stratumOf(spec, fields);
  const taken = await tx.client.query<{ arm: string }>(
    'SELECT arm FROM randomisation_allocate($1, $2, $3)',
    [input.studyId, input.subjectId, stratum],
  );
  const allocation = await readSubjectAllocation(tx.client, input.studyId, input.subjectId);
  const arm = taken.rows[0]?.arm;
  if (!allocation || arm === undefined)
    throw new JiaError('INTERNAL_ERROR', 'the allocation was not recorded');
  return { allocation, arm, due };
}

interface UnblindingRow {
  study_id: string;
  unblinding_id: string;
  subject_id: string;
  site_code: string;
  role: string;
  reason: string;
  unblinded_by: string;
  unblinded_by_name: string;
  unblinded_at: string;
}

function unblindingOf(row: UnblindingRow): Unblinding {
  return {
    studyId: row.study_id,
    unblindingId: row.unblinding_id,
    subjectId: row.subject_id,
    siteCode: row.site_code,
    role: row.role,
    reason: row.reason,
    unblinded: { by: { id: row.unblinded_by, name: row.unblinded_by_name }, at: row.unblinded_at },
  };
}

/** The study's emergency unblindings (or one subject's), newest first. */
export async function listUnblindings(
  db: Db,
  studyId: string,
  subjectId?: string,
): Promise<Unblinding[]> {
  const found = await db.query<UnblindingRow>(
    `SELECT u.study_id, u.unblinding_id, u.subject_id, s.site_code, u.role, u.reason, u.unblinded_by,
            u.unblinded_by_name, ${utcText('u.unblinded_at')} AS unblinded_at
       FROM randomisation_unblinding u
       JOIN subject s USING (study_id, subject_id)
      WHERE u.study_id = $1 AND ($2::text IS NULL OR u.subject_id = $2)
      ORDER BY u.unblinded_at DESC, u.row_id DESC`,
    [studyId, subjectId ?? null],
  );
  return found.rows.map(unblindingOf);
}

export interface UnblindInput {
  readonly studyId: string;
  readonly subjectId: string;
  /** The role in which the actor unblinds: the caller checked it is one of unblindingRoles. */
  readonly role: string;
  readonly reason: string;
}

/**
 * An emergency unblinding: records who (in which role) learnt the subject's arm, when and why,
 * and returns the arm. NOT_RANDOMISED for a subject without an allocation; VALIDATION_FAILED
 * without a reason. A lock does not refuse it (an emergency changes no data).
 */
export async function unblindSubject(
  tx: Transaction,
  input: UnblindInput,
): Promise<{ unblinding: Unblinding; arm: string }> {
  const reason = input.reason.trim();
  if (!reason)
    throw new JiaError('VALIDATION_FAILED', 'an emergency unblinding needs a reason', {
      issues: [{ path: 'reason', message: 'is empty' }],
    });
  const subject = await tx.client.query(
    'SELECT 1 FROM subject WHERE study_id = $1 AND subject_id = $2',
    [input.studyId, input.subjectId],
  );
  if (subject.rowCount === 0)
    throw notFound(`subject ${input.subjectId} is not a subject of study ${input.studyId}`);
  const found = await tx.client.query<{ unblinding_id: string; arm: string }>(
    'SELECT (u.unblinding).unblinding_id, u.arm FROM randomisation_unblind($1, $2, $3, $4) u',
    [input.studyId, input.subjectId, input.role, reason],
  );
  const row = found.rows[0];
  const unblinding = row
    ? (await listUnblindings(tx.client, input.studyId, input.subjectId)).find(
        (u) => u.unblindingId === row.unblinding_id,
      )
    : undefined;
  if (!row || !unblinding) throw new JiaError('INTERNAL_ERROR', 'the unblinding was not recorded');
  return { unblinding, arm: row.arm };
}
