/**
 * Validation of one bundle file other than visits.csv, driven by its spec in
 * @jia-trial/dictionary (bundle-spec.ts): header, every cell by its field's rule (field-rules.ts,
 * the rule the API's typed values follow too), duplicate keys and the rules between a row's
 * columns (record-rules.ts) and the references to the files read before it (a subject in
 * subjects.csv, a visit in visits.csv). Every problem is collected with its line and column. No
 * record is kept (the import reads the file again to send it, bundle-file.ts); the rows' values
 * are kept only when asked (`keepRows`: the commands that reason about subjects without a
 * database).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import {
  type BundleColumn,
  type BundleFile,
  type BundleFileName,
  checkFieldValue,
  checkRecordRules,
  type FieldValue,
  isMissingCode,
  isNeutralisedField,
  MISSING_CODES,
  type ParsedText,
  parseFieldText,
  restoreCell,
} from '@jia-trial/dictionary';
import { CsvReader, type CsvRecordView, CsvSyntaxError } from '../csv/csv-reader.js';
import { semicolonSeparatedHeader, unknownColumn } from '../csv/header-hints.js';
import type { ProblemList } from './bundle-problems.js';

const READ_CHUNK_BYTES = 1 << 22;

/**
 * The required columns left empty that are refused, each with why: all but those whose
 * missing-data code in the row stands for the value (ADR 0040: a required field that accepts a
 * code).
 */
function requiredEmptyProblems(
  empty: readonly BundleColumn[],
  values: ReadonlyMap<string, string>,
): Array<[column: string, problem: string]> {
  const out: Array<[string, string]> = [];
  for (const column of empty) {
    const companion = column.field.missingField;
    if (companion === undefined) out.push([column.name, 'required value is empty']);
    else if (!isMissingCode(values.get(companion)))
      out.push([
        column.name,
        `required value is empty: give it, or in ${companion} why it is empty (${MISSING_CODES.join(', ')})`,
      ]);
  }
  return out;
}

/** A validated file: its header, its number of records, and (when kept) each row's values. */
export interface ValidatedFile {
  readonly spec: BundleFile;
  readonly columns: readonly string[];
  /** Records read (those with a problem in a cell excluded). */
  count: number;
  /**
   * Per record: its line and its cell texts by column name (empty cells absent); empty unless
   * `keepRows` was asked.
   */
  readonly rows: Array<{ readonly line: number; readonly values: ReadonlyMap<string, string> }>;
}

/**
 * Whether a value referred to is in its file (subjects.csv, visits.csv), or null when that file
 * could not be read (its own problems are reported; the references to it are not checked).
 */
export type ReferenceTargets = (file: BundleFileName) => ((value: string) => boolean) | null;

export interface ValidateOptions {
  /** An open descriptor of the file (read from its current position; not closed). */
  readonly fd?: number;
  /** Keep every row's values in `rows` (default false). */
  readonly keepRows?: boolean;
  /** Check the file's references (default: not checked). */
  readonly targets?: ReferenceTargets;
  /** Called with each row's values as they are read (the rows other files refer to). */
  readonly onValues?: (values: ReadonlyMap<string, string>) => void;
}

/** A cell's value, or why its text is not a valid value of its field (the dictionary's rule). */
function readCell(column: BundleColumn, text: string): ParsedText {
  const parsed = parseFieldText(column.field, text);
  if ('problem' in parsed) return parsed;
  const problem = checkFieldValue(column.field, parsed.value);
  return problem === null ? parsed : { problem };
}

export function validateFile(
  path: string,
  spec: BundleFile,
  problems: ProblemList,
  options: ValidateOptions = {},
): ValidatedFile {
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const result: ValidatedFile = { spec, columns: [], count: 0, rows: [] };
  const references = spec.references.map((reference) => ({
    column: reference.columns[0] as string,
    file: reference.file,
    has: options.targets?.(reference.file) ?? null,
  }));
  const keys = new Map<string, number>();
  let header: Array<BundleColumn | undefined> = [];
  let headerOk = true;
  const report = (line: number, column: string | null, message: string) =>
    problems.add({ file: spec.file, line, column, message });

  const onHeader = (record: CsvRecordView) => {
    // Until the header is known to be sound (a header cell may not even be UTF-8), no row is read.
    headerOk = false;
    const names = Array.from({ length: record.fieldCount }, (_, i) => record.text(i));
    // One by one: push(...names) overflows the stack for a header of ~500,000 columns.
    for (const name of names) (result.columns as string[]).push(name);
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

  const checkReferences = (line: number, values: ReadonlyMap<string, string>) => {
    for (const reference of references) {
      const value = values.get(reference.column);
      if (value !== undefined && reference.has && !reference.has(value))
        report(
          line,
          reference.column,
          `${reference.column === 'visit_id' ? 'visit' : 'subject'} ${value} is not in ${reference.file}`,
        );
    }
  };

  const onRow = (record: CsvRecordView) => {
    if (!headerOk) return;
    const values = new Map<string, string>();
    const typed = new Map<string, FieldValue>();
    const invalid = new Set<string>();
    // Required columns left empty, each with the column of its missing-data code if it has one:
    // a code there stands for the value (ADR 0040), so the companion is read first.
    const empty: BundleColumn[] = [];
    for (let i = 0; i < header.length; i++) {
      const column = header[i] as BundleColumn;
      // A text cell written neutralised (`'=x`, csv-formula.ts) holds the text `=x`.
      const text = isNeutralisedField(column.field) ? restoreCell(record.text(i)) : record.text(i);
      if (text === '') {
        if (column.required) empty.push(column);
        continue;
      }
      const cell = readCell(column, text);
      if ('problem' in cell) {
        report(record.line, column.name, cell.problem);
        invalid.add(column.name);
      } else typed.set(column.name, cell.value);
      values.set(column.name, text);
    }
    for (const [column, problem] of requiredEmptyProblems(empty, values)) {
      report(record.line, column, problem);
      invalid.add(column);
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
    checkReferences(record.line, values);
    result.count++;
    options.onValues?.(values);
    if (options.keepRows) result.rows.push({ line: record.line, values });
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
  const fd = options.fd ?? openSync(path, 'r');
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
    if (options.fd === undefined) closeSync(fd);
  }
  return result;
}
