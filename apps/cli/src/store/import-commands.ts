/**
 * `jia-trial import`: a bundle (a folder of CSV files) or an ODM file (exchange-commands.ts)
 * through one path, importStaged: the plan, the refusals, one transaction that is one recorded
 * audit batch, and the same output; `import --dry-run` prints the plan and changes nothing;
 * `import --revert BATCH` undoes a batch by new audited changes; `audit batches` lists a study's
 * batches (docs/data-management.md, "Importing safely").
 */
import { basename, resolve } from 'node:path';
import { STUDY_FILE, STUDY_ID_PATTERN } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { readValidBundle, type StudyFile } from '@jia-trial/interop';
import {
  type ImportResult,
  importBundle,
  listImportBatches,
  revertImportBatch,
  type StagedFile,
  type Transaction,
  withTransaction,
} from '@jia-trial/store';
import { printBatches, printImport, printRevert } from './import-output.js';
import { cliActor, type StoreIo, withStore } from './store-commands.js';

export interface ImportOptions {
  readonly study?: string | undefined;
  readonly reason?: string | undefined;
  readonly actor?: string | undefined;
  /** Replace records changed since the export or by someone else (needs a reason). */
  readonly replace?: boolean;
  /** Add subjects to a study that holds subjects (needs a reason). */
  readonly addSubjects?: boolean;
  /** Print the plan and change nothing. */
  readonly dryRun?: boolean;
  readonly maxErrors: number;
  readonly json: boolean;
}

/** The options' own rules, checked before anything is read. */
function checkImportOptions(options: ImportOptions): void {
  for (const [flag, given] of [
    ['--replace', options.replace],
    ['--add-subjects', options.addSubjects],
  ] as const)
    if (given && !options.reason?.trim() && !options.dryRun)
      throw new JiaError(
        'USAGE_ERROR',
        flag === '--replace'
          ? '--replace overwrites records changed by someone else: give the reason with --reason'
          : '--add-subjects adds subjects to a study that holds subjects: give the reason with --reason (recorded with every record added)',
      );
}

/** A study id given or derived, checked. */
export function checkedStudyId(studyId: string, hint: string): string {
  if (!STUDY_ID_PATTERN.test(studyId))
    throw new JiaError(
      'USAGE_ERROR',
      `study id ${JSON.stringify(studyId)} is not valid (letters, digits, . _ -; at most 64)${hint}`,
    );
  return studyId;
}

/**
 * The study a bundle is imported into: its study file's, which `--study` must not contradict;
 * without a study file, `--study`, else the folder's name.
 */
export function bundleStudyId(dir: string, study: StudyFile | null, given: string | undefined) {
  if (study && given !== undefined && given !== study.studyId)
    throw new JiaError(
      'STUDY_MISMATCH',
      `the bundle's ${STUDY_FILE} says it is study ${study.studyId}, not ${given}; nothing was imported (leave --study out to import it into ${study.studyId})`,
      { details: { bundleStudy: study.studyId, study: given } },
    );
  return checkedStudyId(
    study?.studyId ?? given ?? basename(resolve(dir)),
    study || given !== undefined ? '' : ': pass --study',
  );
}

/** What importStaged needs to know about where the records come from. */
export interface StagedImport {
  readonly studyId: string;
  readonly files: readonly StagedFile[];
  readonly study: StudyFile | null;
  readonly source: 'bundle' | 'odm';
  /** The folder's or file's name, for the batch record and the output. */
  readonly origin: string;
  /** Work in the import's transaction after a real import (the ODM file's protocol). */
  readonly after?: (tx: Transaction, result: ImportResult) => Promise<void>;
}

/**
 * The one import path of every format: the plan and refusals, one transaction (one audit
 * batch, recorded), the output. A dry run computes the same and commits nothing.
 */
export async function importStaged(
  io: StoreIo,
  staged: StagedImport,
  options: ImportOptions,
): Promise<ImportResult> {
  checkImportOptions(options);
  const result = await withStore(
    io,
    (store) =>
      withTransaction(store, cliActor(options.actor), options.reason, async (tx) => {
        const imported = await importBundle(tx, staged.studyId, staged.files, {
          replace: options.replace === true,
          addSubjects: options.addSubjects === true,
          dryRun: options.dryRun === true,
          study: staged.study ?? undefined,
          source: staged.source,
          origin: staged.origin,
          maxListed: options.maxErrors,
        });
        if (!imported.dryRun) await staged.after?.(tx, imported);
        return imported;
      }).catch((error: unknown) => {
        throw lostDuringImport(error);
      }),
    { interrupted: 'nothing was imported' },
  );
  printImport(io, result, staged, options.json);
  return result;
}

export async function runImport(io: StoreIo, dir: string, options: ImportOptions): Promise<void> {
  checkImportOptions(options);
  // No row is kept: the import streams each file from disk again when it stores it. Only the
  // files are kept, so that the validation's visit table is freed before the import.
  const { files, study } = readValidBundle(dir, options.maxErrors, undefined, { keepRows: false });
  await importStaged(
    io,
    {
      studyId: bundleStudyId(dir, study, options.study),
      files,
      study,
      source: 'bundle',
      origin: basename(resolve(dir)),
    },
    options,
  );
}

/** A connection lost during the import, with what became of the import and what to do. */
function lostDuringImport(error: unknown): unknown {
  if (!(error instanceof JiaError) || error.code !== 'DATABASE_UNAVAILABLE') return error;
  return new JiaError(
    'DATABASE_UNAVAILABLE',
    `${error.message}; the import is one transaction, which the database rolls back unless it had already committed: run the import again when the database is back (a bundle already imported changes nothing)`,
    { cause: error },
  );
}

/** `--revert BATCH`: a batch number as the import and `audit batches` print it. */
export function parseBatch(text: string): number {
  if (!/^\d{1,15}$/.test(text.trim()))
    throw new JiaError(
      'USAGE_ERROR',
      `--revert ${text}: expected a batch number (jia-trial audit batches --study ID lists them)`,
    );
  return Number(text.trim());
}

export interface RevertOptions {
  readonly study?: string | undefined;
  readonly reason?: string | undefined;
  readonly actor?: string | undefined;
  readonly json: boolean;
}

export async function runRevert(io: StoreIo, batch: number, options: RevertOptions): Promise<void> {
  if (!options.reason?.trim())
    throw new JiaError(
      'USAGE_ERROR',
      '--revert deletes and restores stored records: give the reason with --reason',
    );
  const result = await withStore(
    io,
    (store) =>
      withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
        revertImportBatch(tx, batch, { studyId: options.study }),
      ),
    { interrupted: 'nothing was reverted' },
  );
  printRevert(io, result, options.json);
}

export async function runAuditBatches(
  io: StoreIo,
  options: { readonly study: string; readonly json: boolean },
): Promise<void> {
  const batches = await withStore(io, (store) => listImportBatches(store, options.study));
  printBatches(io, options.study, batches, options.json);
}
