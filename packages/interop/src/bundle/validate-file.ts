/**
 * Validation of one bundle file other than visits.csv, driven by its spec in
 * @jia-trial/store (bundle-spec.ts): header, every cell's type and range, duplicate keys and
 * the rules between a row's columns. Every problem is collected with its line and column. The
 * valid records are kept as their exact bytes, to be copied into the database unchanged.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { BundleColumn, BundleFile } from '@jia-trial/dictionary';
import { parseIsoDate } from '@jia-trial/outcomes';
import { CsvReader, type CsvRecordView, CsvSyntaxError } from '../csv/csv-reader.js';
import type { ProblemList } from './bundle-problems.js';
import { checkRowRules } from './row-rules.js';

const READ_CHUNK_BYTES = 1 << 22;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const PARTIAL_DATE = /^\d{4}-(0[1-9]|1[0-2])$/;
const LF = new Uint8Array([0x0a]);

/** A validated file: its header, its records' bytes, and each row's values by column. */
export interface ValidatedFile {
  readonly spec: BundleFile;
  readonly columns: readonly string[];
  readonly records: Uint8Array[];
  /** Per record: its line and its cell texts by column name (empty cells absent). */
  readonly rows: Array<{ readonly line: number; readonly values: ReadonlyMap<string, string> }>;
}

function checkCell(column: BundleColumn, text: string): string | null {
  switch (column.type) {
    case 'text':
      if (CONTROL_CHARACTER.test(text)) return 'contains a control character';
      if (text !== text.trim()) return 'has leading or trailing spaces';
      if (column.maxLength !== undefined && text.length > column.maxLength)
        return `is ${text.length} characters long; at most ${column.maxLength} are allowed`;
      if (column.pattern && !column.pattern.regex.test(text))
        return `${JSON.stringify(text)} is not ${column.pattern.description}`;
      return null;
    case 'date':
      return parseIsoDate(text) === null
        ? `${JSON.stringify(text)} is not a date (YYYY-MM-DD)`
        : null;
    case 'partial_date':
      return PARTIAL_DATE.test(text) || parseIsoDate(text) !== null
        ? null
        : `${JSON.stringify(text)} is not a date (YYYY-MM or YYYY-MM-DD)`;
    case 'boolean':
      return text === 'true' || text === 'false'
        ? null
        : `${JSON.stringify(text)} is not true or false`;
    case 'enum':
      return column.values?.includes(text)
        ? null
        : `${JSON.stringify(text)} is not one of: ${column.values?.join(', ')}`;
    case 'chaq_score':
      return /^[0-3]$/.test(text) || text === 'na'
        ? null
        : `${JSON.stringify(text)} is not 0, 1, 2, 3 or na`;
    case 'integer':
    case 'decimal':
      return checkNumber(column, text);
    default:
      return null;
  }
}

function checkNumber(column: BundleColumn, text: string): string | null {
  const pattern = column.type === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  if (!pattern.test(text))
    return `${JSON.stringify(text)} is not ${column.type === 'integer' ? 'a whole number' : 'a plain decimal number'}`;
  const value = Number(text);
  const { min, max } = column;
  const below = min !== undefined && (column.positive ? value <= min : value < min);
  if (below || (max !== undefined && value > max))
    return `${text} is out of range (${column.positive ? `above ${min}` : `at least ${min}`}${max === undefined ? '' : ` and at most ${max}`})`;
  return null;
}

export function validateFile(path: string, spec: BundleFile, problems: ProblemList): ValidatedFile {
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const result: ValidatedFile = { spec, columns: [], records: [], rows: [] };
  const keys = new Map<string, number>();
  let header: Array<BundleColumn | undefined> = [];
  let headerOk = true;
  const report = (line: number, column: string | null, message: string) =>
    problems.add({ file: spec.file, line, column, message });

  const onHeader = (record: CsvRecordView) => {
    // Until the header is known to be sound (a header cell may not even be UTF-8), no row is read.
    headerOk = false;
    const names = Array.from({ length: record.fieldCount }, (_, i) => record.text(i));
    (result.columns as string[]).push(...names);
    const seen = new Set<string>();
    header = names.map((name) => {
      if (!byName.has(name))
        report(1, name, `unknown column (expected: ${spec.columns.map((c) => c.name).join(', ')})`);
      else if (seen.has(name)) report(1, name, 'column appears twice in the header');
      seen.add(name);
      return byName.get(name);
    });
    for (const column of spec.columns)
      if (column.required && !seen.has(column.name))
        report(1, column.name, 'required column is missing from the header');
    headerOk = problems.countFor(spec.file) === 0;
  };

  const onRow = (record: CsvRecordView) => {
    if (!headerOk) return;
    const values = new Map<string, string>();
    let ok = true;
    for (let i = 0; i < header.length; i++) {
      const column = header[i] as BundleColumn;
      const text = record.text(i);
      if (text === '') {
        if (column.required) {
          report(record.line, column.name, 'required value is empty');
          ok = false;
        }
        continue;
      }
      const problem = checkCell(column, text);
      if (problem) {
        report(record.line, column.name, problem);
        ok = false;
      }
      values.set(column.name, text);
    }
    if (!ok) return;
    for (const rule of checkRowRules(spec.file, values))
      report(record.line, rule.column, rule.message);
    const key = spec.key.map((name) => values.get(name) ?? '').join('\u0000');
    const first = keys.get(key);
    if (first !== undefined)
      report(
        record.line,
        spec.key.join(', '),
        `duplicate ${spec.key.join(' + ')} ${spec.key.map((n) => values.get(n)).join(' + ')} (first on line ${first})`,
      );
    else keys.set(key, record.line);
    result.records.push(record.raw().slice(), LF);
    result.rows.push({ line: record.line, values });
  };

  const reader = new CsvReader(
    (record) => {
      try {
        if (record.index === 0) onHeader(record);
        else onRow(record);
      } catch (error) {
        if (!(error instanceof CsvSyntaxError)) throw error;
        report(
          error.line,
          error.field === null ? null : (result.columns[error.field - 1] ?? null),
          error.reason,
        );
      }
    },
    {
      onFieldCountMismatch: (error) => report(error.line, null, error.reason),
    },
  );
  const fd = openSync(path, 'r');
  try {
    const chunk = new Uint8Array(READ_CHUNK_BYTES);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      reader.push(chunk.subarray(0, n));
    }
    reader.end();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    report(error.line, null, `${error.reason}; reading stopped here`);
  } finally {
    closeSync(fd);
  }
  return result;
}
