/**
 * Pass 1 of `jia-trial score`: streams the visits CSV through the strict reader, validates
 * every cell and stores the rows in a VisitTable. Every problem is collected (up to a limit)
 * with its line, visit and column, so that one run lists everything a data manager must fix.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { checkRange, dayNumber, ILAR_CATEGORY_CODES, INPUT_RANGES } from '@jia-trial/outcomes';
import type { DataProblem } from '../cli-errors.js';
import { CsvReader, type CsvRecordView, CsvSyntaxError } from '../csv/csv-reader.js';
import { IdIndex } from './id-index.js';
import { countJointCodeBytes } from './joint-codes.js';
import {
  BOOLEAN_COLUMN_FIELDS,
  BOOLEAN_FIELDS,
  type BooleanField,
  type ColumnKind,
  NUMBER_FIELDS,
  type NumberField,
  VISIT_COLUMNS,
  type VisitColumn,
} from './visit-columns.js';
import { VisitTable } from './visit-table.js';

const READ_CHUNK_BYTES = 1 << 22;
const TRUE = new TextEncoder().encode('true');
const FALSE = new TextEncoder().encode('false');
type IdColumn = 'subject_id' | 'visit_id' | 'baseline_visit_id';
const K_SUBJECT = 1;
const K_VISIT = 2;
const K_BASELINE = 3;
const K_DATE = 4;
const K_CATEGORY = 5;
const K_NUMBER = 6;
const K_BOOLEAN = 7;
const K_JOINT_CODES = 8;
const KIND_CODES: Readonly<Record<IdColumn | Exclude<ColumnKind, 'id'>, number>> = {
  subject_id: K_SUBJECT,
  visit_id: K_VISIT,
  baseline_visit_id: K_BASELINE,
  date: K_DATE,
  category: K_CATEGORY,
  number: K_NUMBER,
  boolean: K_BOOLEAN,
  joint_codes: K_JOINT_CODES,
};
const CATEGORY_BYTES = ILAR_CATEGORY_CODES.map((code) => new TextEncoder().encode(code));

/** The ILAR category index of field i, compared as bytes (no string per row), or -1. */
function categoryOf(record: CsvRecordView, i: number): number {
  for (let c = 0; c < CATEGORY_BYTES.length; c++)
    if (record.equals(i, CATEGORY_BYTES[c] as Uint8Array)) return c;
  return -1;
}

/** A part of the file read on its own (by a worker thread): [start, end), after the header. */
export interface FileRange {
  readonly start: number;
  readonly end: number;
  /** The header record's bytes, replayed first so the reader knows the columns. */
  readonly headerBytes: Uint8Array;
}

export interface ReadOptions {
  readonly path: string;
  readonly fileSize: number;
  readonly maxProblems: number;
  /** Read only [0, end) of the file (the first part when the file is read in parts). */
  readonly end?: number;
  /** Read this later part of the file instead; line numbers then count from the part's start. */
  readonly range?: FileRange;
}

export interface ReadResult {
  readonly table: VisitTable;
  /** visit_id -> row; null for a later part (its ids are indexed when the parts are joined). */
  readonly visitIndex: IdIndex | null;
  /** Line number at which the next part of the file starts. */
  readonly nextLine: number;
  /** Input column names in file order (the header), and the header record's exact bytes. */
  readonly header: readonly string[];
  readonly headerBytes: Uint8Array;
  readonly problems: DataProblem[];
  /** Problems found beyond `maxProblems` (counted, not kept). */
  readonly moreProblems: number;
}

/** Reads and validates a visits CSV, or a part of it. Problems are returned, not thrown. */
export function readVisits(options: ReadOptions): ReadResult {
  const { path, fileSize, maxProblems, range } = options;
  const start = range?.start ?? 0;
  const end = range?.end ?? options.end ?? fileSize;
  // A later part is read after a replayed header line: shift offsets and lines back.
  const replayed = range ? range.headerBytes.length + 1 : 0;
  const offsetShift = start - replayed;
  const lineShift = range ? -1 : 0;
  const table = new VisitTable(Math.ceil((end - start) / 80));
  const problems: DataProblem[] = [];
  let moreProblems = 0;
  let header: string[] = [];
  let headerBytes = new Uint8Array(0);
  let columns: (VisitColumn | undefined)[] = [];
  let jointsColumn = -1;
  let visitIdColumn = -1;
  let activeJointsColumn = -1;
  let headerOk = true;
  const visitIndex = range ? null : new IdIndex(table.visitIds, Math.ceil((end - start) / 80));

  const report = (problem: DataProblem) => {
    if (problems.length < maxProblems) problems.push(problem);
    else moreProblems++;
  };

  const onHeader = (record: CsvRecordView) => {
    header = Array.from({ length: record.fieldCount }, (_, i) => record.text(i));
    headerBytes = record.raw().slice();
    const byName = new Map(VISIT_COLUMNS.map((c) => [c.name, c]));
    const seen = new Set<string>();
    columns = header.map((name) => {
      const def = byName.get(name);
      if (!def) {
        report({
          line: 1,
          visitId: null,
          column: name,
          message: `unknown column (expected one of: ${VISIT_COLUMNS.map((c) => c.name).join(', ')})`,
        });
      } else if (seen.has(name)) {
        report({
          line: 1,
          visitId: null,
          column: name,
          message: 'column appears twice in the header',
        });
      }
      seen.add(name);
      return def;
    });
    for (const def of VISIT_COLUMNS) {
      if (def.required && !seen.has(def.name)) {
        report({
          line: 1,
          visitId: null,
          column: def.name,
          message: 'required column is missing from the header',
        });
      }
    }
    jointsColumn = header.indexOf('active_joint_codes');
    visitIdColumn = header.indexOf('visit_id');
    activeJointsColumn = header.indexOf('active_joints');
    headerOk = problems.length === 0;
    if (headerOk) planColumns();
  };

  // Per-column plan built from the header, so that the row loop does no lookups by name.
  let kinds = new Int8Array(0);
  let targets: number[] = [];
  let lows: number[] = [];
  let highs: number[] = [];
  let integers: boolean[] = [];
  let lastSubject = new Uint8Array(0);
  let lastSubjectIndex = -1;

  const planColumns = () => {
    kinds = new Int8Array(columns.length);
    targets = columns.map(() => -1);
    lows = columns.map(() => 0);
    highs = columns.map(() => 0);
    integers = columns.map(() => false);
    columns.forEach((def, i) => {
      if (!def) return;
      kinds[i] = KIND_CODES[def.kind === 'id' ? (def.name as IdColumn) : def.kind];
      if (def.kind === 'number' && def.field) {
        targets[i] = NUMBER_FIELDS.indexOf(def.field as NumberField);
        const range = INPUT_RANGES[def.field];
        lows[i] = range.min;
        highs[i] = range.max;
        integers[i] = range.integer;
      } else if (def.kind === 'boolean') {
        targets[i] = BOOLEAN_FIELDS.indexOf(BOOLEAN_COLUMN_FIELDS[def.name] as BooleanField);
      }
    });
  };

  const onRow = (record: CsvRecordView) => {
    const row = table.addRow();
    const line = record.line + lineShift;
    const visitId = record.isEmpty(visitIdColumn) ? null : record.text(visitIdColumn);
    let duplicateOf = -1;
    const fail = (i: number, message: string) =>
      report({ line, visitId, column: header[i] ?? null, message });
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i] as number;
      if (record.isEmpty(i)) {
        if (kind === K_SUBJECT || kind === K_VISIT || kind === K_DATE)
          fail(i, 'required value is empty');
        continue;
      }
      switch (kind) {
        case K_SUBJECT: {
          if (record.equals(i, lastSubject)) {
            table.subject[row] = lastSubjectIndex;
            break;
          }
          const text = record.text(i);
          if (text.trim() !== text) {
            fail(i, `${JSON.stringify(text)} has leading or trailing spaces`);
            break;
          }
          const s = table.subjectOf(text);
          table.subject[row] = s;
          lastSubject = record.bytes(i).slice();
          lastSubjectIndex = s;
          break;
        }
        case K_VISIT: {
          const text = visitId as string;
          if (text.trim() !== text)
            fail(i, `${JSON.stringify(text)} has leading or trailing spaces`);
          else if (visitIndex) duplicateOf = visitIndex.add(text, row);
          if (duplicateOf >= 0)
            fail(i, `duplicate visit_id, first used on line ${table.line[duplicateOf]}`);
          break;
        }
        case K_BASELINE: {
          const text = record.text(i);
          if (text.trim() !== text)
            fail(i, `${JSON.stringify(text)} has leading or trailing spaces`);
          else table.baselineIdOf.set(row, text);
          break;
        }
        case K_DATE: {
          const day = parseDateBytes(record.bytes(i));
          if (day === null)
            fail(i, `${JSON.stringify(record.text(i))} is not a valid date (YYYY-MM-DD)`);
          else table.day[row] = day;
          break;
        }
        case K_CATEGORY: {
          const index = categoryOf(record, i);
          if (index < 0) {
            fail(
              i,
              `${JSON.stringify(record.text(i))} is not an ILAR category (${ILAR_CATEGORY_CODES.join(', ')})`,
            );
          } else {
            table.category[row] = index;
          }
          break;
        }
        case K_NUMBER: {
          const value = record.decimal(i);
          const field = NUMBER_FIELDS[targets[i] as number] as NumberField;
          if (Number.isNaN(value))
            fail(i, `${JSON.stringify(record.text(i))} is not a plain decimal number`);
          else if (
            value < (lows[i] as number) ||
            value > (highs[i] as number) ||
            (integers[i] && !Number.isInteger(value))
          ) {
            fail(i, checkRange(field, value) ?? 'out of range');
          } else {
            (table.numberColumns[targets[i] as number] as Float64Array)[row] = value;
          }
          break;
        }
        case K_BOOLEAN: {
          const column = table.booleanColumns[targets[i] as number] as Int8Array;
          if (record.equals(i, TRUE)) column[row] = 1;
          else if (record.equals(i, FALSE)) column[row] = 0;
          else fail(i, `${JSON.stringify(record.text(i))} must be true or false`);
          break;
        }
        // K_JOINT_CODES: after the loop, since it checks active_joints against the codes.
      }
    }
    if (jointsColumn >= 0 && !record.isEmpty(jointsColumn)) {
      const counts = countJointCodeBytes(record.bytes(jointsColumn));
      const given = table.numbers.activeJoints[row] as number;
      if (counts.error !== null) {
        fail(jointsColumn, counts.error);
      } else if (!Number.isNaN(given) && given !== counts.active) {
        fail(
          activeJointsColumn,
          `${given} disagrees with the ${counts.active} joints listed in active_joint_codes`,
        );
      } else {
        table.numbers.activeJoints[row] = counts.active;
        table.activeJoints27[row] = counts.active27;
      }
    } else if (table.numbers.activeJoints[row] === 0) {
      table.activeJoints27[row] = 0; // no active joint at all: none in the 27-joint subset either
    }
    // A row with problems stays in the table (so a later duplicate of it is still reported);
    // it is never scored, since any problem stops the command before output.
    table.visitIds[row] = visitId ?? '';
    table.line[row] = line;
    table.offset[row] = record.offset + offsetShift;
    table.length[row] = record.byteLength;
  };

  const reader = new CsvReader((record) => {
    if (record.index === 0) onHeader(record);
    else if (headerOk) onRow(record);
  });
  const fd = openSync(path, 'r');
  try {
    if (range) reader.push(Uint8Array.from([...range.headerBytes, 10]));
    const buffer = new Uint8Array(READ_CHUNK_BYTES);
    for (let position = start; position < end; ) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (n === 0) break;
      position += n;
      reader.push(buffer.subarray(0, n));
      if (!headerOk) break; // a wrong header makes every row's errors meaningless
    }
    if (headerOk) reader.end();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    report({
      line: error.line + lineShift,
      visitId: null,
      column: error.field === null ? null : (header[error.field - 1] ?? null),
      message: error.message.replace(/^line \d+(, field \d+)?: /, ''),
    });
  } finally {
    closeSync(fd);
  }
  if (header.length === 0 && problems.length === 0) {
    report({
      line: 1,
      visitId: null,
      column: null,
      message: 'the file is empty: a header row is required',
    });
  }
  return {
    table,
    visitIndex,
    nextLine: reader.nextLine + lineShift,
    header,
    headerBytes,
    problems,
    moreProblems,
  };
}

/** Parses exactly `YYYY-MM-DD` from ASCII bytes into a day number, or null. */
function parseDateBytes(bytes: Uint8Array): number | null {
  if (bytes.length !== 10 || bytes[4] !== 45 || bytes[7] !== 45) return null;
  const year = digits(bytes, 0, 4);
  const month = digits(bytes, 5, 7);
  const day = digits(bytes, 8, 10);
  if (year < 0 || month < 0 || day < 0) return null;
  return dayNumber(year, month, day);
}

function digits(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = (bytes[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
