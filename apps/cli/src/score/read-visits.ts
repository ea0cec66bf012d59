/**
 * Pass 1 of `jia-trial score`: streams the visits CSV through the strict reader, validates
 * every cell and stores the rows in a VisitTable. Every problem is collected (up to a limit)
 * with its line, visit and column, so that one run lists everything a data manager must fix.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import {
  checkRange,
  countActiveJointCodes,
  dayNumber,
  ILAR_CATEGORY_CODES,
} from '@jia-trial/outcomes';
import type { DataProblem } from '../cli-errors.js';
import { type CsvRecordView, CsvReader, CsvSyntaxError } from '../csv/csv-reader.js';
import { BOOLEAN_COLUMN_FIELDS, type VisitColumn, VISIT_COLUMNS } from './visit-columns.js';
import { VisitTable } from './visit-table.js';

const READ_CHUNK_BYTES = 1 << 22;
const TRUE = new TextEncoder().encode('true');
const FALSE = new TextEncoder().encode('false');
const categoryIndex = new Map<string, number>(ILAR_CATEGORY_CODES.map((c, i) => [c, i]));

export interface ReadResult {
  readonly table: VisitTable;
  /** Input column names in file order (the header), and the header record's exact bytes. */
  readonly header: readonly string[];
  readonly headerBytes: Uint8Array;
  readonly problems: DataProblem[];
  /** Problems found beyond `maxProblems` (counted, not kept). */
  readonly moreProblems: number;
}

/** Reads and validates a visits CSV. Problems are returned, not thrown. */
export function readVisits(path: string, fileSize: number, maxProblems: number): ReadResult {
  const table = new VisitTable(Math.ceil(fileSize / 60));
  const problems: DataProblem[] = [];
  let moreProblems = 0;
  let header: string[] = [];
  let headerBytes = new Uint8Array(0);
  let columns: (VisitColumn | undefined)[] = [];
  let jointsColumn = -1;
  let visitIdColumn = -1;
  let headerOk = true;
  const rowOfVisit = new Map<string, number>();
  const subjectIndex = new Map<string, number>();

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
        report({ line: 1, visitId: null, column: name, message: `unknown column (expected one of: ${VISIT_COLUMNS.map((c) => c.name).join(', ')})` });
      } else if (seen.has(name)) {
        report({ line: 1, visitId: null, column: name, message: 'column appears twice in the header' });
      }
      seen.add(name);
      return def;
    });
    for (const def of VISIT_COLUMNS) {
      if (def.required && !seen.has(def.name)) {
        report({ line: 1, visitId: null, column: def.name, message: 'required column is missing from the header' });
      }
    }
    jointsColumn = header.indexOf('active_joint_codes');
    visitIdColumn = header.indexOf('visit_id');
    headerOk = problems.length === 0;
  };

  const onRow = (record: CsvRecordView) => {
    const row = table.addRow();
    const line = record.line;
    const visitId = record.isEmpty(visitIdColumn) ? null : record.text(visitIdColumn);
    let ok = true;
    const fail = (column: string, message: string) => {
      report({ line, visitId, column, message });
      ok = false;
    };
    for (let i = 0; i < columns.length; i++) {
      const def = columns[i] as VisitColumn;
      if (record.isEmpty(i)) {
        if (def.required) fail(def.name, 'required value is empty');
        continue;
      }
      switch (def.kind) {
        case 'id': {
          const text = record.text(i);
          if (text.trim() !== text) {
            fail(def.name, `${JSON.stringify(text)} has leading or trailing spaces`);
          } else if (def.name === 'subject_id') {
            let s = subjectIndex.get(text);
            if (s === undefined) {
              s = table.subjectIds.push(text) - 1;
              subjectIndex.set(text, s);
            }
            table.subject[row] = s;
          } else if (def.name === 'visit_id') {
            const previous = rowOfVisit.get(text);
            if (previous !== undefined) {
              fail(def.name, `duplicate visit_id, first used on line ${table.line[previous]}`);
            } else {
              rowOfVisit.set(text, row);
            }
          } else {
            table.baselineIdOf.set(row, text);
          }
          break;
        }
        case 'date': {
          const day = parseDateBytes(record.bytes(i));
          if (day === null) fail(def.name, `${JSON.stringify(record.text(i))} is not a valid date (YYYY-MM-DD)`);
          else table.day[row] = day;
          break;
        }
        case 'category': {
          const index = categoryIndex.get(record.text(i));
          if (index === undefined) {
            fail(def.name, `${JSON.stringify(record.text(i))} is not an ILAR category (${ILAR_CATEGORY_CODES.join(', ')})`);
          } else {
            table.category[row] = index;
          }
          break;
        }
        case 'number': {
          const field = def.field as NonNullable<VisitColumn['field']>;
          const value = record.decimal(i);
          if (Number.isNaN(value)) {
            fail(def.name, `${JSON.stringify(record.text(i))} is not a plain decimal number`);
            break;
          }
          const problem = checkRange(field, value);
          if (problem) fail(def.name, problem);
          else table.numbers[field][row] = value;
          break;
        }
        case 'boolean': {
          const field = BOOLEAN_COLUMN_FIELDS[def.name] as keyof VisitTable['booleans'];
          if (record.equals(i, TRUE)) table.booleans[field][row] = 1;
          else if (record.equals(i, FALSE)) table.booleans[field][row] = 0;
          else fail(def.name, `${JSON.stringify(record.text(i))} must be true or false`);
          break;
        }
        case 'joint_codes':
          break; // after the loop: it checks active_joints against the codes
      }
    }
    if (jointsColumn >= 0 && !record.isEmpty(jointsColumn)) {
      const text = record.text(jointsColumn);
      try {
        const counts = countActiveJointCodes(text.split(';'));
        const given = table.numbers.activeJoints[row] as number;
        if (!Number.isNaN(given) && given !== counts.active) {
          fail('active_joints', `${given} disagrees with the ${counts.active} joints listed in active_joint_codes`);
        }
        table.numbers.activeJoints[row] = counts.active;
        table.activeJoints27[row] = counts.active27;
      } catch (error) {
        fail('active_joint_codes', (error as Error).message);
      }
    } else if (table.numbers.activeJoints[row] === 0) {
      table.activeJoints27[row] = 0; // no active joint at all: none in the 27-joint subset either
    }
    if (!ok || visitId === null) {
      if (visitId !== null && rowOfVisit.get(visitId) === row) rowOfVisit.delete(visitId);
      table.baselineIdOf.delete(row);
      table.dropLastRow();
      return;
    }
    table.visitIds.push(visitId);
    table.line[row] = line;
    table.offset[row] = record.offset;
    table.length[row] = record.byteLength;
  };

  const reader = new CsvReader((record) => {
    if (record.index === 0) onHeader(record);
    else if (headerOk) onRow(record);
  });
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(READ_CHUNK_BYTES);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      reader.push(buffer.subarray(0, n));
      if (!headerOk) break; // a wrong header makes every row's errors meaningless
    }
    if (headerOk) reader.end();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    report({ line: error.line, visitId: null, column: error.field === null ? null : (header[error.field - 1] ?? null), message: error.message.replace(/^line \d+(, field \d+)?: /, '') });
  } finally {
    closeSync(fd);
  }
  if (header.length === 0 && problems.length === 0) {
    report({ line: 1, visitId: null, column: null, message: 'the file is empty: a header row is required' });
  }
  return { table, header, headerBytes, problems, moreProblems };
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
