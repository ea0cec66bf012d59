/**
 * Compact, column-oriented storage of a visits file after validation: typed arrays rather than
 * one object per row, so that a million visits take about 150 bytes each and no garbage
 * collection pauses (docs/performance.md). Missing numbers are NaN, missing booleans and
 * categories -1.
 */
import { BOOLEAN_FIELDS, type BooleanField, NUMBER_FIELDS, type NumberField } from './visit-columns.js';

type NumericArray = Float64Array | Int32Array | Int8Array;

export class VisitTable {
  count = 0;
  private capacity: number;
  /** Subject index per row, into `subjectIds`. */
  subject: Int32Array;
  readonly subjectIds: string[] = [];
  readonly visitIds: string[] = [];
  /** Visit date as a day number (outcomes dates.ts). */
  day: Int32Array;
  /** ILAR category index (into ILAR_CATEGORY_CODES) or -1. */
  category: Int8Array;
  /** Active joints in the JADAS-27 subset; NaN when unknown. */
  activeJoints27: Float64Array;
  /** Input line of each row, and its record's byte offset and length (to echo it unchanged). */
  line: Int32Array;
  offset: Float64Array;
  length: Int32Array;
  /** Row of each row's baseline visit, resolved after reading (-1 until then). */
  baselineRow: Int32Array;
  /** Explicit baseline_visit_id per row, where one was given. */
  readonly baselineIdOf = new Map<number, string>();
  readonly numbers: Record<NumberField, Float64Array>;
  readonly booleans: Record<BooleanField, Int8Array>;
  /** The same arrays in NUMBER_FIELDS / BOOLEAN_FIELDS order, for loops by index. */
  numberColumns: Float64Array[] = [];
  booleanColumns: Int8Array[] = [];

  constructor(expectedRows: number) {
    this.capacity = Math.max(1024, expectedRows);
    const n = this.capacity;
    this.subject = new Int32Array(n);
    this.day = new Int32Array(n);
    this.category = new Int8Array(n);
    this.activeJoints27 = new Float64Array(n);
    this.line = new Int32Array(n);
    this.offset = new Float64Array(n);
    this.length = new Int32Array(n);
    this.baselineRow = new Int32Array(n);
    this.numbers = Object.fromEntries(NUMBER_FIELDS.map((f) => [f, new Float64Array(n)])) as Record<
      NumberField,
      Float64Array
    >;
    this.booleans = Object.fromEntries(BOOLEAN_FIELDS.map((f) => [f, new Int8Array(n)])) as Record<
      BooleanField,
      Int8Array
    >;
    this.indexColumns();
  }

  private indexColumns(): void {
    this.numberColumns = NUMBER_FIELDS.map((f) => this.numbers[f]);
    this.booleanColumns = BOOLEAN_FIELDS.map((f) => this.booleans[f]);
  }

  /** Appends an empty row (all values missing) and returns its index. */
  addRow(): number {
    if (this.count === this.capacity) this.grow();
    const row = this.count++;
    this.category[row] = -1;
    this.activeJoints27[row] = Number.NaN;
    this.baselineRow[row] = -1;
    for (const column of this.numberColumns) column[row] = Number.NaN;
    for (const column of this.booleanColumns) column[row] = -1;
    return row;
  }

  private grow(): void {
    this.capacity *= 2;
    const n = this.capacity;
    this.subject = resize(this.subject, n);
    this.day = resize(this.day, n);
    this.category = resize(this.category, n);
    this.activeJoints27 = resize(this.activeJoints27, n);
    this.line = resize(this.line, n);
    this.offset = resize(this.offset, n);
    this.length = resize(this.length, n);
    this.baselineRow = resize(this.baselineRow, n);
    for (const field of NUMBER_FIELDS) this.numbers[field] = resize(this.numbers[field], n);
    for (const field of BOOLEAN_FIELDS) this.booleans[field] = resize(this.booleans[field], n);
    this.indexColumns();
  }
}

function resize<T extends NumericArray>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array as never);
  return next;
}
