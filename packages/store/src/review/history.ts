/**
 * One record's audit history, for a reviewer (ICH E6(R3) 4.2; 21 CFR 11.10(e): who changed
 * what, when, from what to what, and why). The record is named by its table and record key as
 * the trail names it; its identity in the trail is its row_id, so the events are read through
 * the index audit_event_record (table_name, row_id, event_id), not by scanning for its key.
 *
 * The row_id is the row that has the key now. A record deleted since has no row: its row ids are
 * then looked up in the study's events by key (through the index on study_id: a scan of the
 * study's events, for this rarer case). A key deleted and used again names a new record (a new
 * row_id); while it exists, its history is that record's.
 */
import { columnOf, fieldOf, RECORD_TYPES } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound } from '../errors.js';
import { findRecord, isStudyTable, type StudyTable } from './records.js';
import { utcText } from './timestamps.js';

export interface AuditEntry {
  readonly eventId: string;
  /** The record's identity in the audit trail. */
  readonly rowId: string;
  readonly recordKey: string;
  /** When (ISO 8601, UTC, microseconds: the time the event's hash covers). */
  readonly at: string;
  /** Who: the account id (null for an event written before migration 0007) and the name. */
  readonly actor: { readonly id: string | null; readonly name: string };
  readonly operation: 'insert' | 'update' | 'delete';
  /** Why: required for every update and delete. */
  readonly reason: string | null;
  readonly oldValues: Readonly<Record<string, unknown>> | null;
  readonly newValues: Readonly<Record<string, unknown>> | null;
}

/**
 * The events of some rows of a table, oldest first. Events written before migration 0007 carry
 * no study; those of these rows, found in the study, are the study's.
 */
export const RECORD_EVENTS = `
  SELECT event_id::text AS "eventId", row_id::text AS "rowId", record_key AS "recordKey",
         ${utcText('occurred_at')} AS at, actor, actor_id, operation, reason,
         old_values AS "oldValues", new_values AS "newValues"
    FROM audit_event
   WHERE table_name = $1 AND row_id = ANY ($2::bigint[]) AND (study_id = $3 OR study_id IS NULL)
   ORDER BY event_id`;

/** The rows that had the key: the one that has it now, else those its events name. */
async function rowIds(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  table: StudyTable,
  recordKey: string,
): Promise<string[]> {
  const live = await findRecord(db, studyId, table, recordKey);
  if (live) return [live.rowId];
  const gone = await db.query<{ row_id: string }>(
    `SELECT DISTINCT row_id::text FROM audit_event
      WHERE study_id = $1 AND table_name = $2 AND record_key = $3`,
    [studyId, table, recordKey],
  );
  return gone.rows.map((r) => r.row_id);
}

/**
 * The audit events of one record of the study: `table` is an audited table of a study
 * (VALIDATION_FAILED otherwise), `recordKey` its key as the trail writes it; NOT_FOUND when the
 * study's trail holds no such record.
 */
export async function recordHistory(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  table: string,
  recordKey: string,
): Promise<AuditEntry[]> {
  if (!isStudyTable(table))
    throw new JiaError('VALIDATION_FAILED', `${table} is not an audited table of a study`, {
      issues: [{ path: 'table', message: `${table} is not an audited table of a study` }],
    });
  const rows = await rowIds(db, studyId, table, recordKey);
  const events =
    rows.length === 0
      ? []
      : (
          await db.query<Omit<AuditEntry, 'actor'> & { actor: string; actor_id: string | null }>(
            RECORD_EVENTS,
            [table, rows, studyId],
          )
        ).rows;
  if (events.length === 0)
    throw notFound(`${table} ${recordKey} has no audit history in study ${studyId}`);
  return events.map(({ actor, actor_id, ...event }) => ({
    ...event,
    actor: { id: actor_id, name: actor },
  }));
}

/** An audit event of some record of a subject: the event and the table of its record. */
export interface SubjectAuditEntry extends AuditEntry {
  readonly table: StudyTable;
}

/** The clinical tables whose rows carry the subject, and those that reach it through a parent. */
const DIRECT_TABLES = RECORD_TYPES.filter((r) => r.fields.some((f) => f.name === 'subject_id'));
const CHILD_TABLES = RECORD_TYPES.filter((r) => !DIRECT_TABLES.includes(r)).map((r) => {
  const ref = r.references.find((x) => DIRECT_TABLES.some((d) => d.id === x.to));
  const parent = DIRECT_TABLES.find((d) => d.id === ref?.to);
  if (!ref || !parent) throw new RangeError(`${r.id} reaches no subject in one step`);
  return {
    table: r.id,
    parent: parent.id,
    // The child's column that holds the parent's key (joint_finding.visit_id), and the parent's.
    column: columnOf(fieldOf(r, ref.fields[0] as string)),
    parentColumn: columnOf(fieldOf(parent, parent.key[0] as string)),
  };
});

/**
 * The audit events of every clinical record of a subject, oldest first: the records that held
 * the subject at any time (found by their events' values, so a deleted record is found too) and
 * their children (a visit's joint findings, CHAQ answers, damage items). Events written before
 * migration 0007 carry no study and are not found here (recordHistory finds them by record).
 * NOT_FOUND when the study's trail names no record of the subject.
 */
export async function subjectHistory(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  subjectId: string,
): Promise<SubjectAuditEntry[]> {
  const rows = new Map<string, Set<string>>();
  const add = (table: string, rowId: string) => {
    const set = rows.get(table) ?? new Set<string>();
    set.add(rowId);
    rows.set(table, set);
  };
  const direct = await db.query<{ table_name: string; row_id: string }>(
    `SELECT DISTINCT table_name, row_id::text FROM audit_event
      WHERE study_id = $1 AND table_name = ANY ($2::text[])
        AND (new_values ->> 'subject_id' = $3 OR old_values ->> 'subject_id' = $3)`,
    [studyId, DIRECT_TABLES.map((r) => r.id), subjectId],
  );
  for (const r of direct.rows) add(r.table_name, r.row_id);
  for (const child of CHILD_TABLES) {
    const found = await db.query<{ table_name: string; row_id: string }>(
      `SELECT DISTINCT c.table_name, c.row_id::text
         FROM audit_event c
        WHERE c.study_id = $1 AND c.table_name = $2
          AND coalesce(c.new_values, c.old_values) ->> $5 IN (
              SELECT coalesce(p.new_values, p.old_values) ->> $6 FROM audit_event p
               WHERE p.study_id = $1 AND p.table_name = $3
                 AND (p.new_values ->> 'subject_id' = $4 OR p.old_values ->> 'subject_id' = $4))`,
      [studyId, child.table, child.parent, subjectId, child.column, child.parentColumn],
    );
    for (const r of found.rows) add(r.table_name, r.row_id);
  }
  const events: SubjectAuditEntry[] = [];
  for (const [table, ids] of rows) {
    const found = await db.query<
      Omit<AuditEntry, 'actor'> & { actor: string; actor_id: string | null }
    >(RECORD_EVENTS, [table, [...ids], studyId]);
    for (const { actor, actor_id, ...event } of found.rows)
      events.push({ ...event, table: table as StudyTable, actor: { id: actor_id, name: actor } });
  }
  if (events.length === 0)
    throw notFound(`subject ${subjectId} has no audit history in study ${studyId}`);
  return events.sort((a, b) => (BigInt(a.eventId) < BigInt(b.eventId) ? -1 : 1));
}
