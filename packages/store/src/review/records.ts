/**
 * The records a review names: the record a query is about, the records a signature covers, the
 * record whose history is read. A record is named as its audit events name it: its table and its
 * record key, the key columns' values joined by `/` (`msc-pilot/P01-V3`, made by the audit
 * triggers from audit_table_key; records.test.ts checks that the two agree). Table names are
 * spliced into SQL only from the fixed lists below, never from a caller's text.
 */
import {
  columnOf,
  fieldOf,
  RECORD_TYPES,
  type RecordType,
  type RecordTypeId,
} from '@jia-trial/dictionary';
import type pg from 'pg';
import { AUDITED_TABLES, type AuditedTable } from '../audit/audited-tables.js';

/** The audited tables of accounts, not of a study's records (their events are keyed by username). */
const ACCOUNT_TABLES = ['app_user', 'security_event'] as const;

/** The audited tables whose rows belong to a study (every one but the accounts'). */
export type StudyTable = Exclude<AuditedTable, (typeof ACCOUNT_TABLES)[number]>;

export const STUDY_TABLES: readonly StudyTable[] = AUDITED_TABLES.filter(
  (table): table is StudyTable => !(ACCOUNT_TABLES as readonly string[]).includes(table),
);

const keyOfRecordType = (record: RecordType) => [
  'study_id',
  ...record.key.map((name) => columnOf(fieldOf(record, name))),
];

/** Each study table's key columns, in the order of its record key. */
export const KEY_COLUMNS: Readonly<Record<StudyTable, readonly string[]>> = {
  ...(Object.fromEntries(RECORD_TYPES.map((r) => [r.id, keyOfRecordType(r)])) as Record<
    RecordTypeId,
    string[]
  >),
  study: ['study_id'],
  site: ['study_id', 'site_code'],
  role_assignment: ['study_id', 'user_id', 'role', 'site_code'],
  study_access_policy: ['study_id'],
  alert: ['study_id', 'alert_id'],
  data_query: ['study_id', 'query_id'],
  signature: ['study_id', 'signature_id'],
  quality_rule_set: ['study_id'],
  discrepancy: ['study_id', 'discrepancy_id'],
  import_batch: ['study_id', 'batch_id'],
  sdv_verification: ['study_id', 'table_name', 'record_row_id', 'field'],
  subject_transfer: ['study_id', 'subject_id', 'transfer_no'],
  record_lock: ['study_id', 'lock_id'],
  // Randomisation (migration 0026_random): none of them holds an arm (ADR 0047).
  randomisation_list: ['study_id'],
  randomisation_allocation: ['study_id', 'subject_id'],
  randomisation_unblinding: ['study_id', 'unblinding_id'],
};

/**
 * Review tables whose rows name their subject (migration 0020_sdv): a verification's or a
 * transfer's history is read where its subject is, as the subject's records are.
 */
const OWN_SUBJECT_TABLES: ReadonlySet<StudyTable> = new Set([
  'sdv_verification',
  'subject_transfer',
  'randomisation_allocation',
  'randomisation_unblinding',
]);

export function isStudyTable(table: string): table is StudyTable {
  return (STUDY_TABLES as readonly string[]).includes(table);
}

/** The record types of the field dictionary: the clinical records a query or signature names. */
export function isRecordTable(table: string): table is RecordTypeId {
  return RECORD_TYPES.some((r) => r.id === table);
}

/** The record key of row `t`, as the audit trigger makes it (migration 0007). */
export function keyExpression(table: StudyTable, alias = 't'): string {
  return KEY_COLUMNS[table].map((c) => `coalesce(${alias}.${c}::text, '')`).join(` || '/' || `);
}

/**
 * How a record type's rows reach their subject: its own subject_id, or its parent's (a joint
 * finding through its visit). `join` joins the parent as `p`.
 */
export function subjectPath(record: RecordType): { join: string; subject: string } {
  if (record.fields.some((f) => f.name === 'subject_id'))
    return { join: '', subject: 't.subject_id' };
  const parent = record.references
    .map((ref) => ({ ref, type: RECORD_TYPES.find((r) => r.id === ref.to) as RecordType }))
    .find(({ type }) => type.fields.some((f) => f.name === 'subject_id'));
  if (!parent) throw new RangeError(`${record.id} reaches no subject in one step`);
  const on = parent.ref.fields.map(
    (name, i) =>
      `p.${columnOf(fieldOf(parent.type, parent.type.key[i] as string))} = t.${columnOf(fieldOf(record, name))}`,
  );
  return {
    join: `JOIN ${parent.type.id} p ON p.study_id = t.study_id AND ${on.join(' AND ')}`,
    subject: 'p.subject_id',
  };
}

/**
 * The values the first key column after study_id may have in `recordKey`: it ends at one of the
 * key's slashes (or is the rest of it), since a value may itself hold a slash. Compared with
 * `= ANY`, they let the primary key's index find the row, which the key expression then
 * confirms exactly.
 */
function firstKeyCandidates(studyId: string, recordKey: string): string[] | null {
  if (!recordKey.startsWith(`${studyId}/`)) return null;
  const rest = recordKey.slice(studyId.length + 1);
  const candidates = [rest];
  for (let at = rest.indexOf('/'); at >= 0; at = rest.indexOf('/', at + 1))
    candidates.push(rest.slice(0, at));
  return candidates;
}

/** A stored record: its identity in the audit trail, its version and, for a clinical record, its subject. */
export interface FoundRecord {
  readonly rowId: string;
  readonly version: number;
  readonly subjectId: string | null;
}

/**
 * The statement that finds the record of `table` with `recordKey` in the study (its row_id,
 * version and subject_id), or null when the key cannot be one of the study's.
 */
export function recordLookup(
  studyId: string,
  table: StudyTable,
  recordKey: string,
): { text: string; values: unknown[] } | null {
  const first = KEY_COLUMNS[table][1];
  const candidates = first ? firstKeyCandidates(studyId, recordKey) : [];
  if (candidates === null) return null;
  const record = RECORD_TYPES.find((r) => r.id === table);
  const path = record
    ? subjectPath(record)
    : { join: '', subject: OWN_SUBJECT_TABLES.has(table) ? 't.subject_id' : 'NULL::text' };
  return {
    text: `SELECT t.row_id, t.version, ${path.subject} AS subject_id
             FROM ${table} t ${path.join}
            WHERE t.study_id = $1 AND ${keyExpression(table)} = $2
              ${first ? `AND t.${first}::text = ANY ($3::text[])` : ''}`,
    values: first ? [studyId, recordKey, candidates] : [studyId, recordKey],
  };
}

/** The record of `table` with `recordKey` in the study, or null. */
export async function findRecord(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  table: StudyTable,
  recordKey: string,
): Promise<FoundRecord | null> {
  const lookup = recordLookup(studyId, table, recordKey);
  if (!lookup) return null;
  const found = await db.query<{ row_id: string; version: number; subject_id: string | null }>(
    lookup,
  );
  const row = found.rows[0];
  return row ? { rowId: row.row_id, version: row.version, subjectId: row.subject_id } : null;
}
