/**
 * Import batches (migration 0019_importsafe; docs/data-management.md, "Importing safely"; ADR
 * 0034). An import is one transaction, and every audited change of a transaction carries the
 * same audit batch: the transaction id plus audit_batch_offset's offset (migration 0006). The
 * import records that batch in import_batch, in the same transaction, so that the batch that
 * wrote a study's records can be found (`jia-trial audit batches`) and reverted (`jia-trial
 * import --revert`, revert-batch.ts). The batch's actor, time and reason are those of its audit
 * events; import_batch's own row is audited too, in the batch it names.
 */
import type pg from 'pg';
import { utcText } from '../review/timestamps.js';
import { type PoolHolder, poolOf } from '../transaction.js';

export interface ImportBatchInput {
  readonly studyId: string;
  readonly source: 'bundle' | 'odm' | 'revert';
  readonly origin: string | null;
  readonly summary: Readonly<Record<string, unknown>>;
  readonly subjectsAdded?: number;
  /** For a revert: the batch it undoes. */
  readonly reverts?: number;
}

/** The current transaction's audit batch, as the audit triggers compute it (migration 0006). */
export async function currentBatch(client: pg.ClientBase): Promise<number> {
  const result = await client.query<{ batch: string }>(
    'SELECT (pg_current_xact_id()::text::bigint + batch_offset)::text AS batch FROM audit_batch_offset',
  );
  return Number(result.rows[0]?.batch);
}

/** Records the running transaction's batch as an import (or a revert); returns the batch. */
export async function recordImportBatch(
  client: pg.ClientBase,
  input: ImportBatchInput,
): Promise<number> {
  const batch = await currentBatch(client);
  await client.query(
    `INSERT INTO import_batch (study_id, batch_id, kind, source, origin, summary, subjects_added, reverts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      input.studyId,
      batch,
      input.reverts === undefined ? 'import' : 'revert',
      input.source,
      input.origin,
      JSON.stringify(input.summary),
      input.subjectsAdded ?? 0,
      input.reverts ?? null,
    ],
  );
  return batch;
}

export interface ImportBatch {
  readonly studyId: string;
  readonly batch: number;
  readonly kind: 'import' | 'revert';
  readonly source: 'bundle' | 'odm' | 'revert';
  readonly origin: string | null;
  /** When (UTC, ISO 8601), who and why: the batch's audit event of its own row. */
  readonly at: string | null;
  readonly actor: string | null;
  readonly reason: string | null;
  /** Audit events in the batch (every record written, the batch's own row included). */
  readonly events: number;
  readonly summary: Readonly<Record<string, unknown>>;
  readonly subjectsAdded: number;
  /** For a revert: the batch it undid. */
  readonly reverts: number | null;
  /** The revert that undid this batch, if any. */
  readonly revertedBy: number | null;
}

interface BatchRow {
  study_id: string;
  batch_id: string;
  kind: ImportBatch['kind'];
  source: ImportBatch['source'];
  origin: string | null;
  at: string | null;
  actor: string | null;
  reason: string | null;
  events: string;
  summary: Record<string, unknown>;
  subjects_added: number;
  reverts: string | null;
  reverted_by: string | null;
}

const SELECT_BATCHES = `
  SELECT b.study_id, b.batch_id::text, b.kind, b.source, b.origin, ${utcText('e.occurred_at')} AS at,
         e.actor, e.reason, b.summary, b.subjects_added, b.reverts::text, b.reverted_by::text,
         (SELECT count(*) FROM audit_event a WHERE a.batch_id = b.batch_id)::text AS events
    FROM import_batch b
    LEFT JOIN LATERAL (
      SELECT occurred_at, actor, reason FROM audit_event
       WHERE table_name = 'import_batch' AND row_id = b.row_id AND operation = 'insert'
       ORDER BY event_id LIMIT 1) e ON true`;

function batchOf(row: BatchRow): ImportBatch {
  return {
    studyId: row.study_id,
    batch: Number(row.batch_id),
    kind: row.kind,
    source: row.source,
    origin: row.origin,
    at: row.at,
    actor: row.actor,
    reason: row.reason,
    events: Number(row.events),
    summary: row.summary,
    subjectsAdded: row.subjects_added,
    reverts: row.reverts === null ? null : Number(row.reverts),
    revertedBy: row.reverted_by === null ? null : Number(row.reverted_by),
  };
}

/** The import batches of a study (its imports and their reverts), oldest first. */
export async function listImportBatches(
  store: PoolHolder,
  studyId: string,
): Promise<ImportBatch[]> {
  const result = await poolOf(store).query<BatchRow>(
    `${SELECT_BATCHES} WHERE b.study_id = $1 ORDER BY b.batch_id`,
    [studyId],
  );
  return result.rows.map(batchOf);
}

/** One import batch, locked for a revert (FOR UPDATE), or null. */
export async function findImportBatch(
  client: pg.ClientBase,
  batch: number,
): Promise<ImportBatch | null> {
  const result = await client.query<BatchRow>(
    `${SELECT_BATCHES} WHERE b.batch_id = $1 FOR UPDATE OF b`,
    [batch],
  );
  const row = result.rows[0];
  return row ? batchOf(row) : null;
}
