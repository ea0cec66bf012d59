/**
 * A bundle's study file, `study.csv` (docs/bundle-format.md, "study.csv"; ADR 0035): the study
 * the bundle belongs to and whether its patients are invented, so that a bundle is imported into
 * its own study (a mismatch with `--study` is refused, and without `--study` its id is used, not
 * the folder's name) and every report of a synthetic bundle says so. One header row and one
 * record, like every bundle file; optional (a bundle without it is read as before). Export
 * writes it (the store's exportBundle), so a round trip keeps it. Its name and columns are the
 * dictionary's (STUDY_FILE, STUDY_FILE_COLUMNS).
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { STUDY_FILE, STUDY_FILE_COLUMNS, STUDY_ID_PATTERN } from '@jia-trial/dictionary';
import { CsvReader, CsvSyntaxError } from '../csv/csv-reader.js';
import { semicolonSeparatedHeader, unknownColumn } from '../csv/header-hints.js';
import { openBundleFile } from './bundle-file.js';
import type { ProblemList } from './bundle-problems.js';

export interface StudyFile {
  /** The study's id (`--study`'s rule: letters, digits, `.`, `_`, `-`; at most 64). */
  readonly studyId: string;
  /** The patients are invented: every report says so. */
  readonly synthetic: boolean;
}

/** A study file is a line or two: a larger one is not one. */
const MAX_BYTES = 64 * 1024;

function readAll(fd: number, file: string, problems: ProblemList): string[][] | null {
  const size = fstatSync(fd).size;
  if (size > MAX_BYTES) {
    problems.add({
      file,
      line: 0,
      column: null,
      message: `is ${size} bytes; a study file has one header row and one record`,
    });
    return null;
  }
  const bytes = new Uint8Array(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, bytes, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  const records: string[][] = [];
  try {
    const reader = new CsvReader((record) => {
      records.push(Array.from({ length: record.fieldCount }, (_, i) => record.text(i)));
    });
    reader.push(bytes.subarray(0, read));
    reader.end();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    problems.add({ file, line: error.line, column: null, message: error.reason });
    return null;
  }
  return records;
}

function checkHeader(header: readonly string[], file: string, problems: ProblemList): boolean {
  const known: readonly string[] = STUDY_FILE_COLUMNS;
  const before = problems.countFor(file);
  const semicolons = semicolonSeparatedHeader(header, known);
  if (semicolons !== null) {
    problems.add({ file, line: 1, column: null, message: semicolons });
    return false;
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (!known.includes(name)) {
      const unknown = unknownColumn(name, known);
      problems.add({ file, line: 1, column: unknown.column, message: unknown.message });
    } else if (seen.has(name))
      problems.add({ file, line: 1, column: name, message: 'column appears twice in the header' });
    seen.add(name);
  }
  if (!seen.has('study_id'))
    problems.add({
      file,
      line: 1,
      column: 'study_id',
      message: 'required column is missing from the header',
    });
  return problems.countFor(file) === before;
}

/** `true` or `false`, as every bundle boolean (Excel's TRUE/FALSE refused with the fix: ADR 0029). */
function syntheticValue(text: string, problems: ProblemList): boolean | null {
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  problems.add({
    file: STUDY_FILE,
    line: 2,
    column: 'synthetic',
    message:
      text.toLowerCase() === 'true' || text.toLowerCase() === 'false'
        ? `${text} is not a boolean here: write ${text.toLowerCase()} (lower case; Excel writes TRUE and FALSE)`
        : `${JSON.stringify(text)} is not a boolean: true or false`,
  });
  return null;
}

/**
 * The bundle's study file, checked; null when the bundle has none, or when it has problems
 * (added to `problems`, as every bundle file's are).
 */
export function readStudyFile(dir: string, problems: ProblemList): StudyFile | null {
  const file = STUDY_FILE;
  const opened = openBundleFile(join(dir, file));
  if (opened.kind === 'missing') return null;
  if (opened.kind === 'refused') {
    problems.add({ file, line: 0, column: null, message: opened.reason });
    return null;
  }
  let records: string[][] | null;
  try {
    records = readAll(opened.fd, file, problems);
  } finally {
    closeSync(opened.fd);
  }
  if (!records) return null;
  const [header, ...rows] = records;
  if (!header) {
    problems.add({
      file,
      line: 1,
      column: null,
      message: 'the file is empty: a header row is required',
    });
    return null;
  }
  if (!checkHeader(header, file, problems)) return null;
  if (rows.length !== 1) {
    problems.add({
      file,
      line: rows.length === 0 ? 1 : 3,
      column: null,
      message: `a study file holds exactly one record (the study), not ${rows.length}`,
    });
    return null;
  }
  const row = rows[0] as string[];
  const value = (name: string) => row[header.indexOf(name)] ?? '';
  const studyId = value('study_id');
  const before = problems.countFor(file);
  if (!STUDY_ID_PATTERN.test(studyId))
    problems.add({
      file,
      line: 2,
      column: 'study_id',
      message:
        studyId === ''
          ? 'required value is empty'
          : `${JSON.stringify(studyId)} is not a study id (letters, digits, . _ -; at most 64, starting with a letter or digit)`,
    });
  const synthetic = syntheticValue(value('synthetic'), problems);
  if (problems.countFor(file) > before || synthetic === null) return null;
  return { studyId, synthetic };
}
