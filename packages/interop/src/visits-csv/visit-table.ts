/**
 * Compact, column-oriented storage of a visits file after validation: typed arrays rather than
 * one object per row (about 150 bytes a visit, and nothing for the garbage collector to trace).
 * The arrays live in SharedArrayBuffers so that a worker thread can score half of the rows
 * without copying them (docs/performance.md). Missing numbers are NaN; missing booleans and
 * categories are -1.
 */

import {
  BOOLEAN_FIELDS,
  type BooleanField,
  NUMBER_FIELDS,
  type NumberField,
} from './visit-columns.js';
import { type PostedVisitIds, VisitIds } from './visit-ids.js';

type TypedArray = Float64Array | Int32Array | Int8Array;
type TypedArrayConstructor = Float64ArrayConstructor | Int32ArrayConstructor | Int8ArrayConstructor;

/** Every per-row array, with its element type and the value of a new (empty) row. */
const FIXED_COLUMNS = {
  /** Subject index per row, into `subjectIds` (-1 until read). */
  subject: [Int32Array, -1],
  /** 1 when every cell of the row passed validation, 0 when a problem was reported on it. */
  valid: [Int8Array, 1],
  /** Visit date as a day number (outcomes dates.ts); NO_DAY until read. */
  day: [Int32Array, -2147483648],
  /** ILAR category index (into ILAR_CATEGORY_CODES) or -1. */
  category: [Int8Array, -1],
  /** Active joints in the JADAS-27 subset; NaN when unknown. */
  activeJoints27: [Float64Array, Number.NaN],
  /** Input line of the row, and its record's byte offset and length (to echo it unchanged). */
  line: [Int32Array, 0],
  offset: [Float64Array, 0],
  length: [Int32Array, 0],
  /** Row of the row's baseline visit, resolved after reading (-1 until then). */
  baselineRow: [Int32Array, -1],
} as const satisfies Record<string, readonly [TypedArrayConstructor, number]>;
type FixedColumn = keyof typeof FIXED_COLUMNS;

/** The `day` of a row whose visit_date could not be read (no real date is this early). */
export const NO_DAY = -2147483648;

/** The shared memory of a table, as posted to a worker thread. */
export interface SharedTable {
  readonly count: number;
  readonly buffers: Readonly<Record<string, SharedArrayBuffer>>;
}

/** A whole table as posted between threads: shared arrays plus its ids (copied). */
export interface PostedTable extends SharedTable {
  readonly subjectIds: readonly string[];
  readonly ids: PostedVisitIds;
  readonly baselineIds: PostedVisitIds;
}

export class VisitTable {
  count = 0;
  private capacity: number;
  readonly subjectIds: string[] = [];
  /** subject_id -> index into subjectIds. */
  readonly subjectIndex = new Map<string, number>();
  /** The visit_id of each row. */
  ids: VisitIds;
  /** Explicit baseline_visit_id per row, where one was given. */
  baselineIds: VisitIds;

  subject!: Int32Array;
  valid!: Int8Array;
  day!: Int32Array;
  category!: Int8Array;
  activeJoints27!: Float64Array;
  line!: Int32Array;
  offset!: Float64Array;
  length!: Int32Array;
  baselineRow!: Int32Array;
  readonly numbers = {} as Record<NumberField, Float64Array>;
  readonly booleans = {} as Record<BooleanField, Int8Array>;
  /** The number and boolean arrays in NUMBER_FIELDS / BOOLEAN_FIELDS order. */
  numberColumns: Float64Array[] = [];
  booleanColumns: Int8Array[] = [];

  /**
   * False: a table that validates without keeping the values (`valueSlot`): the observations,
   * the category and the derived joint count have one row, reused by every row.
   */
  readonly keepsValues: boolean;

  constructor(expectedRows: number, shared?: SharedTable, options: { keepValues?: boolean } = {}) {
    this.keepsValues = options.keepValues !== false || shared !== undefined;
    this.ids = new VisitIds(expectedRows);
    this.baselineIds = new VisitIds(Math.ceil(expectedRows / 8));
    this.capacity = shared ? shared.count : Math.max(1024, expectedRows);
    for (const [name, [type, empty]] of columnSpecs()) {
      const buffer = shared?.buffers[name];
      const rows = this.keepsValues || !isValueColumn(name) ? this.capacity : 1;
      this.setColumn(name, buffer ? view(type, buffer) : allocate(type, rows, empty));
    }
    if (shared) this.count = shared.count;
  }

  /**
   * Where row `row`'s values (observations, category, derived joint count) are written: the row
   * itself, or in a table that does not keep values, the one reused row, emptied for it. Such a
   * table serves a validation (the import's): about 130 of a row's 200 bytes are its values.
   */
  valueSlot(row: number): number {
    if (this.keepsValues) return row;
    for (const [name, [, empty]] of columnSpecs())
      if (isValueColumn(name)) this.column(name)[0] = empty;
    return 0;
  }

  /** A view of a table shared by another thread (strings and maps are not shared). */
  static fromShared(shared: SharedTable): VisitTable {
    return new VisitTable(0, shared);
  }

  /** The whole table, to post to another thread. */
  post(): PostedTable {
    return {
      ...this.share(),
      subjectIds: this.subjectIds,
      ids: this.ids.post(),
      baselineIds: this.baselineIds.post(),
    };
  }

  /** A table posted by another thread. */
  static fromPosted(posted: PostedTable): VisitTable {
    const table = new VisitTable(0, posted);
    for (const id of posted.subjectIds) table.subjectOf(id);
    table.ids = VisitIds.fromPosted(posted.ids);
    table.baselineIds = VisitIds.fromPosted(posted.baselineIds);
    return table;
  }

  /** The table's shared memory, to post to a worker thread. */
  share(): SharedTable {
    const buffers: Record<string, SharedArrayBuffer> = {};
    for (const [name] of columnSpecs())
      buffers[name] = this.column(name).buffer as SharedArrayBuffer;
    return { count: this.count, buffers };
  }

  /** Appends an empty row (all values missing) and returns its index. */
  addRow(): number {
    // Every array is allocated filled with its empty value, so a new row needs no writes.
    if (this.count === this.capacity) this.grow(this.capacity * 2);
    return this.count++;
  }

  /** The subject index of `id`, adding the subject when it is new. */
  subjectOf(id: string): number {
    let index = this.subjectIndex.get(id);
    if (index === undefined) {
      index = this.subjectIds.push(id) - 1;
      this.subjectIndex.set(id, index);
    }
    return index;
  }

  /**
   * Appends every row of `other` (read from a later part of the same file): copies its arrays
   * and ids, maps its subjects onto this table's, and shifts its line numbers by `lineShift`.
   */
  append(other: VisitTable, lineShift: number): void {
    if (!this.keepsValues || !other.keepsValues)
      throw new Error('VisitTable.append: a table without values cannot be joined');
    const base = this.count;
    if (base + other.count > this.capacity) this.grow(base + other.count);
    for (const [name] of columnSpecs())
      this.column(name).set(other.column(name).subarray(0, other.count), base);
    const subjectMap = Int32Array.from(other.subjectIds, (id) => this.subjectOf(id));
    for (let i = 0; i < other.count; i++) {
      const row = base + i;
      const subject = other.subject[i] as number;
      this.subject[row] = subject < 0 ? -1 : (subjectMap[subject] as number);
      this.line[row] = (this.line[row] as number) + lineShift;
    }
    this.baselineIds.addAll(other.baselineIds, other.count, base);
    this.count += other.count;
    this.ids.addAll(other.ids, other.count, base);
  }

  private column(name: string): TypedArray {
    return (FIXED_COLUMNS as Record<string, unknown>)[name] !== undefined
      ? this[name as FixedColumn]
      : name.startsWith('n:')
        ? this.numbers[name.slice(2) as NumberField]
        : this.booleans[name.slice(2) as BooleanField];
  }

  private setColumn(name: string, array: TypedArray): void {
    if ((FIXED_COLUMNS as Record<string, unknown>)[name] !== undefined) {
      (this as unknown as Record<string, TypedArray>)[name] = array;
    } else if (name.startsWith('n:')) {
      this.numbers[name.slice(2) as NumberField] = array as Float64Array;
    } else {
      this.booleans[name.slice(2) as BooleanField] = array as Int8Array;
    }
    this.numberColumns = NUMBER_FIELDS.map((f) => this.numbers[f]);
    this.booleanColumns = BOOLEAN_FIELDS.map((f) => this.booleans[f]);
  }

  private grow(capacity: number): void {
    for (const [name, [type, empty]] of columnSpecs()) {
      if (!this.keepsValues && isValueColumn(name)) continue;
      const next = allocate(type, capacity, empty);
      next.set(this.column(name).subarray(0, this.count) as never);
      this.setColumn(name, next);
    }
    this.capacity = capacity;
  }
}

/** A column of the row's values rather than its place and identity (see valueSlot). */
function isValueColumn(name: string): boolean {
  return (
    name === 'category' ||
    name === 'activeJoints27' ||
    name.startsWith('n:') ||
    name.startsWith('b:')
  );
}

/** [name, [type, empty value]] for every per-row array; number and boolean fields prefixed. */
function columnSpecs(): [string, readonly [TypedArrayConstructor, number]][] {
  return [
    ...Object.entries(FIXED_COLUMNS),
    ...NUMBER_FIELDS.map((f): [string, readonly [TypedArrayConstructor, number]] => [
      `n:${f}`,
      [Float64Array, Number.NaN],
    ]),
    ...BOOLEAN_FIELDS.map((f): [string, readonly [TypedArrayConstructor, number]] => [
      `b:${f}`,
      [Int8Array, -1],
    ]),
  ];
}

function view(type: TypedArrayConstructor, buffer: SharedArrayBuffer): TypedArray {
  return new (type as new (buffer: SharedArrayBuffer) => TypedArray)(buffer);
}

function allocate(type: TypedArrayConstructor, length: number, empty: number): TypedArray {
  const array = view(type, new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT));
  if (empty !== 0) array.fill(empty);
  return array;
}
