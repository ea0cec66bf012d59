/**
 * Reading and validating a whole study bundle (docs/bundle-format.md) before anything is
 * stored: every file, every cell, duplicate keys, and every reference between files (a visit's
 * subject must be in subjects.csv, a joint finding's visit in visits.csv, ...). visits.csv is
 * validated by the reader of `jia-trial score`, so a bundle's visits mean exactly what the score
 * command reads. All problems are listed; the result is either staged files or problems.
 */
import { closeSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLE_FILES,
  type BundleFile,
  type BundleFileName,
  STUDY_FILE,
} from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type { StagedFile } from '@jia-trial/store';
import { checkAcrossRows } from '../visits-csv/cross-row-checks.js';
import { readVisits } from '../visits-csv/read-visits.js';
import type { VisitTable } from '../visits-csv/visit-table.js';
import { bundleRecords, type FileIdentity, isUtf8File, openBundleFile } from './bundle-file.js';
import { ProblemList } from './bundle-problems.js';
import { readStudyFile, type StudyFile } from './study-file.js';
import { type ReferenceTargets, type ValidatedFile, validateFile } from './validate-file.js';

/** Larger files are refused before reading (a bundle file of 2 GiB is not a study). */
export const MAX_FILE_BYTES = 2 * 1024 ** 3;
const UTF8_CHUNK_BYTES = 1 << 22;

export interface BundleReading {
  /** The files to store: each streams its records from disk again when staged (bundle-file.ts). */
  readonly files: StagedFile[];
  readonly problems: ProblemList;
  /** Records per file, for the summary. */
  readonly counts: ReadonlyMap<BundleFileName, number>;
  /**
   * The files other than visits.csv, with their rows' values when `keepRows` was asked (for
   * readers of the values, not the bytes); otherwise without rows.
   */
  readonly validated: ReadonlyMap<BundleFileName, ValidatedFile>;
  /**
   * visits.csv as read by `jia-trial score`; null when it is missing or has problems. Without
   * `keepRows` the table holds no values (VisitTable.keepsValues false): ids, subjects, dates.
   */
  readonly visits: VisitTable | null;
  /** The bundle's study file (study.csv), or null when it has none (study-file.ts). */
  readonly study: StudyFile | null;
}

export interface ReadBundleOptions {
  /**
   * Keep every row's values (`validated`, and the visit table's), as bundleTimelines needs
   * them; an import does not, and keeps no row (default true).
   */
  readonly keepRows?: boolean;
}

/**
 * The score reader decodes only the cells it needs as text: check that the rest is UTF-8 too.
 * The whole file is checked first without decoding it (isUtf8File); only when that fails are the
 * records decoded one by one, to name the lines.
 */
function checkVisitsUtf8(fd: number, table: VisitTable, problems: ProblemList): void {
  if (isUtf8File(fd)) return;
  const one = new TextDecoder('utf-8', { fatal: true });
  for (let row = 0; row < table.count; row++) {
    const record = new Uint8Array(table.length[row] as number);
    readSync(fd, record, 0, record.length, table.offset[row] as number);
    try {
      one.decode(record);
    } catch {
      problems.add({
        file: 'visits.csv',
        line: table.line[row] as number,
        column: null,
        message: 'invalid UTF-8 (save the file as UTF-8)',
      });
    }
  }
}

/** The number of line feeds in the file, plus one: at least its number of records. */
function countLines(fd: number): number {
  const buffer = Buffer.allocUnsafe(UTF8_CHUNK_BYTES);
  let lines = 1;
  for (let position = 0; ; ) {
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n === 0) return lines;
    position += n;
    const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
  }
}

function readVisitsFile(reading: Reading, fd: number, path: string, size: number) {
  const { problems, maxProblems } = reading;
  const file = 'visits.csv';
  const result = readVisits({
    path,
    fd,
    fileName: file,
    fileSize: size,
    maxProblems,
    // Sized exactly: the table is most of the import's memory (docs/performance.md, "Import").
    expectedRows: countLines(fd),
    // A reader of the rows' values (bundleTimelines) needs the table's; an import does not.
    keepValues: reading.keepRows,
  });
  const report = (issue: Issue) => problems.addIssue(issue);
  for (const problem of result.problems) report(problem);
  problems.more += result.moreProblems;
  checkAcrossRows(result, file, report);
  return result;
}

/** visits.csv read, validated and checked against subjects.csv; null when it has problems. */
function readVisitsBundleFile(
  reading: Reading,
  fd: number,
  path: string,
  size: number,
): { table: VisitTable; header: readonly string[] } | null {
  const { problems } = reading;
  const before = problems.total;
  const result = readVisitsFile(reading, fd, path, size);
  if (problems.total > before) return null;
  checkVisitsUtf8(fd, result.table, problems);
  checkVisitSubjects(result.table, reading.subjects, problems);
  return { table: result.table, header: result.header };
}

/** Each visit's subject is in subjects.csv (when both were read). */
function checkVisitSubjects(
  table: VisitTable,
  subjects: ReadonlySet<string> | null,
  problems: ProblemList,
): void {
  if (!subjects) return;
  for (let row = 0; row < table.count; row++) {
    const subject = table.subjectIds[table.subject[row] as number] as string;
    if (!subjects.has(subject))
      problems.add({
        file: 'visits.csv',
        line: table.line[row] as number,
        column: 'subject_id',
        record: table.ids.id(row),
        message: `subject ${subject} is not in subjects.csv`,
      });
  }
}

const EMPTY_FILE = 'the file is empty: a header row is required';

/** A file past MAX_FILE_BYTES is refused before it is read. */
function tooLarge(file: string, size: number, problems: ProblemList): boolean {
  if (size <= MAX_FILE_BYTES) return false;
  problems.add({
    file,
    line: 0,
    column: null,
    message: `is ${(size / 1024 ** 3).toFixed(1)} GiB; a bundle file may have at most ${MAX_FILE_BYTES / 1024 ** 3} GiB`,
  });
  return true;
}

/** Every .csv file of the folder is a bundle file. */
function checkFileNames(dir: string, problems: ProblemList): void {
  const known = new Set<string>([STUDY_FILE, ...BUNDLE_FILES.map((f) => f.file)]);
  for (const name of readdirSync(dir))
    if (name.toLowerCase().endsWith('.csv') && !known.has(name))
      problems.add({
        file: name,
        line: 0,
        column: null,
        message: `not a bundle file (expected: ${[...known].join(', ')})`,
      });
}

/** What readBundle has read so far. */
interface Reading {
  readonly problems: ProblemList;
  readonly maxProblems: number;
  readonly keepRows: boolean;
  readonly files: StagedFile[];
  readonly counts: Map<BundleFileName, number>;
  readonly validated: Map<BundleFileName, ValidatedFile>;
  /** The subject ids of subjects.csv (null until read, or when it could not be). */
  subjects: Set<string> | null;
  /** visits.csv when it was read without problems. */
  visits: VisitTable | null;
}

/**
 * The lookup of a file referred to. BUNDLE_FILES lists a file after the files it refers to, so
 * the references are checked as each file is read.
 */
function referenceTargets(reading: Reading): ReferenceTargets {
  return (file) => {
    const { subjects, visits } = reading;
    if (file === 'subjects.csv') return subjects ? (id) => subjects.has(id) : null;
    if (file === 'visits.csv' && visits) return (id) => visits.ids.find(id) >= 0;
    return null;
  };
}

/** Reads one open bundle file into `reading`. */
function readOpenFile(
  reading: Reading,
  spec: BundleFile,
  path: string,
  fd: number,
  identity: FileIdentity,
): void {
  const { problems } = reading;
  const size = Number(identity.size);
  if (tooLarge(spec.file, size, problems)) return;
  const records = () => bundleRecords(path, spec.file, identity);
  if (spec.file === 'visits.csv') {
    const read = readVisitsBundleFile(reading, fd, path, size);
    if (!read) return;
    reading.visits = read.table;
    reading.files.push({ file: spec.file, columns: read.header, records });
    reading.counts.set(spec.file, read.table.count);
    return;
  }
  const ids = spec.file === 'subjects.csv' ? new Set<string>() : null;
  const file = validateFile(path, spec, problems, {
    fd,
    keepRows: reading.keepRows,
    targets: referenceTargets(reading),
    ...(ids ? { onValues: (values) => ids.add(values.get('subject_id') ?? '') } : {}),
  });
  if (ids) reading.subjects = ids;
  if (file.columns.length === 0 && problems.countFor(spec.file) === 0)
    problems.add({ file: spec.file, line: 1, column: null, message: EMPTY_FILE });
  reading.validated.set(spec.file, file);
  reading.files.push({ file: spec.file, columns: file.columns, records });
  reading.counts.set(spec.file, file.count);
}

export function readBundle(
  dir: string,
  maxProblems: number,
  options: ReadBundleOptions = {},
): BundleReading {
  const reading: Reading = {
    problems: new ProblemList(maxProblems),
    maxProblems,
    keepRows: options.keepRows !== false,
    files: [],
    counts: new Map(),
    validated: new Map(),
    subjects: null,
    visits: null,
  };
  checkFileNames(dir, reading.problems);
  const study = readStudyFile(dir, reading.problems);
  for (const spec of BUNDLE_FILES) {
    const path = join(dir, spec.file);
    const opened = openBundleFile(path);
    if (opened.kind !== 'file') {
      const message = opened.kind === 'refused' ? opened.reason : 'required file is missing';
      if (opened.kind === 'refused' || !spec.optional)
        reading.problems.add({ file: spec.file, line: 0, column: null, message });
      continue;
    }
    try {
      readOpenFile(reading, spec, path, opened.fd, opened.identity);
    } finally {
      closeSync(opened.fd);
    }
  }
  const { files, problems, counts, validated, visits } = reading;
  return { files, problems, counts, validated, visits, study };
}

/**
 * Reads and validates a bundle for a caller that needs it whole: a folder that is not one is a
 * USAGE_ERROR; any problem fails with VALIDATION_FAILED listing them all (in file order, then
 * line order), its message ending with `consequence`.
 */
export function readValidBundle(
  dir: string,
  maxProblems: number,
  consequence = 'nothing was imported',
  options: ReadBundleOptions = {},
): BundleReading {
  let reading: BundleReading;
  try {
    reading = readBundle(dir, maxProblems, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new JiaError('USAGE_ERROR', `${dir} is not a bundle folder`);
    throw error;
  }
  const { problems } = reading;
  if (problems.total > 0)
    throw new JiaError(
      'VALIDATION_FAILED',
      `${problems.total} problem(s) in ${dir}; ${consequence}`,
      {
        issues: problems.sorted([STUDY_FILE, ...BUNDLE_FILES.map((f) => f.file)]),
        moreIssues: problems.more,
        // The issues name files within the bundle; this is the bundle they are in.
        details: { bundle: dir },
      },
    );
  return reading;
}
