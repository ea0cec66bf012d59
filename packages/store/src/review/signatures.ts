/**
 * Electronic signatures of a subject's records (21 CFR Part 11, subparts B and C).
 *
 * A signature covers a visit (the visit row, its joint findings and its CHAQ answers: every
 * record type of the field dictionary that references the visit) or a subject's whole casebook
 * (visitId null: every record of every record type that reaches the subject). It records:
 * - what §11.50(a) requires a signed record to show: (1) the printed name of the signer, the
 *   account's display name at signing; (2) the date and time of signing, in UTC; (3) the meaning
 *   of the signature (code list signature_meaning: approved as accurate and complete, reviewed,
 *   responsibility, authorship). §11.50(b) asks that these be part of any human-readable form of
 *   the record: signaturesOf gives them for display beside it.
 * - the link of §11.70 between signature and records: every covered record by table, key, row id
 *   (its identity in the audit trail) and version. The database increments a record's version on
 *   every update, whatever the statement (migration 0001), so a signature is broken exactly when a
 *   covered record has changed, was removed, or a record was added to what was signed
 *   (signaturesOf computes it). A signature itself is never changed or deleted (migration 0011).
 *
 * §11.200(a) asks that a signature not based on biometrics use two distinct identification
 * components, such as an identification code and a password, each signing outside one continuous
 * session using both. Checking them is the server's: it verifies the signer's password before it
 * calls signRecord. The store checks that the signer is an enabled account (§11.100(a): a
 * signature is unique to one individual) and records.
 */
import { CODE_LISTS, codesOf, RECORD_TYPES, type RecordTypeId } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound } from '../errors.js';
import type { Transaction } from '../transaction.js';
import { nextId } from './next-id.js';
import { keyExpression, subjectPath } from './records.js';
import { utcText } from './timestamps.js';

/** A record as signed: which one (table, key, identity) and the version that was signed. */
export interface SignedRecord {
  readonly table: RecordTypeId;
  readonly key: string;
  readonly rowId: string;
  readonly version: number;
}

export interface SignRecordInput {
  readonly studyId: string;
  readonly subjectId: string;
  /** The visit signed; null: the subject's whole casebook. */
  readonly visitId: string | null;
  /** A code of the dictionary's signature_meaning list. */
  readonly meaning: string;
}

export interface Signature {
  readonly studyId: string;
  readonly signatureId: string;
  readonly subjectId: string;
  readonly visitId: string | null;
  readonly meaning: string;
  /** The meaning as people read it (§11.50(a)(3)). */
  readonly meaningLabel: string;
  /** The signer's account (app_user row id and username) and printed name (§11.50(a)(1)). */
  readonly signer: { readonly userId: string; readonly username: string; readonly name: string };
  /** When it was signed: ISO 8601, UTC (§11.50(a)(2)). */
  readonly signedAt: string;
  readonly records: readonly SignedRecord[];
}

/** How a covered record differs from what was signed. */
export interface RecordChange {
  readonly table: RecordTypeId;
  readonly key: string;
  /** changed: a later version; removed: deleted or no longer part of it; added: new since. */
  readonly change: 'changed' | 'removed' | 'added';
  readonly signedVersion: number | null;
  readonly currentVersion: number | null;
}

export interface SignatureStatus extends Signature {
  /** True when any covered record changed, was removed or added since the signing. */
  readonly broken: boolean;
  readonly changes: readonly RecordChange[];
}

/** A current record of the casebook, with the visit it belongs to (null: the subject's own). */
interface CoveredRecord extends SignedRecord {
  readonly visitId: string | null;
}

/** The visit a record type's rows belong to: the visit's own id, or the visit they reference. */
function visitColumn(table: RecordTypeId): string | null {
  if (table === 'visit') return 't.visit_id';
  const ref = RECORD_TYPES.find((r) => r.id === table)?.references.find((r) => r.to === 'visit');
  return ref ? `t.${ref.fields[0]}` : null;
}

/** Every record of a subject's casebook now, in record type order then key order. */
async function casebook(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  subjectId: string,
): Promise<CoveredRecord[]> {
  const selects = RECORD_TYPES.map((record, order) => {
    const path = subjectPath(record);
    return `SELECT ${order} AS ord, '${record.id}' AS "table", ${keyExpression(record.id)} AS key,
                   t.row_id::text AS "rowId", t.version, ${visitColumn(record.id) ?? 'NULL::text'} AS "visitId"
              FROM ${record.id} t ${path.join}
             WHERE t.study_id = $1 AND ${path.subject} = $2`;
  });
  const found = await db.query<CoveredRecord & { ord: number }>(
    `${selects.join('\nUNION ALL\n')} ORDER BY ord, key`,
    [studyId, subjectId],
  );
  return found.rows.map(({ ord: _, ...record }) => record);
}

/** The records a signature of `visitId` (null: the casebook) covers, as signed records. */
function covered(records: readonly CoveredRecord[], visitId: string | null): SignedRecord[] {
  return records
    .filter((r) => visitId === null || r.visitId === visitId)
    .map(({ table, key, rowId, version }) => ({ table, key, rowId, version }));
}

/**
 * The signer: the transaction's actor as an enabled account. The server names an account's actor
 * `user:<account id>`, the account's immutable row id (ADR 0012), never a name another account
 * could take.
 */
async function signer(
  tx: Transaction,
): Promise<{ userId: string; username: string; name: string }> {
  const accountId = /^user:([1-9][0-9]{0,18})$/.exec(tx.actor.id)?.[1];
  const account = accountId
    ? await tx.client.query<{ username: string; display_name: string | null; disabled: boolean }>(
        'SELECT username, display_name, disabled FROM app_user WHERE row_id = $1',
        [accountId],
      )
    : null;
  const user = account?.rows[0];
  if (!accountId || !user || user.disabled)
    throw new JiaError(
      'SIGNATURE_REFUSED',
      `${tx.actor.name} (${tx.actor.id}) cannot sign: only an enabled jia-trial account signs`,
    );
  return {
    userId: accountId,
    username: user.username,
    name: user.display_name?.trim() || tx.actor.name,
  };
}

function meaningLabel(meaning: string): string {
  return CODE_LISTS.signature_meaning.codes.find((c) => c.code === meaning)?.label ?? meaning;
}

/**
 * Signs a subject's visit (with its joint findings and CHAQ answers) or whole casebook, as the
 * transaction's actor, with a meaning: records the signer, the time, the meaning and the version
 * of every record covered. The server has verified the signer's password (§11.200).
 */
export async function signRecord(tx: Transaction, input: SignRecordInput): Promise<Signature> {
  if (!codesOf('signature_meaning').includes(input.meaning))
    throw new JiaError('VALIDATION_FAILED', `${input.meaning} is not a meaning of a signature`, {
      issues: [
        {
          path: 'meaning',
          message: `${input.meaning} is not one of ${codesOf('signature_meaning').join(', ')}`,
        },
      ],
    });
  const by = await signer(tx);
  const records = covered(await casebook(tx.client, input.studyId, input.subjectId), input.visitId);
  const target = input.visitId === null ? 'subject' : 'visit';
  if (!records.some((r) => r.table === target))
    throw notFound(
      input.visitId === null
        ? `subject ${input.subjectId} is not a subject of study ${input.studyId}`
        : `visit ${input.visitId} is not a visit of subject ${input.subjectId} in study ${input.studyId}`,
    );
  const signatureId = await nextId(tx.client, 'signature', input.studyId);
  const stored = await tx.client.query<{ signed_at: string }>(
    `INSERT INTO signature (study_id, signature_id, subject_id, visit_id, meaning, signer_user_id,
                            signer_username, signer_name, signed_at, signed_records)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, statement_timestamp(), $9)
     RETURNING ${utcText('signed_at')} AS signed_at`,
    [
      input.studyId,
      signatureId,
      input.subjectId,
      input.visitId,
      input.meaning,
      by.userId,
      by.username,
      by.name,
      JSON.stringify(records),
    ],
  );
  return {
    studyId: input.studyId,
    signatureId,
    subjectId: input.subjectId,
    visitId: input.visitId,
    meaning: input.meaning,
    meaningLabel: meaningLabel(input.meaning),
    signer: by,
    signedAt: stored.rows[0]?.signed_at as string,
    records,
  };
}

/** What changed between the records signed and those covered now. */
function changesSince(
  signed: readonly SignedRecord[],
  current: readonly SignedRecord[],
): RecordChange[] {
  const now = new Map(current.map((r) => [`${r.table}:${r.rowId}`, r]));
  const then = new Set(signed.map((r) => `${r.table}:${r.rowId}`));
  const changes: RecordChange[] = [];
  for (const record of signed) {
    const present = now.get(`${record.table}:${record.rowId}`);
    if (!present || present.version !== record.version)
      changes.push({
        table: record.table,
        key: present?.key ?? record.key,
        change: present ? 'changed' : 'removed',
        signedVersion: record.version,
        currentVersion: present?.version ?? null,
      });
  }
  for (const record of current)
    if (!then.has(`${record.table}:${record.rowId}`))
      changes.push({
        table: record.table,
        key: record.key,
        change: 'added',
        signedVersion: null,
        currentVersion: record.version,
      });
  return changes;
}

/**
 * Every signature of a subject, oldest first, each with whether it is broken and which records
 * changed since it was given. It reads the signatures, then the casebook: given withSnapshot's
 * client, both reads see the same moment.
 */
export async function signaturesOf(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  subjectId: string,
): Promise<SignatureStatus[]> {
  const found = await db.query<{
    signature_id: string;
    visit_id: string | null;
    meaning: string;
    signer_user_id: string;
    signer_username: string;
    signer_name: string;
    signed_at: string;
    signed_records: SignedRecord[];
  }>(
    `SELECT signature_id, visit_id, meaning, signer_user_id::text, signer_username, signer_name,
            ${utcText('signed_at')} AS signed_at, signed_records
       FROM signature WHERE study_id = $1 AND subject_id = $2 ORDER BY signed_at, row_id`,
    [studyId, subjectId],
  );
  if (found.rows.length === 0) return [];
  const now = await casebook(db, studyId, subjectId);
  return found.rows.map((row) => {
    const changes = changesSince(row.signed_records, covered(now, row.visit_id));
    return {
      studyId,
      signatureId: row.signature_id,
      subjectId,
      visitId: row.visit_id,
      meaning: row.meaning,
      meaningLabel: meaningLabel(row.meaning),
      signer: { userId: row.signer_user_id, username: row.signer_username, name: row.signer_name },
      signedAt: row.signed_at,
      records: row.signed_records,
      broken: changes.length > 0,
      changes,
    };
  });
}
