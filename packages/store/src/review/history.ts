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
