/**
 * Validation of one visits CSV record into a VisitTable row, following a per-column plan made
 * from the header. Cells are read as bytes (dates, numbers, booleans, categories, joint codes
 * and visit ids never become strings), since a million rows must validate in about a second;
 * every problem is reported with its line, visit and column.
 */

import {
  booleanTextProblem,
  ID_MAX_LENGTH,
  MISSING_CODE_LABELS,
  MISSING_CODES,
  restoreCell,
  restoredStart,
  standardUnit,
  standardValue,
  VISIT_DATE_YEARS,
} from '@jia-trial/dictionary';
import { fileIssue, type Issue } from '@jia-trial/errors';
import {
  checkRange,
  dayNumber,
  describeRange,
  ILAR_CATEGORY_CODES,
  INPUT_RANGES,
  type LabAnalyte,
} from '@jia-trial/outcomes';
import { type CsvRecordView, CsvSyntaxError } from '../csv/csv-reader.js';
import { semicolonSeparatedHeader, unknownColumn } from '../csv/header-hints.js';
import { countActiveJointCodeBytes } from './joint-code-bytes.js';
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
import type { VisitIds } from './visit-ids.js';
import type { VisitTable } from './visit-table.js';

const encoder = new TextEncoder();
const TRUE = encoder.encode('true');
const FALSE = encoder.encode('false');
const CATEGORY_BYTES = ILAR_CATEGORY_CODES.map((code) => encoder.encode(code));
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** Visit dates outside these years are refused as implausible (a typing error). */
const FIRST_YEAR = VISIT_DATE_YEARS.first;
const LAST_YEAR = VISIT_DATE_YEARS.last;

type IdColumn = 'subject_id' | 'visit_id' | 'baseline_visit_id';
const K_SUBJECT = 1;
const K_VISIT = 2;
const K_BASELINE = 3;
const K_DATE = 4;
const K_CATEGORY = 5;
const K_NUMBER = 6;
const K_BOOLEAN = 7;
const K_JOINT_CODES = 8;
const K_UNIT = 9;
const K_VERSION = 10;
const K_MISSING = 11;
const MISSING_CODE_BYTES = MISSING_CODES.map((code) => encoder.encode(code));
const KIND_CODES: Readonly<Record<IdColumn | Exclude<ColumnKind, 'id'>, number>> = {
  subject_id: K_SUBJECT,
  visit_id: K_VISIT,
  baseline_visit_id: K_BASELINE,
  date: K_DATE,
  category: K_CATEGORY,
  number: K_NUMBER,
  boolean: K_BOOLEAN,
  joint_codes: K_JOINT_CODES,
  unit: K_UNIT,
  version: K_VERSION,
  missing_code: K_MISSING,
};

/**
 * A laboratory value whose unit column is in the header: its range is checked once the row's
 * unit is known, on the value converted to the standard unit.
 */
interface UnitPlan {
  readonly analyte: LabAnalyte;
  readonly valueColumn: number;
  readonly unitColumn: number;
  readonly target: number;
  readonly units: readonly Uint8Array[];
  readonly unitCodes: readonly string[];
}

/** Validates records into a table, following a per-column plan made from the header. */
export class RowParser {
  readonly problems: Issue[] = [];
  moreProblems = 0;
  columnNames: string[] = [];
  headerBytes = new Uint8Array(0);
  headerOk = true;
  private kinds = new Int8Array(0);
  /** Per column: index into NUMBER_FIELDS / BOOLEAN_FIELDS, and a number's range. */
  private targets: number[] = [];
  private lows: number[] = [];
  private highs: number[] = [];
  private integers: boolean[] = [];
  private visitIdColumn = -1;
  private activeJointsColumn = -1;
  private jointsColumn = -1;
  /** The laboratory values entered with a unit column, and each one's unit in the current row. */
  private unitPlans: UnitPlan[] = [];
  /** Per column: a missing-data code column's field column in the header (-1: none, or absent). */
  private missingFor: number[] = [];
  private deferred = new Int8Array(0);
  private rowUnits: number[] = [];
  private lastSubject = new Uint8Array(0);
  private lastSubjectIndex = -1;
  // The record being parsed, for problem reports.
  private record: CsvRecordView | null = null;
  private line = 0;
  private currentRow = 0;

  constructor(
    private readonly table: VisitTable,
    /** The file's name in problem reports. */
    private readonly fileName: string,
    private readonly maxProblems: number,
    private readonly offsetShift: number,
    readonly lineShift: number,
  ) {}

  report(line: number, visitId: string | null, column: string | null, message: string): void {
    if (this.problems.length < this.maxProblems)
      this.problems.push(
        fileIssue({ file: this.fileName, line, record: visitId, column, message }),
      );
    else this.moreProblems++;
  }

  syntaxError(error: CsvSyntaxError): void {
    const column = error.field === null ? null : (this.columnNames[error.field - 1] ?? null);
    this.report(
      error.line + this.lineShift,
      null,
      column,
      shiftLineNumbers(error.reason, this.lineShift),
    );
  }

  header(record: CsvRecordView): void {
    this.columnNames = Array.from({ length: record.fieldCount }, (_, i) => record.text(i));
    this.headerBytes = record.raw().slice();
    const byName = new Map(VISIT_COLUMNS.map((c) => [c.name, c]));
    const known = VISIT_COLUMNS.map((c) => c.name);
    const semicolons = semicolonSeparatedHeader(this.columnNames, known);
    if (semicolons !== null) {
      this.report(1, null, null, semicolons);
      this.headerOk = false;
      return;
    }
    const seen = new Set<string>();
    const columns = this.columnNames.map((name) => {
      const def = byName.get(name);
      if (!def) {
        const unknown = unknownColumn(name, known);
        this.report(1, null, unknown.column, unknown.message);
      } else if (seen.has(name)) {
        this.report(1, null, name, 'column appears twice in the header');
      }
      seen.add(name);
      return def;
    });
    for (const def of VISIT_COLUMNS) {
      if (def.required && !seen.has(def.name))
        this.report(1, null, def.name, 'required column is missing from the header');
    }
    this.headerOk = this.problems.length === 0;
    if (this.headerOk) this.plan(columns as VisitColumn[]);
  }

  private plan(columns: readonly VisitColumn[]): void {
    this.kinds = Int8Array.from(
      columns,
      (def) => KIND_CODES[def.kind === 'id' ? (def.name as IdColumn) : def.kind],
    );
    this.targets = columns.map((def) =>
      def.kind === 'number'
        ? NUMBER_FIELDS.indexOf(def.field as NumberField)
        : def.kind === 'boolean'
          ? BOOLEAN_FIELDS.indexOf(BOOLEAN_COLUMN_FIELDS[def.name] as BooleanField)
          : -1,
    );
    const range = (def: VisitColumn) => (def.field ? INPUT_RANGES[def.field] : null);
    this.lows = columns.map((def) => range(def)?.min ?? 0);
    this.highs = columns.map((def) => range(def)?.max ?? 0);
    this.integers = columns.map((def) => range(def)?.integer ?? false);
    this.planUnits(columns);
    this.missingFor = columns.map((def) =>
      def.kind === 'missing_code' ? this.columnNames.indexOf(def.definition.missingFor ?? '') : -1,
    );
    this.visitIdColumn = this.columnNames.indexOf('visit_id');
    this.activeJointsColumn = this.columnNames.indexOf('active_joints');
    this.jointsColumn = this.columnNames.indexOf('active_joint_codes');
  }

  private planUnits(columns: readonly VisitColumn[]): void {
    this.deferred = new Int8Array(columns.length);
    this.unitPlans = columns.flatMap((def, unitColumn) => {
      if (def.kind !== 'unit') return [];
      const analyte = def.analyte as LabAnalyte;
      const valueColumn = columns.findIndex((c) => c.field === analyte);
      if (valueColumn < 0) return []; // a unit without its value: checked, never used
      this.deferred[valueColumn] = 1;
      const unitCodes = def.units ?? [];
      return [
        {
          analyte,
          valueColumn,
          unitColumn,
          target: NUMBER_FIELDS.indexOf(analyte),
          unitCodes,
          units: unitCodes.map((code) => encoder.encode(code)),
        },
      ];
    });
    this.rowUnits = this.unitPlans.map(() => -1);
  }

  row(record: CsvRecordView): void {
    if (!this.headerOk) return;
    const table = this.table;
    const row = table.addRow();
    // The values' row: `row`, or the one reused row of a table that keeps no values.
    const values = table.valueSlot(row);
    this.record = record;
    this.currentRow = row;
    this.line = record.line + this.lineShift;
    table.line[row] = this.line;
    table.offset[row] = record.offset + this.offsetShift;
    table.length[row] = record.byteLength;
    const kinds = this.kinds;
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i] as number;
      if (record.isEmpty(i)) {
        if (kind === K_SUBJECT || kind === K_VISIT || kind === K_DATE)
          this.fail(i, 'required value is empty');
        continue;
      }
      switch (kind) {
        case K_SUBJECT:
          this.subject(row, i);
          break;
        case K_VISIT:
          this.visitId(row, i);
          break;
        case K_BASELINE:
          this.baselineId(row, i);
          break;
        case K_DATE:
          this.date(row, i);
          break;
        case K_CATEGORY:
          this.category(values, i);
          break;
        case K_NUMBER:
          this.number(values, i);
          break;
        case K_BOOLEAN:
          this.boolean(values, i);
          break;
        case K_UNIT:
          this.unit(i);
          break;
        case K_VERSION:
          this.version(i);
          break;
        case K_MISSING:
          this.missingCode(i);
          break;
        // K_JOINT_CODES: after the loop, since it checks active_joints against the codes.
      }
    }
    this.jointCodes(values);
    if (this.unitPlans.length > 0) this.convertUnits(values);
  }

  private fail(column: number, message: string): void {
    const record = this.record as CsvRecordView;
    let id: string | null = null;
    try {
      if (this.visitIdColumn >= 0 && !record.isEmpty(this.visitIdColumn))
        id = record.text(this.visitIdColumn);
    } catch {} // an undecodable visit_id is reported in its own column
    this.report(this.line, id, this.columnNames[column] ?? null, message);
    this.table.valid[this.currentRow] = 0;
  }

  /**
   * Text of an id cell, or null (reported) when it is not a clean identifier: invalid UTF-8,
   * a control character (a line break inside an id is the mark of a stray quote that merged two
   * records), leading or trailing white space, or more characters than an id may have.
   */
  private idText(i: number): string | null {
    const record = this.record as CsvRecordView;
    let text: string;
    try {
      // An id written neutralised (a bundle export's `'=x`: csv-formula.ts) is read as it was.
      text = restoreCell(record.text(i));
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      this.fail(i, 'is not valid UTF-8 text');
      return null;
    }
    if (CONTROL_CHARACTER.test(text)) {
      this.fail(i, `${JSON.stringify(text)} contains a line break or another control character`);
      return null;
    }
    if (text.trim() !== text) {
      this.fail(i, `${JSON.stringify(text)} has leading or trailing spaces`);
      return null;
    }
    // The field dictionary's limit, which the other bundle files apply too.
    if (text.length > ID_MAX_LENGTH) {
      this.fail(i, `is ${text.length} characters long; at most ${ID_MAX_LENGTH} are allowed`);
      return null;
    }
    return text;
  }

  /** A cell quoted for a message; never throws (invalid UTF-8 is shown as such). */
  private shown(i: number): string {
    try {
      return JSON.stringify((this.record as CsvRecordView).text(i));
    } catch {
      return '(text that is not valid UTF-8)';
    }
  }

  /**
   * Whether an id cell is printable ASCII with no edge spaces, within the length limit (else
   * idText must check it).
   */
  private isPlainAsciiId(i: number): boolean {
    const record = this.record as CsvRecordView;
    if (record.hasEscapes(i)) return false;
    const buffer = record.buffer;
    const start = record.contentStart(i);
    const end = record.contentEnd(i);
    if (end - start > ID_MAX_LENGTH) return false; // idText reports it
    if (buffer[start] === 0x20 || buffer[end - 1] === 0x20) return false;
    for (let p = start; p < end; p++) {
      const byte = buffer[p] as number;
      if (byte < 0x20 || byte >= 0x7f) return false;
    }
    return true;
  }

  private subject(row: number, i: number): void {
    const record = this.record as CsvRecordView;
    // Rows usually come grouped by subject: compare bytes before making a string.
    if (record.equals(i, this.lastSubject)) {
      this.table.subject[row] = this.lastSubjectIndex;
      return;
    }
    const text = this.idText(i);
    if (text === null) return;
    this.lastSubjectIndex = this.table.subjectOf(text);
    this.lastSubject = record.bytes(i).slice();
    this.table.subject[row] = this.lastSubjectIndex;
  }

  private visitId(row: number, i: number): void {
    this.storeId(this.table.ids, row, i); // duplicates are found once the whole file is read
  }

  private baselineId(row: number, i: number): void {
    this.storeId(this.table.baselineIds, row, i);
  }

  /** Stores an id cell's bytes, after the white-space check. */
  private storeId(ids: VisitIds, row: number, i: number): void {
    const record = this.record as CsvRecordView;
    if (this.isPlainAsciiId(i)) {
      const end = record.contentEnd(i);
      ids.add(row, record.buffer, restoredStart(record.buffer, record.contentStart(i), end), end);
      return;
    }
    if (this.idText(i) === null) return; // reported
    const bytes = record.bytes(i);
    ids.add(row, bytes, restoredStart(bytes, 0, bytes.length), bytes.length);
  }

  private date(row: number, i: number): void {
    const record = this.record as CsvRecordView;
    const day = record.hasEscapes(i)
      ? null
      : parseDate(record.buffer, record.contentStart(i), record.contentEnd(i));
    if (day === null)
      this.fail(i, `${this.shown(i)} is not a valid date (YYYY-MM-DD, ${FIRST_YEAR}-${LAST_YEAR})`);
    else this.table.day[row] = day;
  }

  private category(row: number, i: number): void {
    const record = this.record as CsvRecordView;
    for (let c = 0; c < CATEGORY_BYTES.length; c++) {
      if (record.equals(i, CATEGORY_BYTES[c] as Uint8Array)) {
        this.table.category[row] = c;
        return;
      }
    }
    this.fail(i, `${this.shown(i)} is not an ILAR category (${ILAR_CATEGORY_CODES.join(', ')})`);
  }

  private number(row: number, i: number): void {
    const record = this.record as CsvRecordView;
    const value = record.decimal(i);
    if (Number.isNaN(value)) {
      this.fail(i, `${this.shown(i)} is not a plain decimal number`);
    } else if (this.deferred[i] === 1) {
      // Entered in the row's unit: convertUnits checks its range once the unit is read.
      (this.table.numberColumns[this.targets[i] as number] as Float64Array)[row] = value;
    } else if (
      // INPUT_RANGES, read into per-column arrays by plan(): a keyed lookup per cell is slow.
      // checkRange, on the same ranges, writes the message.
      value < (this.lows[i] as number) ||
      value > (this.highs[i] as number) ||
      (this.integers[i] && !Number.isInteger(value))
    ) {
      const field = NUMBER_FIELDS[this.targets[i] as number] as NumberField;
      this.fail(i, checkRange(field, value) as string);
    } else {
      (this.table.numberColumns[this.targets[i] as number] as Float64Array)[row] = value;
    }
  }

  private boolean(row: number, i: number): void {
    const record = this.record as CsvRecordView;
    const column = this.table.booleanColumns[this.targets[i] as number] as Int8Array;
    if (record.equals(i, TRUE)) column[row] = 1;
    else if (record.equals(i, FALSE)) column[row] = 0;
    else {
      const text = record.text(i);
      // Excel's TRUE/FALSE get the dictionary's hint; anything else the reader's own message.
      this.fail(
        i,
        /^(true|false)$/i.test(text)
          ? booleanTextProblem(text)
          : `${this.shown(i)} must be true or false`,
      );
    }
  }

  /** A record's version (an exported bundle's): a whole number from 1; the import checks it. */
  private version(i: number): void {
    const value = (this.record as CsvRecordView).decimal(i);
    if (!(Number.isInteger(value) && value >= 1))
      this.fail(i, `${this.shown(i)} is not a version (a whole number from 1)`);
  }

  /** A unit cell: one of its analyte's units (remembered for convertUnits). */
  /**
   * A missing-data code (ADR 0040): one of the list, and only for an empty field, since a code
   * says why the field is empty. It is never scored: the field stays missing.
   */
  private missingCode(i: number): void {
    const record = this.record as CsvRecordView;
    if (!MISSING_CODE_BYTES.some((code) => record.equals(i, code))) {
      const codes = MISSING_CODES.map((c) => `${c} ${MISSING_CODE_LABELS[c]}`).join(', ');
      this.fail(i, `${this.shown(i)} is not a missing-data code (${codes})`);
      return;
    }
    const field = this.missingFor[i] as number;
    if (field >= 0 && !record.isEmpty(field))
      this.fail(
        i,
        `${this.shown(i)} says why ${this.columnNames[field]} is empty, but it holds ${this.shown(field)}: give the value or the code, not both`,
      );
  }

  private unit(i: number): void {
    const record = this.record as CsvRecordView;
    const plan = this.unitPlans.findIndex((p) => p.unitColumn === i);
    const column = VISIT_COLUMNS.find((c) => c.name === this.columnNames[i]);
    const codes =
      this.unitPlans[plan]?.units ?? (column?.units ?? []).map((u) => encoder.encode(u));
    const found = codes.findIndex((code) => record.equals(i, code));
    if (found >= 0) {
      if (plan >= 0) this.rowUnits[plan] = found;
      return;
    }
    // An unreadable unit leaves its value unconverted: convertUnits drops it (-2).
    if (plan >= 0) this.rowUnits[plan] = -2;
    this.fail(
      i,
      `${this.shown(i)} is not a unit of ${column?.analyte} (${(column?.units ?? []).join(', ')})`,
    );
  }

  /**
   * The laboratory values of the row entered in another unit, converted exactly to the standard
   * unit (the unit the table, the ranges and the scores use), then range-checked.
   */
  private convertUnits(row: number): void {
    for (let p = 0; p < this.unitPlans.length; p++) {
      const plan = this.unitPlans[p] as UnitPlan;
      const unit = this.rowUnits[p] as number;
      this.rowUnits[p] = -1;
      const column = this.table.numberColumns[plan.target] as Float64Array;
      const entered = column[row] as number;
      if (Number.isNaN(entered)) continue;
      if (unit === -2) {
        column[row] = Number.NaN;
        continue;
      }
      const unitCode = unit < 0 ? standardUnit(plan.analyte) : (plan.unitCodes[unit] as string);
      const value = standardValue(plan.analyte, entered, unitCode);
      if (checkRange(plan.analyte, value) === null) {
        column[row] = value;
        continue;
      }
      column[row] = Number.NaN;
      const shown =
        unitCode === standardUnit(plan.analyte)
          ? `${entered}`
          : `${entered} ${unitCode} (${value} ${standardUnit(plan.analyte)})`;
      this.fail(plan.valueColumn, `${shown} is outside ${describeRange(plan.analyte)}`);
    }
  }

  /** Joint counts from active_joint_codes, which must agree with active_joints when both are given. */
  private jointCodes(row: number): void {
    const record = this.record as CsvRecordView;
    const table = this.table;
    const i = this.jointsColumn;
    if (i < 0 || record.isEmpty(i)) {
      // No active joint at all: none in the 27-joint subset either.
      if (table.numbers.activeJoints[row] === 0) table.activeJoints27[row] = 0;
      return;
    }
    const counts = record.hasEscapes(i)
      ? countActiveJointCodeBytes(record.bytes(i), 0, record.bytes(i).length)
      : countActiveJointCodeBytes(record.buffer, record.contentStart(i), record.contentEnd(i));
    const given = table.numbers.activeJoints[row] as number;
    if (counts.error !== null) {
      this.fail(i, counts.error);
    } else if (!Number.isNaN(given) && given !== counts.active) {
      this.fail(
        this.activeJointsColumn,
        `${given} disagrees with the ${counts.active} joints listed in active_joint_codes`,
      );
    } else {
      table.numbers.activeJoints[row] = counts.active;
      table.activeJoints27[row] = counts.active27;
    }
  }
}

/** A message's "line N" references moved by `shift` (a part of a file counts from its start). */
export function shiftLineNumbers(message: string, shift: number): string {
  return shift === 0
    ? message
    : message.replace(/\bline (\d+)/g, (_, n: string) => `line ${Number(n) + shift}`);
}

/** Parses exactly `YYYY-MM-DD` from ASCII bytes[start, end) into a day number, or null. */
function parseDate(bytes: Uint8Array, start: number, end: number): number | null {
  if (end - start !== 10 || bytes[start + 4] !== 45 || bytes[start + 7] !== 45) return null;
  const year = digits(bytes, start, start + 4);
  const month = digits(bytes, start + 5, start + 7);
  const day = digits(bytes, start + 8, start + 10);
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 0 || day < 0) return null;
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
