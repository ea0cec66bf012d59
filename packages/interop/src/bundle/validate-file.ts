/**
 * Validation of one bundle file other than visits.csv, driven by its spec in
 * @jia-trial/dictionary (bundle-spec.ts): header, every cell by its field's rule (field-rules.ts,
 * the rule the API's typed values follow too), duplicate keys and the rules between a row's
 * columns (record-rules.ts). Every problem is collected with its line and column. The
 * valid records are kept as their exact bytes, to be copied into the database unchanged.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import {
  type BundleColumn,
  type BundleFile,
  checkFieldValue,
  checkRecordRules,
  type FieldValue,
  type ParsedText,
  parseFieldText,
} from '@jia-trial/dictionary';
import { CsvReader, type CsvRecordView, CsvSyntaxError } from '../csv/csv-reader.js';
import { semicolonSeparatedHeader, unknownColumn } from '../csv/header-hints.js';
import type { ProblemList } from './bundle-problems.js';

const READ_CHUNK_BYTES = 1 << 22;
const LF = new Uint8Array([0x0a]);

/** A validated file: its header, its records' bytes, and each row's values by column. */
export interface ValidatedFile {
  readonly spec: BundleFile;
  readonly columns: readonly string[];
  readonly records: Uint8Array[];
  /** Per record: its line and its cell texts by column name (empty cells absent). */
  readonly rows: Array<{ readonly line: number; readonly values: ReadonlyMap<string, string> }>;
}

/** A cell's value, or why its text is not a valid value of its field (the dictionary's rule). */
function readCell(column: BundleColumn, text: string): ParsedText {
  const parsed = parseFieldText(column.field, text);
  if ('problem' in parsed) return parsed;
  const problem = checkFieldValue(column.field, parsed.value);
  return problem === null ? parsed : { problem };
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
    const known = spec.columns.map((c) => c.name);
    const semicolons = semicolonSeparatedHeader(names, known);
    if (semicolons !== null) {
      report(1, null, semicolons);
      return;
    }
    const seen = new Set<string>();
    header = names.map((name) => {
      if (!byName.has(name)) {
        const unknown = unknownColumn(name, known);
        report(1, unknown.column, unknown.message);
      } else if (seen.has(name)) report(1, name, 'column appears twice in the header');
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
    const typed = new Map<string, FieldValue>();
    const invalid = new Set<string>();
    for (let i = 0; i < header.length; i++) {
      const column = header[i] as BundleColumn;
      const text = record.text(i);
      if (text === '') {
        if (column.required) {
          report(record.line, column.name, 'required value is empty');
          invalid.add(column.name);
        }
        continue;
      }
      const cell = readCell(column, text);
      if ('problem' in cell) {
        report(record.line, column.name, cell.problem);
        invalid.add(column.name);
      } else typed.set(column.name, cell.value);
      values.set(column.name, text);
    }
    // An invalid value is unknown to the rules between columns (record-rules.ts).
    for (const rule of checkRecordRules(spec.table, typed, (name) => !invalid.has(name)))
      report(record.line, rule.field, rule.message);
    if (invalid.size > 0) return;
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
