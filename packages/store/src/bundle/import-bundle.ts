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
 * every insert and update in the same transaction, one audit batch, which the import records as
 * its batch (import-batches.ts) so that it can be listed and reverted (revert-batch.ts).
 *
 * Before writing anything it computes its plan (import-plan.ts) and meets its refusals, in this
 * order: a record breaking a rule of the database (VALIDATION_FAILED), a record changed since
 * the export or by someone else (VERSION_CONFLICT, unless --replace), new subjects for a study
 * that holds subjects (ADD_SUBJECTS_REQUIRED, unless --add-subjects), changes without a reason
 * (REASON_REQUIRED). A dry run collects them all with the plan and writes nothing.
 */
import { BUNDLE_FILES, type BundleFileName } from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import type { Transaction } from '../transaction.js';
import { refuseLockedRecords } from './check-locks.js';
import { refuseRuleBreaches } from './check-rules.js';
import { recordImportBatch } from './import-batches.js';
import { type ImportPlan, newSubjects, planFiles, type SubjectPlan } from './import-plan.js';
import { changedKeys, merge, refusal, refuseConflicts, stageFile } from './import-steps.js';
import { type MergePlan, plan } from './merge-plan.js';

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

/** The study file's values (study.csv): whether the data are synthetic. */
export interface StudyFileValues {
  readonly synthetic: boolean;
}

export interface ImportOptions {
  /**
   * Replace stored records even where they were changed since the bundle was exported, or by
   * someone else (`jia-trial import --replace`, which needs a reason, recorded with each change).
   */
  readonly replace?: boolean;
  /**
   * Add subjects to a study that already holds subjects (`--add-subjects`, which needs a
   * reason). Without it such an import is refused (ADD_SUBJECTS_REQUIRED).
   */
  readonly addSubjects?: boolean;
  /** Compute the plan and every refusal, and write nothing (`--dry-run`). */
  readonly dryRun?: boolean;
  /** The bundle's study file, when it has one. */
  readonly study?: StudyFileValues | undefined;
  /** Where the records come from, for the batch record: bundle (default) or odm. */
  readonly source?: 'bundle' | 'odm';
  /** The bundle folder's or file's name, for the batch record. */
  readonly origin?: string | null;
  /** How many subjects an ADD_SUBJECTS_REQUIRED lists (default 100; all are counted). */
  readonly maxListed?: number;
}

export interface ImportResult {
  readonly studyId: string;
  readonly createdStudy: boolean;
  readonly createdSites: readonly string[];
  /** What was done (a dry run: nothing; its counts are the plan's). */
  readonly files: readonly FileImportCounts[];
  /** What the import would do, computed before it did it. */
  readonly plan: ImportPlan;
  /** The audit batch of the import (`import --revert BATCH`), or null when nothing changed. */
  readonly batch: number | null;
  readonly dryRun: boolean;
  /**
   * A dry run: the refusals the import as asked would meet (in the order it would meet them),
   * each as the error it would raise; empty when it would go through. Always empty otherwise.
   */
  readonly refusals: readonly JiaError[];
}

/** ADD_SUBJECTS_REQUIRED, listing by subject code what the import would add or change. */
function addSubjectsRefusal(plan: ImportPlan, maxListed: number): JiaError {
  const touched = plan.subjects.filter((s) => s.added + s.changed > 0);
  const fresh = newSubjects(plan);
  const counts = (s: SubjectPlan, pick: 'added' | 'changed') =>
    s.files
      .filter((f) => f[pick] > 0)
      .map((f) => `${f.file} ${f[pick]}`)
      .join(', ');
  const issues: Issue[] = touched.slice(0, maxListed).map((s) => ({
    path: `subject ${s.subjectId}`,
    record: s.subjectId,
    message: [
      s.status === 'new' ? 'new subject' : 'stored subject',
      s.added > 0 ? `would add ${counts(s, 'added')}` : null,
      s.changed > 0 ? `would change ${counts(s, 'changed')}` : null,
    ]
      .filter((part) => part !== null)
      .join(': '),
  }));
  const added = plan.files.reduce((n, f) => n + f.added, 0);
  const changed = plan.files.reduce((n, f) => n + f.changed, 0);
  return new JiaError(
    'ADD_SUBJECTS_REQUIRED',
    `study ${plan.studyId} holds ${plan.storedSubjects} subject(s); the bundle would add ${fresh.length} new subject(s) (${fresh
      .slice(0, 10)
      .map((s) => s.subjectId)
      .join(
        ', ',
      )}${fresh.length > 10 ? ', ...' : ''}), ${added} record(s) in all, and change ${changed} stored record(s); nothing was imported. Check that the bundle belongs to this study; to add them, import with --add-subjects --reason "..."`,
    {
      issues,
      moreIssues: touched.length - issues.length,
      details: { studyId: plan.studyId, newSubjects: fresh.length, added, changed },
    },
  );
}

/** The study's stored state: whether it exists, its subjects, its synthetic flag. */
async function storedStudy(client: pg.PoolClient, studyId: string) {
  const result = await client.query<{ synthetic: boolean; subjects: string }>(
    `SELECT synthetic, (SELECT count(*) FROM subject WHERE study_id = $1)::text AS subjects
       FROM study WHERE study_id = $1`,
    [studyId],
  );
  const row = result.rows[0];
  return row
    ? { exists: true, synthetic: row.synthetic, subjects: Number(row.subjects) }
    : { exists: false, synthetic: null, subjects: 0 };
}

/** The sites of the staged subjects that the study does not have. */
async function missingSites(client: pg.PoolClient, studyId: string, staged: boolean) {
  if (!staged) return [];
  const result = await client.query<{ site: string }>(
    `SELECT DISTINCT s.site FROM stage_subject s
      WHERE NOT EXISTS (SELECT 1 FROM site t WHERE t.study_id = $1 AND t.site_code = s.site)
      ORDER BY 1`,
    [studyId],
  );
  return result.rows.map((r) => r.site);
}

/**
 * Runs `check`, which throws the refusal it finds: in a dry run the refusal is collected and the
 * plan goes on; otherwise it is thrown.
 */
async function refuseOrCollect(
  refusals: JiaError[] | null,
  check: () => Promise<void> | void,
): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (refusals && error instanceof JiaError) refusals.push(error);
    else throw error;
  }
}

type Staged = ReadonlyArray<{ readonly staged: StagedFile; readonly plan: MergePlan }>;

/** Stages every file and computes the plan. */
async function stageAndPlan(
  client: pg.PoolClient,
  studyId: string,
  files: readonly StagedFile[],
  study: StudyFileValues | undefined,
): Promise<{ plans: Staged; importPlan: ImportPlan }> {
  const stored = await storedStudy(client, studyId);
  const plans: Array<{ staged: StagedFile; plan: MergePlan }> = [];
  for (const spec of BUNDLE_FILES) {
    const staged = files.find((f) => f.file === spec.file);
    if (!staged) continue;
    const p = plan(spec, staged.columns);
    await stageFile(client, staged, p).catch(refusal(spec.file));
    plans.push({ staged, plan: p });
  }
  const merges = plans.map(({ plan: p }) => p);
  const synthetic = study?.synthetic;
  const importPlan: ImportPlan = {
    studyId,
    studyExists: stored.exists,
    storedSubjects: stored.subjects,
    newSites: await missingSites(
      client,
      studyId,
      merges.some((p) => p.spec.table === 'subject'),
    ),
    syntheticChange:
      synthetic !== undefined && synthetic !== stored.synthetic
        ? { from: stored.synthetic, to: synthetic }
        : null,
    ...(await planFiles(client, studyId, merges)),
  };
  return { plans, importPlan };
}

/** The stored records the import would change, per file, as REASON_REQUIRED lists them. */
async function changesListed(
  client: pg.PoolClient,
  plans: Staged,
  importPlan: ImportPlan,
): Promise<string[]> {
  const changes: string[] = [];
  for (const { plan: p } of plans) {
    const changed = await changedKeys(client, importPlan.studyId, p);
    if (changed.count > 0)
      changes.push(
        `${p.spec.file}: ${changed.count} stored record(s) would change: ${changed.keys.join('; ')}${changed.count > changed.keys.length ? '; ...' : ''}`,
      );
  }
  const flag = importPlan.syntheticChange;
  if (flag && importPlan.studyExists)
    changes.push(
      `study.csv: the study's synthetic flag would change from ${flag.from} to ${flag.to}`,
    );
  return changes;
}

/**
 * Meets the import's refusals in order (see the header): throws the first, or in a dry run
 * (`refusals` given) collects them all.
 */
async function meetRefusals(
  tx: Transaction,
  plans: Staged,
  importPlan: ImportPlan,
  options: ImportOptions,
  refusals: JiaError[] | null,
): Promise<void> {
  const { client } = tx;
  const { studyId } = importPlan;
  const merges = plans.map(({ plan: p }) => p);
  await refuseOrCollect(refusals, () => refuseRuleBreaches(client, studyId, merges));
  // A record under a lock in force is never written, by any path (ADR 0036).
  await refuseOrCollect(refusals, () => refuseLockedRecords(client, studyId, merges));
  if (!options.replace)
    await refuseOrCollect(refusals, () => refuseConflicts(client, studyId, plans, tx.actor));
  // A study that holds subjects takes new ones only when asked: another trial's bundle (or a
  // folder of the same name) would otherwise be merged into it (issue 16).
  if (importPlan.storedSubjects > 0 && newSubjects(importPlan).length > 0 && !options.addSubjects)
    await refuseOrCollect(refusals, () => {
      throw addSubjectsRefusal(importPlan, options.maxListed ?? 100);
    });
  const changes = await changesListed(client, plans, importPlan);
  if ((changes.length > 0 || options.addSubjects) && !tx.reason)
    await refuseOrCollect(refusals, () => {
      throw new JiaError(
        'REASON_REQUIRED',
        changes.length > 0
          ? `the bundle changes records already stored in study ${studyId}; a reason for change is required (--reason):\n${changes.join('\n')}`
          : `adding subjects to study ${studyId} needs a reason (--reason), recorded with each record added`,
      );
    });
}

/** Writes the study row, the new sites and every file's records; records the batch. */
async function write(
  client: pg.PoolClient,
  plans: Staged,
  importPlan: ImportPlan,
  options: ImportOptions,
): Promise<ImportResult> {
  const { studyId, syntheticChange } = importPlan;
  const createdStudy =
    ((
      await client.query(
        'INSERT INTO study (study_id, synthetic) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [studyId, options.study?.synthetic === true],
      )
    ).rowCount ?? 0) > 0;
  if (!createdStudy && syntheticChange)
    await client.query('UPDATE study SET synthetic = $2 WHERE study_id = $1', [
      studyId,
      syntheticChange.to,
    ]);
  const createdSites =
    importPlan.newSites.length > 0
      ? (
          await client.query<{ site_code: string }>(
            `INSERT INTO site (study_id, site_code) SELECT $1, unnest($2::text[])
             ORDER BY 2 RETURNING site_code`,
            [studyId, importPlan.newSites],
          )
        ).rows.map((r) => r.site_code)
      : [];
  const counts: FileImportCounts[] = [];
  for (const { plan: p } of plans)
    counts.push(await merge(client, studyId, p).catch(refusal(p.spec.file)));
  const wrote =
    createdStudy ||
    syntheticChange !== null ||
    createdSites.length > 0 ||
    counts.some((c) => c.inserted + c.updated > 0);
  const batch = wrote
    ? await recordImportBatch(client, {
        studyId,
        source: options.source ?? 'bundle',
        origin: options.origin ?? null,
        summary: Object.fromEntries(
          counts.map((c) => [c.file, { inserted: c.inserted, updated: c.updated }]),
        ),
        subjectsAdded: newSubjects(importPlan).length,
      })
    : null;
  return {
    studyId,
    createdStudy,
    createdSites,
    files: counts,
    plan: importPlan,
    batch,
    dryRun: false,
    refusals: [],
  };
}

/**
 * Stores a validated bundle as study `studyId`, all or nothing, as one audit batch recorded in
 * import_batch (import-batches.ts); or, as a dry run, computes what it would do and writes
 * nothing. The files must have passed the bundle validation (every reference resolvable within
 * the bundle); a database error rolls the whole import back.
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
  const { plans, importPlan } = await stageAndPlan(client, studyId, files, options.study);
  if (!options.dryRun) {
    await meetRefusals(tx, plans, importPlan, options, null);
    return write(client, plans, importPlan, options);
  }
  const refusals: JiaError[] = [];
  await meetRefusals(tx, plans, importPlan, options, refusals);
  const nothing = { createdStudy: false, createdSites: [], files: [], batch: null };
  return { studyId, ...nothing, plan: importPlan, dryRun: true, refusals };
}
