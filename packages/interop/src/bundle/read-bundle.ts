/**
 * Reading and validating a whole study bundle (docs/bundle-format.md) before anything is
 * stored: every file, every cell, duplicate keys, and every reference between files (a visit's
 * subject must be in subjects.csv, a joint finding's visit in visits.csv, ...). visits.csv is
 * validated by the reader of `jia-trial score`, so a bundle's visits mean exactly what the score
 * command reads. All problems are listed; the result is either staged files or problems.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILES, type BundleFileName } from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type { StagedFile } from '@jia-trial/store';
import { checkAcrossRows } from '../visits-csv/cross-row-checks.js';
import { readVisits } from '../visits-csv/read-visits.js';
import type { VisitTable } from '../visits-csv/visit-table.js';
import { ProblemList } from './bundle-problems.js';
import { type ValidatedFile, validateFile } from './validate-file.js';

/** Larger files are refused before reading (a bundle file of 2 GiB is not a study). */
export const MAX_FILE_BYTES = 2 * 1024 ** 3;
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LF = new Uint8Array([0x0a]);

export interface BundleReading {
  readonly files: StagedFile[];
  readonly problems: ProblemList;
  /** Records per file, for the summary. */
  readonly counts: ReadonlyMap<BundleFileName, number>;
  /** The files other than visits.csv, row by row (for readers of the values, not the bytes). */
  readonly validated: ReadonlyMap<BundleFileName, ValidatedFile>;
  /** visits.csv as read by `jia-trial score`; null when it is missing or has problems. */
  readonly visits: VisitTable | null;
}

/** The visits' records as bytes, by offset in the validated file. */
function visitRecords(path: string, table: VisitTable, problems: ProblemList): Uint8Array[] {
  const records: Uint8Array[] = [];
  const fd = openSync(path, 'r');
  try {
    for (let row = 0; row < table.count; row++) {
      const record = new Uint8Array(table.length[row] as number);
      readSync(fd, record, 0, record.length, table.offset[row] as number);
      // The score reader decodes only the cells it needs as text: check the rest is UTF-8 too.
      try {
        UTF8.decode(record);
      } catch {
        problems.add({
          file: 'visits.csv',
          line: table.line[row] as number,
          column: null,
          message: 'invalid UTF-8 (save the file as UTF-8)',
        });
      }
      records.push(record, LF);
    }
  } finally {
    closeSync(fd);
  }
  return records;
}

function readVisitsFile(path: string, problems: ProblemList, maxProblems: number) {
  const file = 'visits.csv';
  const result = readVisits({ path, fileName: file, fileSize: statSync(path).size, maxProblems });
  const report = (issue: Issue) => problems.addIssue(issue);
  for (const problem of result.problems) report(problem);
  problems.more += result.moreProblems;
  checkAcrossRows(result, file, report);
  return result;
}

export function readBundle(dir: string, maxProblems: number): BundleReading {
  const problems = new ProblemList(maxProblems);
  const known = new Set<string>(BUNDLE_FILES.map((f) => f.file));
  for (const name of readdirSync(dir))
    if (name.toLowerCase().endsWith('.csv') && !known.has(name))
      problems.add({
        file: name,
        line: 0,
        column: null,
        message: `not a bundle file (expected: ${[...known].join(', ')})`,
      });

  const files: StagedFile[] = [];
  const counts = new Map<BundleFileName, number>();
  const validated = new Map<BundleFileName, ValidatedFile>();
  /** Each visit's subject and line; null when visits.csv could not be read. */
  let visits: Map<string, { subject: string; line: number }> | null = null;
  let visitTable: VisitTable | null = null;
  for (const spec of BUNDLE_FILES) {
    const path = join(dir, spec.file);
    if (!existsSync(path)) {
      if (!spec.optional)
        problems.add({
          file: spec.file,
          line: 0,
          column: null,
          message: 'required file is missing',
        });
      continue;
    }
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) {
      problems.add({
        file: spec.file,
        line: 0,
        column: null,
        message: `is ${(size / 1024 ** 3).toFixed(1)} GiB; a bundle file may have at most ${MAX_FILE_BYTES / 1024 ** 3} GiB`,
      });
      continue;
    }
    if (spec.file === 'visits.csv') {
      const before = problems.total;
      const result = readVisitsFile(path, problems, maxProblems);
      if (problems.total > before) continue;
      const records = visitRecords(path, result.table, problems);
      const ids = result.table.ids;
      const table = result.table;
      visitTable = table;
      visits = new Map(
        Array.from({ length: table.count }, (_, row) => [
          ids.id(row),
          {
            subject: table.subjectIds[table.subject[row] as number] as string,
            line: table.line[row] as number,
          },
        ]),
      );
      files.push({ file: spec.file, columns: result.header, records });
      counts.set(spec.file, result.table.count);
      continue;
    }
    const file = validateFile(path, spec, problems);
    if (file.columns.length === 0 && problems.countFor(spec.file) === 0)
      problems.add({
        file: spec.file,
        line: 1,
        column: null,
        message: 'the file is empty: a header row is required',
      });
    validated.set(spec.file, file);
    files.push({ file: spec.file, columns: file.columns, records: file.records });
    counts.set(spec.file, file.rows.length);
  }
  checkReferences(validated, visits, problems);
  return { files, problems, counts, validated, visits: visitTable };
}

/** Every reference between files resolves within the bundle (when the target file was read). */
function checkReferences(
  validated: ReadonlyMap<BundleFileName, ValidatedFile>,
  visits: ReadonlyMap<string, { subject: string; line: number }> | null,
  problems: ProblemList,
): void {
  const subjectFile = validated.get('subjects.csv');
  const subjects = subjectFile && new Set(subjectFile.rows.map((r) => r.values.get('subject_id')));
  if (subjects && visits) checkVisitSubjects(visits, subjects, problems);
  for (const file of validated.values())
    for (const reference of file.spec.references) {
      const [column] = reference.columns as [string];
      const targets = reference.file === 'subjects.csv' ? subjects : visits;
      if (!targets) continue;
      for (const row of file.rows) {
        const value = row.values.get(column);
        if (value !== undefined && !targets.has(value))
          problems.add({
            file: file.spec.file,
            line: row.line,
            column,
            message: `${column === 'visit_id' ? 'visit' : 'subject'} ${value} is not in ${reference.file}`,
          });
      }
    }
}

function checkVisitSubjects(
  visits: ReadonlyMap<string, { subject: string; line: number }>,
  subjects: ReadonlySet<string | undefined>,
  problems: ProblemList,
): void {
  for (const [visitId, visit] of visits)
    if (!subjects.has(visit.subject))
      problems.add({
        file: 'visits.csv',
        line: visit.line,
        column: 'subject_id',
        record: visitId,
        message: `subject ${visit.subject} is not in subjects.csv`,
      });
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
): BundleReading {
  let reading: BundleReading;
  try {
    reading = readBundle(dir, maxProblems);
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
        issues: problems.sorted(BUNDLE_FILES.map((f) => f.file)),
        moreIssues: problems.more,
        // The issues name files within the bundle; this is the bundle they are in.
        details: { bundle: dir },
      },
    );
  return reading;
}
