/**
 * Marking values verified against the source, and reading which are (docs/data-management.md,
 * "Source data verification"; ADR 0038; migration 0020_sdv).
 *
 * markVerified verifies one field of a record, a whole record, a visit (its own fields and its
 * joint findings, CHAQ answers and JADI items) or a subject's casebook: each filled field not
 * yet verified gets a verification naming the record's identity, its version and the values
 * verified. The database clears a verification when its value changes (trigger
 * sdv_clear_on_change), whatever path changes it, and audits the clearing. A read also compares
 * each verification's values with the record's current ones, so a verification can never be
 * read as current for a value that is not the one verified, even if the trigger were bypassed.
 */
import type { RecordTypeId } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound, versionConflict } from '../errors.js';
import type { SiteScope } from '../records/site-scope.js';
import { inScope } from '../records/site-scope.js';
import { utcText } from '../review/timestamps.js';
import type { Transaction } from '../transaction.js';
import {
  type CasebookRecord,
  itemsOf,
  readCasebookRecords,
  type SdvItem,
  sdvFields,
} from './sdv-items.js';

/** Which values a monitor marks verified. */
export type SdvTarget =
  | { readonly scope: 'casebook'; readonly subjectId: string }
  | { readonly scope: 'visit'; readonly subjectId: string; readonly visitId: string }
  | {
      readonly scope: 'record';
      readonly subjectId: string;
      readonly table: RecordTypeId;
      readonly recordKey: string;
      /** The record's version the monitor looked at (VERSION_CONFLICT when it changed since). */
      readonly version?: number | undefined;
    }
  | {
      readonly scope: 'field';
      readonly subjectId: string;
      readonly table: RecordTypeId;
      readonly recordKey: string;
      /** The field's name or its API key (`esr`, `physicianGlobal`). */
      readonly field: string;
      readonly version?: number | undefined;
    };

/** A verification as read: who verified which value when, and whether it still holds. */
export interface Verification {
  readonly table: RecordTypeId;
  readonly rowId: string;
  readonly field: string;
  readonly status: 'verified' | 'cleared';
  readonly verifiedVersion: number;
  readonly verifiedBy: { readonly id: string; readonly name: string };
  readonly verifiedAt: string;
  readonly clearedAt: string | null;
  readonly clearedBecause: string | null;
  /** status 'verified' and the values verified are the record's current ones. */
  readonly current: boolean;
}

/** An item with its verification state: verified now, or pending (never verified, or cleared). */
export interface SdvItemState extends SdvItem {
  readonly state: 'verified' | 'pending';
  readonly verification: Verification | null;
}

const TABLES: readonly RecordTypeId[] = [
  'subject',
  'visit',
  'joint_finding',
  'chaq_response',
  'damage_item',
  'medication',
  'infusion',
  'adverse_event',
  'eligibility_assessment',
];

/**
 * The study's verifications (of one subject's records: `subjectId`), by `table:rowId:field`.
 * `current` compares the values verified with the record's values now, column by column as
 * the trigger does (jsonb equality: 12 and 12.0 are one number).
 */
export async function readVerifications(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  subjectId?: string,
): Promise<Map<string, Verification>> {
  const selects = TABLES.map(
    (table) => `SELECT v.table_name, v.record_row_id::text AS row_id, v.field, v.status,
                       v.verified_version, v.verified_by, v.verified_by_name,
                       ${utcText('v.verified_at')} AS verified_at,
                       ${utcText('v.cleared_at')} AS cleared_at, v.cleared_because,
                       v.status = 'verified' AND v.verified_values =
                         (SELECT jsonb_object_agg(c, to_jsonb(t) -> c) FROM unnest(v.watched_columns) c)
                         AS current
                  FROM sdv_verification v JOIN ${table} t ON t.row_id = v.record_row_id
                 WHERE v.study_id = $1 AND v.table_name = '${table}'
                   ${subjectId === undefined ? '' : 'AND v.subject_id = $2'}`,
  );
  const found = await db.query<{
    table_name: RecordTypeId;
    row_id: string;
    field: string;
    status: 'verified' | 'cleared';
    verified_version: number;
    verified_by: string;
    verified_by_name: string;
    verified_at: string;
    cleared_at: string | null;
    cleared_because: string | null;
    current: boolean;
  }>(selects.join('\nUNION ALL\n'), subjectId === undefined ? [studyId] : [studyId, subjectId]);
  return new Map(
    found.rows.map((r) => [
      `${r.table_name}:${r.row_id}:${r.field}`,
      {
        table: r.table_name,
        rowId: r.row_id,
        field: r.field,
        status: r.status,
        verifiedVersion: r.verified_version,
        verifiedBy: { id: r.verified_by, name: r.verified_by_name },
        verifiedAt: r.verified_at,
        clearedAt: r.cleared_at,
        clearedBecause: r.cleared_because,
        current: r.current,
      },
    ]),
  );
}

/** Items with their state. */
export function withStates(
  items: readonly SdvItem[],
  verifications: ReadonlyMap<string, Verification>,
): SdvItemState[] {
  return items.map((item) => {
    const verification = verifications.get(`${item.table}:${item.rowId}:${item.field}`) ?? null;
    return { ...item, state: verification?.current ? 'verified' : 'pending', verification };
  });
}

/** The records of a subject a target names (NOT_FOUND when it names none). */
function recordsOfTarget(
  records: readonly CasebookRecord[],
  studyId: string,
  target: SdvTarget,
): CasebookRecord[] {
  switch (target.scope) {
    case 'casebook':
      return [...records];
    case 'visit': {
      const found = records.filter((r) => r.visitId === target.visitId);
      if (!found.some((r) => r.table === 'visit'))
        throw notFound(
          `visit ${target.visitId} is not a visit of subject ${target.subjectId} in study ${studyId}`,
        );
      return found;
    }
    default: {
      const record = records.find(
        (r) => r.table === target.table && r.recordKey === target.recordKey,
      );
      if (!record)
        throw notFound(
          `${target.table} ${target.recordKey} is not a record of subject ${target.subjectId} in study ${studyId}`,
        );
      if (target.version !== undefined && target.version !== record.version)
        throw versionConflict(target.table, target.recordKey, target.version, record.version);
      return [record];
    }
  }
}

/** The items a target names: for a field, that one (VALIDATION_FAILED for no such field; NOT_FOUND when it is empty). */
function itemsOfTarget(records: readonly CasebookRecord[], target: SdvTarget): SdvItem[] {
  const items = itemsOf(records);
  if (target.scope !== 'field') return items;
  const record = records[0] as CasebookRecord;
  const field = sdvFields(record.table).find(
    (f) => f.field.name === target.field || f.field.key === target.field,
  );
  if (!field)
    throw new JiaError(
      'VALIDATION_FAILED',
      `${target.field} is not a field of ${record.table} that is verified against the source`,
      {
        issues: [
          {
            path: 'field',
            message: `one of ${sdvFields(record.table)
              .map((f) => f.field.key)
              .join(', ')}`,
          },
        ],
      },
    );
  const item = items.find((i) => i.field === field.field.name);
  if (!item)
    throw notFound(
      `${record.table} ${record.recordKey} has no value in ${field.field.key} to verify`,
    );
  return [item];
}

export interface MarkVerifiedResult {
  /** The items verified by this call. */
  readonly verified: readonly SdvItem[];
  /** The items the target names that were verified already (left as they were). */
  readonly alreadyVerified: number;
}

/**
 * Marks the filled values a target names as verified against the source, as the transaction's
 * actor. A value verified already keeps its verification (who and when); a cleared one is
 * verified anew (an update: the transaction needs a reason for change). The records are locked
 * for share while they are marked, so a change committed meanwhile is either seen (VERSION_CONFLICT:
 * read the values again) or waits and then clears what was marked.
 */
export async function markVerified(
  tx: Transaction,
  studyId: string,
  target: SdvTarget,
  sites: SiteScope,
): Promise<MarkVerifiedResult> {
  const subject = await tx.client.query<{ site_code: string }>(
    'SELECT site_code FROM subject WHERE study_id = $1 AND subject_id = $2',
    [studyId, target.subjectId],
  );
  const site = subject.rows[0]?.site_code;
  if (site === undefined || !inScope(sites, site))
    throw notFound(`study ${studyId} has no subject ${target.subjectId}`);
  const records = await readCasebookRecords(tx.client, studyId, { subjectId: target.subjectId });
  const items = itemsOfTarget(recordsOfTarget(records, studyId, target), target);
  const states = withStates(items, await readVerifications(tx.client, studyId, target.subjectId));
  const pending = states.filter((s) => s.state === 'pending');
  const byTable = new Map<RecordTypeId, SdvItemState[]>();
  for (const item of pending) byTable.set(item.table, [...(byTable.get(item.table) ?? []), item]);
  for (const [table, tableItems] of byTable) {
    const rowIds = [...new Set(tableItems.map((i) => i.rowId))];
    // Lock the records: a concurrent change waits for this transaction, then clears (migration 0020_sdv).
    await tx.client.query(`SELECT 1 FROM ${table} WHERE row_id = ANY ($1::bigint[]) FOR SHARE`, [
      rowIds,
    ]);
    const rows = tableItems.map((i) => ({
      row_id: i.rowId,
      field: i.field,
      watched: i.watched,
      record_key: i.recordKey,
      subject_id: i.subjectId,
      version: i.version,
    }));
    const stored = await tx.client.query(
      `WITH items AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb)
           AS x(row_id bigint, field text, watched text[], record_key text, subject_id text, version integer))
       INSERT INTO sdv_verification (study_id, subject_id, table_name, record_row_id, field, record_key,
                                     watched_columns, status, verified_version, verified_values,
                                     verified_by, verified_by_name, verified_at)
       SELECT $1, i.subject_id, '${table}', t.row_id, i.field, i.record_key, i.watched, 'verified', t.version,
              (SELECT jsonb_object_agg(c, to_jsonb(t) -> c) FROM unnest(i.watched) c),
              $3, $4, statement_timestamp()
         FROM items i JOIN ${table} t ON t.row_id = i.row_id AND t.study_id = $1 AND t.version = i.version
       ON CONFLICT (study_id, table_name, record_row_id, field) DO UPDATE
         SET subject_id = EXCLUDED.subject_id, record_key = EXCLUDED.record_key,
             watched_columns = EXCLUDED.watched_columns, status = 'verified',
             verified_version = EXCLUDED.verified_version, verified_values = EXCLUDED.verified_values,
             verified_by = EXCLUDED.verified_by, verified_by_name = EXCLUDED.verified_by_name,
             verified_at = EXCLUDED.verified_at, cleared_at = NULL, cleared_by = NULL,
             cleared_by_name = NULL, cleared_because = NULL`,
      [studyId, JSON.stringify(rows), tx.actor.id, tx.actor.name],
    );
    if (stored.rowCount !== rows.length) {
      const first = tableItems[0] as SdvItemState;
      throw versionConflict(table, first.recordKey, first.version, null);
    }
  }
  return { verified: pending, alreadyVerified: states.length - pending.length };
}

/** One subject's items with their states (`sites`: NOT_FOUND outside them). */
export async function subjectSdvItems(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  subjectId: string,
): Promise<SdvItemState[]> {
  const records = await readCasebookRecords(db as pg.ClientBase, studyId, { subjectId });
  return withStates(itemsOf(records), await readVerifications(db, studyId, subjectId));
}

/**
 * An item as the API and the command line show it: the values a verification watches stay
 * inside (they are the record's columns, which the caller may not be allowed to read), and of
 * the verification what it says, not which record fields it matched (`current`, `field`).
 */
export function sdvItemView<T extends SdvItemState>(item: T) {
  const { watched: _, verification, ...rest } = item;
  return {
    ...rest,
    verification: verification && {
      status: verification.status,
      verifiedVersion: verification.verifiedVersion,
      verifiedBy: verification.verifiedBy,
      verifiedAt: verification.verifiedAt,
      clearedAt: verification.clearedAt,
      clearedBecause: verification.clearedBecause,
    },
  };
}
