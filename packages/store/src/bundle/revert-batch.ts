/**
 * Reverting an import batch (`jia-trial import --revert BATCH --reason ...`; docs/data-management.md,
 * "Importing safely"; ADR 0034). The trail is never rewritten: the revert is a new transaction,
 * a batch of its own with its reason, that deletes each record the import created and restores
 * each record it changed to the values it had before (the old values of the import's first
 * event of that record; the version goes on rising, as at every change). verify-audit replays it
 * like any other change.
 *
 * Nothing is undone silently over later work: the revert is refused (BATCH_NOT_REVERTIBLE),
 * naming each record, if a later change touched a record the batch wrote, if a record made later
 * refers to a record the revert would delete (a visit entered for an imported subject, an alert
 * on it), or if a data query or an electronic signature made later is about such a record. The
 * study itself is kept (it holds the history of its batches); a study the import created is left
 * empty. A batch is reverted once; a revert is not reverted (import the bundle again).
 */
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { AUDITED_TABLES } from '../audit/audited-tables.js';
import { isStudyTable, keyExpression } from '../review/records.js';
import type { Transaction } from '../transaction.js';
import { findImportBatch, type ImportBatch, recordImportBatch } from './import-batches.js';
import { quote } from './merge-plan.js';

export interface RevertResult {
  readonly studyId: string;
  /** The batch undone. */
  readonly reverted: number;
  /** The revert's own batch. */
  readonly batch: number;
  /** Records deleted (created by the batch), per table. */
  readonly deleted: Readonly<Record<string, number>>;
  /** Records restored to their values before the batch, per table. */
  readonly restored: Readonly<Record<string, number>>;
}

/** How many blocking records a refusal lists (all are counted). */
const BLOCKERS_LISTED = 100;

/** The tables a revert may change, parents first; the study row and import_batch are kept. */
const REVERTIBLE = AUDITED_TABLES.filter((t) => t !== 'study' && t !== 'import_batch');

async function revertibleBatch(
  tx: Transaction,
  batch: number,
  studyId: string | undefined,
): Promise<ImportBatch> {
  const found = await findImportBatch(tx.client, batch);
  if (!found || (studyId !== undefined && found.studyId !== studyId))
    throw new JiaError(
      'NOT_FOUND',
      `${studyId === undefined ? 'no study has' : `study ${studyId} has no`} import batch ${batch}${found ? ` (it is study ${found.studyId}'s)` : ''}: jia-trial audit batches --study ID lists them`,
    );
  if (found.kind === 'revert')
    throw new JiaError(
      'BATCH_NOT_REVERTIBLE',
      `batch ${batch} is the revert of batch ${found.reverts}; a revert is not reverted: import the bundle again`,
    );
  if (found.revertedBy !== null)
    throw new JiaError(
      'BATCH_NOT_REVERTIBLE',
      `batch ${batch} was reverted already, by batch ${found.revertedBy}`,
    );
  return found;
}

/**
 * revert_record: each record the batch wrote, with the batch's first event of it: an insert
 * (the batch created it: deleted) or an update (restored to the event's old values).
 */
async function collectRecords(client: pg.ClientBase, batch: number): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE revert_record ON COMMIT DROP AS
       SELECT DISTINCT ON (table_name, row_id) table_name, row_id, record_key, operation,
              old_values::jsonb AS old_values, event_id AS first_event
         FROM audit_event WHERE batch_id = $1 AND table_name <> 'import_batch'
        ORDER BY table_name, row_id, event_id`,
    [batch],
  );
  // The study row the batch created stays: it holds the study's batches.
  await client.query(
    "DELETE FROM revert_record WHERE table_name = 'study' AND operation = 'insert'",
  );
  const unknown = await client.query<{ table_name: string }>(
    'SELECT DISTINCT table_name FROM revert_record WHERE NOT (table_name = ANY ($1))',
    [[...REVERTIBLE, 'study']],
  );
  if (unknown.rows.length > 0)
    throw new JiaError(
      'BATCH_NOT_REVERTIBLE',
      `batch ${batch} changed ${unknown.rows.map((r) => r.table_name).join(', ')}, which a revert does not undo`,
    );
}

interface Blocker {
  readonly path: string;
  readonly message: string;
}

/** Changes of another batch, after the batch's, to a record it wrote. */
async function laterChanges(client: pg.ClientBase, batch: number): Promise<Blocker[]> {
  const result = await client.query<{
    table_name: string;
    record_key: string;
    operation: string;
    actor: string;
    at: string;
    batch_id: string;
  }>(
    `SELECT r.table_name, r.record_key, l.operation, l.actor, l.batch_id::text,
            to_char(l.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS at
       FROM revert_record r
       JOIN LATERAL (
         SELECT * FROM audit_event l
          WHERE l.table_name = r.table_name AND l.row_id = r.row_id
            AND l.event_id > r.first_event AND l.batch_id <> $1
          ORDER BY l.event_id DESC LIMIT 1) l ON true
      ORDER BY 1, 2 LIMIT ${BLOCKERS_LISTED}`,
    [batch],
  );
  return result.rows.map((r) => ({
    path: `${r.table_name} ${r.record_key}`,
    message: `changed after the import: ${r.operation === 'delete' ? 'deleted' : 'updated'} by ${r.actor} on ${r.at} (batch ${r.batch_id})`,
  }));
}

interface ForeignKey {
  readonly child: string;
  readonly parent: string;
  readonly childColumns: readonly string[];
  readonly parentColumns: readonly string[];
}

/** The foreign keys onto the tables whose records the revert deletes (from the catalog). */
async function foreignKeysOnto(
  client: pg.ClientBase,
  parents: readonly string[],
): Promise<ForeignKey[]> {
  const result = await client.query<ForeignKey>(
    `SELECT ch.relname AS child, pa.relname AS parent,
            (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS "childColumns",
            (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS "parentColumns"
       FROM pg_constraint c
       JOIN pg_class ch ON ch.oid = c.conrelid
       JOIN pg_class pa ON pa.oid = c.confrelid
      WHERE c.contype = 'f' AND pa.relnamespace = current_schema()::regnamespace
        AND pa.relname = ANY ($1)
      ORDER BY 1, 2`,
    [parents],
  );
  return result.rows;
}

/**
 * Records not written by the batch that would lose what they refer to: a record referring to a
 * record the revert deletes (a visit entered later for an imported subject), and a data query
 * or signature, made after the batch, about a record it wrote. A record the batch changed is
 * restored to what it referred to before, which the batch did not create.
 */
async function laterReferences(client: pg.ClientBase, studyId: string): Promise<Blocker[]> {
  const deleted = await client.query<{ table_name: string }>(
    "SELECT DISTINCT table_name FROM revert_record WHERE operation = 'insert'",
  );
  const blockers: Blocker[] = [];
  for (const fk of await foreignKeysOnto(
    client,
    deleted.rows.map((r) => r.table_name),
  )) {
    if (!isStudyTable(fk.child)) continue;
    const match = fk.childColumns
      .map((c, i) => `c.${quote(c)} = p.${quote(fk.parentColumns[i] as string)}`)
      .join(' AND ');
    const result = await client.query<{ child_key: string; parent_key: string }>(
      `SELECT ${keyExpression(fk.child, 'c')} AS child_key, r.record_key AS parent_key
         FROM revert_record r
         JOIN ${quote(fk.parent)} p ON p.row_id = r.row_id
         JOIN ${quote(fk.child)} c ON ${match}
        WHERE r.table_name = $1 AND r.operation = 'insert'
          AND NOT EXISTS (SELECT 1 FROM revert_record d WHERE d.table_name = $2 AND d.row_id = c.row_id)
        ORDER BY 1 LIMIT ${BLOCKERS_LISTED}`,
      [fk.parent, fk.child],
    );
    for (const r of result.rows)
      blockers.push({
        path: `${fk.child} ${r.child_key}`,
        message: `made after the import, refers to ${fk.parent} ${r.parent_key}, which the revert would delete`,
      });
  }
  const reviews = await client.query<{ path: string; record: string }>(
    `SELECT 'data_query ' || q.study_id || '/' || q.query_id AS path, r.table_name || ' ' || r.record_key AS record
       FROM revert_record r
       JOIN data_query q ON q.study_id = $1 AND q.table_name = r.table_name AND q.record_key = r.record_key
      WHERE EXISTS (SELECT 1 FROM audit_event e WHERE e.table_name = 'data_query' AND e.row_id = q.row_id
                       AND e.event_id > r.first_event)
     UNION ALL
     SELECT 'signature ' || s.study_id || '/' || s.signature_id, r.table_name || ' ' || r.record_key
       FROM revert_record r
       JOIN signature s ON s.study_id = $1 AND EXISTS (
              SELECT 1 FROM jsonb_array_elements(s.signed_records) x
               WHERE x->>'table' = r.table_name AND x->>'rowId' = r.row_id::text)
      WHERE EXISTS (SELECT 1 FROM audit_event e WHERE e.table_name = 'signature' AND e.row_id = s.row_id
                       AND e.event_id > r.first_event)
     ORDER BY 1, 2 LIMIT ${BLOCKERS_LISTED}`,
    [studyId],
  );
  for (const r of reviews.rows)
    blockers.push({
      path: r.path,
      message: `made after the import, is about ${r.record}, which the revert would undo`,
    });
  return blockers;
}

/** The columns a revert restores: all but the identity, the version and generated ones. */
async function restorableColumns(client: pg.ClientBase, table: string): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT attname::text AS name FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
        AND attname NOT IN ('row_id', 'version')
      ORDER BY attnum`,
    [table],
  );
  return result.rows.map((r) => r.name);
}

/** The tables (of `among`, in that order) where the batch's first event was `operation`. */
async function tablesWith(
  client: pg.ClientBase,
  operation: 'insert' | 'update',
  among: readonly string[],
): Promise<string[]> {
  const result = await client.query<{ table_name: string }>(
    'SELECT DISTINCT table_name FROM revert_record WHERE operation = $1',
    [operation],
  );
  const found = new Set(result.rows.map((r) => r.table_name));
  // Only these: the runtime role may not even try to change some tables (signature).
  return among.filter((t) => found.has(t));
}

/** Restores every record the batch changed, a statement per table (one audit event per record). */
async function restoreChanged(client: pg.ClientBase): Promise<Record<string, number>> {
  const restored: Record<string, number> = {};
  for (const table of await tablesWith(client, 'update', ['study', ...REVERTIBLE])) {
    const columns = await restorableColumns(client, table);
    // A column the old values lack (added by a later migration) keeps its value.
    const values = columns.map(
      (c) => `CASE WHEN r.old_values ? ${pgLiteral(c)} THEN o.${quote(c)} ELSE t.${quote(c)} END`,
    );
    const n =
      (
        await client.query(
          `UPDATE ${quote(table)} t SET (${columns.map(quote).join(', ')}) = (SELECT ${values.join(', ')})
             FROM revert_record r, LATERAL jsonb_populate_record(NULL::${quote(table)}, r.old_values) o
            WHERE r.table_name = $1 AND r.operation = 'update' AND t.row_id = r.row_id`,
          [table],
        )
      ).rowCount ?? 0;
    if (n > 0) restored[table] = n;
  }
  return restored;
}

/** Deletes every record the batch created, children first. */
async function deleteCreated(client: pg.ClientBase): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const table of await tablesWith(client, 'insert', [...REVERTIBLE].reverse())) {
    const n =
      (
        await client.query(
          `DELETE FROM ${quote(table)} WHERE row_id IN (
             SELECT row_id FROM revert_record WHERE table_name = $1 AND operation = 'insert')`,
          [table],
        )
      ).rowCount ?? 0;
    if (n > 0) deleted[table] = n;
  }
  return deleted;
}

/** A column name as an SQL string literal (the names come from the catalog). */
function pgLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Reverts import batch `batch` (of study `studyId`, when given) in the caller's transaction,
 * which needs a reason; refuses, changing nothing, when it cannot be reverted.
 */
export async function revertImportBatch(
  tx: Transaction,
  batch: number,
  options: { readonly studyId?: string | undefined } = {},
): Promise<RevertResult> {
  if (!tx.reason)
    throw new JiaError(
      'REASON_REQUIRED',
      `reverting batch ${batch} deletes and restores stored records: give the reason (--reason)`,
    );
  const client = tx.client;
  const found = await revertibleBatch(tx, batch, options.studyId);
  // No import of the study runs meanwhile (the import's own lock).
  await client.query("SELECT pg_advisory_xact_lock(hashtext('jia-trial import ' || $1))", [
    found.studyId,
  ]);
  await collectRecords(client, batch);
  const blockers = [
    ...(await laterChanges(client, batch)),
    ...(await laterReferences(client, found.studyId)),
  ];
  if (blockers.length > 0) {
    const issues: Issue[] = blockers.slice(0, BLOCKERS_LISTED);
    throw new JiaError(
      'BATCH_NOT_REVERTIBLE',
      `batch ${batch} of study ${found.studyId} cannot be reverted: ${blockers.length >= BLOCKERS_LISTED ? 'at least ' : ''}${blockers.length} later change(s) touch what it wrote; nothing was changed`,
      { issues, details: { studyId: found.studyId, batch } },
    );
  }
  const restored = await restoreChanged(client);
  const deleted = await deleteCreated(client);
  const own = await recordImportBatch(client, {
    studyId: found.studyId,
    source: 'revert',
    origin: found.origin,
    summary: { deleted, restored },
    reverts: batch,
  });
  await client.query(
    'UPDATE import_batch SET reverted_by = $3 WHERE study_id = $1 AND batch_id = $2',
    [found.studyId, batch, own],
  );
  return { studyId: found.studyId, reverted: batch, batch: own, deleted, restored };
}
