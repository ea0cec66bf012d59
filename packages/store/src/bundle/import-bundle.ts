/**
 * Storing a validated study bundle in one transaction: each file's records are copied (COPY, in
 * PostgreSQL's own CSV format, the validated record bytes as they were read) into a temporary
 * staging table, then merged into the study's tables with one statement per step:
 * - records that are new are inserted;
 * - records whose values differ are updated, which needs a reason for change (without one the
 *   import is refused and the changed records are listed);
 * - records already stored with the same values are left alone, so a re-import changes nothing;
 * - records in the database but absent from the bundle are kept and counted (an import never
 *   deletes clinical data);
 * - records a lock in force covers are never inserted or changed: the import is refused with
 *   every such record named (check-locks.ts).
 * Columns absent from a file's header are not compared or changed. The audit triggers record
 * every insert and update in the same transaction.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BUNDLE_FILES, type BundleFileName, dbColumn } from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { translateDatabaseError } from '../errors.js';
import type { Actor, Transaction } from '../transaction.js';
import { refuseLockedRecords } from './check-locks.js';
import { refuseRuleBreaches } from './check-rules.js';
import {
  differs,
  keyText,
  LINE_COLUMN,
  type MergePlan,
  plan,
  quote,
  VERSION,
  valueExpression,
} from './merge-plan.js';

/** One bundle file after validation: its header and its records as CSV bytes. */
export interface StagedFile {
  readonly file: BundleFileName;
  /** The header's column names, in file order (each a column of the file's spec). */
  readonly columns: readonly string[];
  /**
   * The records without the header, as CSV bytes in chunks (split anywhere): each record, then
   * one more field, its line in the file (for the problems the import finds), then LF. A
   * function, called once when the file is staged, so that the records can be streamed from
   * disk rather than held in memory (interop's bundleRecords).
   */
  readonly records: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

export interface FileImportCounts {
  readonly file: BundleFileName;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Stored records of the study that the file does not contain (kept). */
  readonly kept: number;
}

export interface ImportResult {
  readonly studyId: string;
  readonly createdStudy: boolean;
  readonly createdSites: readonly string[];
  readonly files: readonly FileImportCounts[];
}

/** How many changed records an import without a reason lists. */
const CHANGES_LISTED = 20;

async function stageFile(client: pg.PoolClient, staged: StagedFile, p: MergePlan): Promise<void> {
  const columns = p.spec.columns.map((c) => `${quote(c.name)} text`).join(', ');
  await client.query(
    `CREATE TEMP TABLE ${p.stage} (${columns}, ${LINE_COLUMN} integer) ON COMMIT DROP`,
  );
  const list = staged.columns.map(quote).join(', ');
  // FORCE_NULL: a quoted empty cell ("") is missing too, as the validator read it. The records
  // come in chunks of about 64 KiB (one message per record made COPY ten times slower), read
  // as COPY takes them: the pipeline's backpressure bounds what is in memory.
  const copy = client.query(
    copyFrom(
      `COPY ${p.stage} (${list}, ${LINE_COLUMN}) FROM STDIN WITH (FORMAT csv, FORCE_NULL (${list}))`,
    ),
  );
  await pipeline(Readable.from(staged.records()), copy);
}

async function changedKeys(client: pg.PoolClient, studyId: string, p: MergePlan) {
  const key = keyText(p);
  const result = await client.query<{ key: string; n: string }>(
    `SELECT ${key} AS key, count(*) OVER () AS n FROM ${p.spec.table} t JOIN ${p.stage} s ON ${p.keyMatch}
      WHERE ${differs(p)} ORDER BY 1 LIMIT ${CHANGES_LISTED}`,
    [studyId],
  );
  return { count: Number(result.rows[0]?.n ?? 0), keys: result.rows.map((r) => r.key) };
}

async function merge(
  client: pg.PoolClient,
  studyId: string,
  p: MergePlan,
): Promise<FileImportCounts> {
  const { spec } = p;
  const updated =
    p.compared.length === 0
      ? 0
      : ((
          await client.query(
            `UPDATE ${spec.table} t SET ${p.compared
              .map((c) => `${quote(dbColumn(spec, c.name))} = ${valueExpression(c, p.present)}`)
              .join(', ')} FROM ${p.stage} s WHERE ${p.keyMatch} AND ${differs(p)}`,
            [studyId],
          )
        ).rowCount ?? 0);
  const insertColumns = p.inserted.map((c) => quote(dbColumn(spec, c.name))).join(', ');
  const insertValues = p.inserted.map((c) => valueExpression(c, p.present)).join(', ');
  const inserted =
    (
      await client.query(
        `INSERT INTO ${spec.table} (study_id, ${insertColumns})
         SELECT $1, ${insertValues} FROM ${p.stage} s
          WHERE NOT EXISTS (SELECT 1 FROM ${spec.table} t WHERE ${p.keyMatch})`,
        [studyId],
      )
    ).rowCount ?? 0;
  const counts = await client.query<{ staged: string; stored: string }>(
    `SELECT (SELECT count(*) FROM ${p.stage}) AS staged,
            (SELECT count(*) FROM ${spec.table} WHERE study_id = $1) AS stored`,
    [studyId],
  );
  const staged = Number(counts.rows[0]?.staged ?? 0);
  const stored = Number(counts.rows[0]?.stored ?? 0);
  return {
    file: spec.file,
    inserted,
    updated,
    unchanged: staged - inserted - updated,
    kept: stored - staged,
  };
}

interface Conflict {
  readonly key: string;
  readonly stored: number;
  readonly given: number | null;
  readonly actor: string | null;
  readonly at: string | null;
}

/**
 * The records the file would replace that it must not replace silently: those whose bundle
 * version is not the stored one (changed since the export), and, where the bundle has no
 * version (a spreadsheet), those whose last change was made by someone other than the importer.
 * Each with who last changed it and when (the record's last audit event).
 */
async function conflicts(
  client: pg.PoolClient,
  studyId: string,
  p: MergePlan,
  actor: Actor,
): Promise<{ count: number; conflicts: Conflict[] }> {
  const given = `CAST(CAST(s.${quote(VERSION)} AS numeric) AS integer)`;
  // The changed records first: the audit trail is read only for them.
  const result = await client.query<Conflict & { n: string }>(
    `WITH changed AS MATERIALIZED (
       SELECT ${keyText(p)} AS key, t.row_id, t.version AS stored, ${given} AS given
         FROM ${p.spec.table} t JOIN ${p.stage} s ON ${p.keyMatch}
        WHERE ${differs(p)})
     SELECT c.key, c.stored, c.given, last.actor,
            to_char(last.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS at,
            count(*) OVER () AS n
       FROM changed c
       LEFT JOIN LATERAL (
         SELECT e.actor, e.actor_id, e.occurred_at FROM audit_event e
          WHERE e.table_name = $2 AND e.row_id = c.row_id ORDER BY e.event_id DESC LIMIT 1) last ON true
      WHERE c.given <> c.stored
         OR (c.given IS NULL
             AND NOT (last.actor_id = $3 OR (last.actor_id IS NULL AND last.actor IN ($3, $4))))
      ORDER BY 1 LIMIT ${CHANGES_LISTED}`,
    [studyId, p.spec.table, actor.id, actor.name],
  );
  return { count: Number(result.rows[0]?.n ?? 0), conflicts: result.rows };
}

function conflictIssue(file: BundleFileName, c: Conflict): Issue {
  const changed = c.actor ? `, last changed by ${c.actor}${c.at ? ` on ${c.at}` : ''}` : '';
  return {
    path: `${file}/${c.key}`,
    file,
    record: c.key,
    message:
      c.given === null
        ? `the bundle has no version of it, and the stored record (version ${c.stored}${changed}) was changed by someone else`
        : `the bundle has version ${c.given}, the stored record is at version ${c.stored}${changed}`,
  };
}

/**
 * A database refusal of a file's records, naming the file and the constraint. The validation and
 * refuseRuleBreaches should have caught it first: this is the safety net (the whole import is
 * rolled back). PostgreSQL's message and detail are not repeated: the detail of a CHECK
 * violation is the failing row, clinical data that must not reach a log. The audit triggers' own
 * refusals, and a lost connection, pass through.
 */
function refusal(file: BundleFileName): (error: unknown) => never {
  return (error) => {
    // A lost connection (a socket's ECONNRESET as well as SQLSTATE 08...) and the codes the store
    // knows are its own errors, never a refused record.
    const translated = translateDatabaseError(error);
    if (translated !== error) throw translated;
    const e = error as { code?: string; constraint?: string; column?: string; where?: string };
    if (error instanceof JiaError || e.code?.startsWith('JT') || typeof e.code !== 'string')
      throw error;
    if (/^(08|57P0)/.test(e.code)) throw error;
    // COPY's context names the line of the staged data ("COPY stage_visit, line 12"), which is
    // the record's position, not the file's line: only the constraint or column is named.
    const what = e.constraint
      ? `constraint ${e.constraint}`
      : e.column
        ? `column ${e.column}`
        : `SQLSTATE ${e.code}`;
    throw new JiaError(
      'DATABASE_REFUSED',
      `${file}: the database refused a record (${what}); nothing was imported`,
      {
        details: { file, sqlstate: e.code, ...(e.constraint ? { constraint: e.constraint } : {}) },
      },
    );
  };
}

export interface ImportOptions {
  /**
   * Replace stored records even where they were changed since the bundle was exported, or by
   * someone else (`jia-trial import --replace`, which needs a reason, recorded with each change).
   */
  readonly replace?: boolean;
}

/** VERSION_CONFLICT naming every record the bundle must not replace, when there are any. */
async function refuseConflicts(
  client: pg.PoolClient,
  studyId: string,
  plans: ReadonlyArray<{ plan: MergePlan }>,
  actor: Actor,
): Promise<void> {
  const issues: Issue[] = [];
  let total = 0;
  for (const { plan: p } of plans) {
    const found = await conflicts(client, studyId, p, actor);
    total += found.count;
    issues.push(...found.conflicts.map((c) => conflictIssue(p.spec.file, c)));
  }
  if (total > 0)
    throw new JiaError(
      'VERSION_CONFLICT',
      `the bundle would replace ${total} record(s) of study ${studyId} changed since it was exported or by someone else; nothing was imported (export the study again, or import with --replace and a --reason)`,
      { issues, moreIssues: total - issues.length },
    );
}

/**
 * Stores a validated bundle as study `studyId`, all or nothing. The files must have passed the
 * bundle validation (every reference resolvable within the bundle); a database error rolls the
 * whole import back.
 */
export async function importBundle(
  tx: Transaction,
  studyId: string,
  files: readonly StagedFile[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const client = tx.client;
  // One import per study at a time; other studies import in parallel.
  await client.query("SELECT pg_advisory_xact_lock(hashtext('jia-trial import ' || $1))", [
    studyId,
  ]);
  const createdStudy =
    ((
      await client.query('INSERT INTO study (study_id) VALUES ($1) ON CONFLICT DO NOTHING', [
        studyId,
      ])
    ).rowCount ?? 0) > 0;
  const plans: Array<{ staged: StagedFile; plan: MergePlan }> = [];
  for (const spec of BUNDLE_FILES) {
    const staged = files.find((f) => f.file === spec.file);
    if (!staged) continue;
    const p = plan(spec, staged.columns);
    await stageFile(client, staged, p).catch(refusal(spec.file));
    plans.push({ staged, plan: p });
  }
  await refuseRuleBreaches(
    client,
    studyId,
    plans.map(({ plan: p }) => p),
  );
  await refuseLockedRecords(
    client,
    studyId,
    plans.map(({ plan: p }) => p),
  );
  const changes: string[] = [];
  for (const { plan: p } of plans) {
    const changed = await changedKeys(client, studyId, p);
    if (changed.count > 0)
      changes.push(
        `${p.spec.file}: ${changed.count} stored record(s) would change: ${changed.keys.join('; ')}${changed.count > changed.keys.length ? '; ...' : ''}`,
      );
  }
  if (!options.replace) await refuseConflicts(client, studyId, plans, tx.actor);
  if (changes.length > 0 && !tx.reason)
    throw new JiaError(
      'REASON_REQUIRED',
      `the bundle changes records already stored in study ${studyId}; a reason for change is required (--reason):\n${changes.join('\n')}`,
    );
  const createdSites = plans.some(({ plan: p }) => p.spec.table === 'subject')
    ? (
        await client.query<{ site_code: string }>(
          `INSERT INTO site (study_id, site_code)
           SELECT DISTINCT $1, s.site FROM stage_subject s
            WHERE NOT EXISTS (SELECT 1 FROM site t WHERE t.study_id = $1 AND t.site_code = s.site)
           ORDER BY 2 RETURNING site_code`,
          [studyId],
        )
      ).rows.map((r) => r.site_code)
    : [];
  const counts: FileImportCounts[] = [];
  for (const { plan: p } of plans)
    counts.push(await merge(client, studyId, p).catch(refusal(p.spec.file)));
  return { studyId, createdStudy, createdSites, files: counts };
}
