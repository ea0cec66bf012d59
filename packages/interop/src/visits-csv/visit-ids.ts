/**
 * The visit ids of a file, kept as UTF-8 bytes in one growing arena, each with a 32-bit hash:
 * no string and no Map entry per visit. Duplicates and lookups by id use the rows sorted by
 * hash (a radix sort: sequential memory), not a hash table, because on the 1M-visit benchmark
 * the random probes of a 32 MB table were the largest single cost of pass 1 and a Map of
 * strings cost more still (docs/performance.md). Ids become strings only for messages.
 */
import { hashBytes } from './byte-hash.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export interface PostedVisitIds {
  readonly arena: Uint8Array;
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly hashes: Int32Array;
}

export class VisitIds {
  private arena: Uint8Array;
  private used = 0;
  /** Per row: start of its id in the arena, its length (-1: the row has no id) and hash. */
  private starts: Int32Array;
  private lengths: Int32Array;
  private hashes: Int32Array;
  /** Rows with an id, sorted by (hash, row); built on first use after the last add. */
  private order: Int32Array | null = null;
  private sortedHashes: Uint32Array | null = null;

  constructor(expectedRows = 1024) {
    const rows = Math.max(1024, expectedRows);
    this.arena = new Uint8Array(rows * 16);
    this.starts = new Int32Array(rows);
    this.lengths = new Int32Array(rows).fill(-1);
    this.hashes = new Int32Array(rows);
  }

  /** Stores the id bytes[start, end) for `row`. */
  add(row: number, bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (row >= this.starts.length) this.growRows(row + 1);
    if (this.used + length > this.arena.length) this.growArena(length);
    this.arena.set(bytes.subarray(start, end), this.used);
    this.starts[row] = this.used;
    this.lengths[row] = length;
    this.hashes[row] = hashBytes(bytes, start, end);
    this.used += length;
    this.order = null;
  }

  /** Whether `row` has an id stored. */
  has(row: number): boolean {
    return (this.lengths[row] ?? -1) >= 0;
  }

  /** The id of `row` as a string ('' when the row has none). */
  id(row: number): string {
    const length = this.lengths[row] ?? -1;
    if (length < 0) return '';
    const start = this.starts[row] as number;
    return decoder.decode(this.arena.subarray(start, start + length));
  }

  /** Calls `duplicate(row, firstRow)` for every row whose id an earlier row already has. */
  forEachDuplicate(duplicate: (row: number, firstRow: number) => void): void {
    const { order, sortedHashes } = this.sorted();
    for (let runStart = 0; runStart < order.length; ) {
      let runEnd = runStart + 1;
      while (runEnd < order.length && sortedHashes[runEnd] === sortedHashes[runStart]) runEnd++;
      // Within a run of equal hashes rows ascend, so the first match is the earliest row.
      for (let i = runStart + 1; i < runEnd; i++) {
        for (let k = runStart; k < i; k++) {
          if (this.sameBytes(order[i] as number, this, order[k] as number)) {
            duplicate(order[i] as number, order[k] as number);
            break;
          }
        }
      }
      runStart = runEnd;
    }
  }

  /** The first row of this store whose id equals the id `other` stores for `row`, or -1. */
  findIdOf(other: VisitIds, row: number): number {
    const { order, sortedHashes } = this.sorted();
    const hash = (other.hashes[row] as number) >>> 0;
    let lo = 0;
    let hi = sortedHashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sortedHashes[mid] as number) < hash) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < order.length && sortedHashes[i] === hash; i++) {
      if (other.sameBytes(row, this, order[i] as number)) return order[i] as number;
    }
    return -1;
  }

  /** The row whose id is `id`, or -1. */
  find(id: string): number {
    const probe = new VisitIds(1);
    const bytes = encoder.encode(id);
    probe.add(0, bytes, 0, bytes.length);
    return this.findIdOf(probe, 0);
  }

  /** Appends the ids of `other`'s first `rows` rows as rows `base + r` (bulk copies). */
  addAll(other: VisitIds, rows: number, base: number): void {
    if (base + rows > this.starts.length) this.growRows(base + rows);
    if (this.used + other.used > this.arena.length) this.growArena(other.used);
    this.arena.set(other.arena.subarray(0, other.used), this.used);
    const shift = this.used;
    for (let r = 0; r < rows; r++) {
      const length = other.lengths[r] ?? -1;
      if (length < 0) continue;
      this.starts[base + r] = (other.starts[r] as number) + shift;
      this.lengths[base + r] = length;
      this.hashes[base + r] = other.hashes[r] as number;
    }
    this.used += other.used;
    this.order = null;
  }

  /** The store's arrays, to post to another thread. */
  post(): PostedVisitIds {
    return {
      arena: this.arena.slice(0, this.used),
      starts: this.starts,
      lengths: this.lengths,
      hashes: this.hashes,
    };
  }

  static fromPosted(posted: PostedVisitIds): VisitIds {
    const ids = new VisitIds(0);
    ids.arena = posted.arena;
    ids.used = posted.arena.length;
    ids.starts = posted.starts;
    ids.lengths = posted.lengths;
    ids.hashes = posted.hashes;
    return ids;
  }

  /** Whether this store's id of `row` equals `other`'s id of `otherRow`. */
  private sameBytes(row: number, other: VisitIds, otherRow: number): boolean {
    const length = this.lengths[row] as number;
    if (other.lengths[otherRow] !== length) return false;
    const a = this.starts[row] as number;
    const b = other.starts[otherRow] as number;
    for (let k = 0; k < length; k++) if (this.arena[a + k] !== other.arena[b + k]) return false;
    return true;
  }

  /** Rows with an id sorted by unsigned hash, ties by row (an LSD radix sort, 4 x 8 bits). */
  private sorted(): { order: Int32Array; sortedHashes: Uint32Array } {
    if (this.order && this.sortedHashes)
      return { order: this.order, sortedHashes: this.sortedHashes };
    let count = 0;
    for (let row = 0; row < this.lengths.length; row++)
      if ((this.lengths[row] as number) >= 0) count++;
    let rows = new Int32Array(count);
    let keys = new Uint32Array(count);
    for (let row = 0, n = 0; row < this.lengths.length; row++) {
      if ((this.lengths[row] as number) < 0) continue;
      rows[n] = row;
      keys[n++] = (this.hashes[row] as number) >>> 0;
    }
    let nextRows = new Int32Array(count);
    let nextKeys = new Uint32Array(count);
    const buckets = new Int32Array(256);
    for (let shift = 0; shift < 32; shift += 8) {
      buckets.fill(0);
      for (let i = 0; i < count; i++) {
        const bucket = ((keys[i] as number) >>> shift) & 255;
        buckets[bucket] = (buckets[bucket] as number) + 1;
      }
      for (let b = 0, sum = 0; b < 256; b++) {
        const size = buckets[b] as number;
        buckets[b] = sum;
        sum += size;
      }
      for (let i = 0; i < count; i++) {
        const bucket = ((keys[i] as number) >>> shift) & 255;
        const at = buckets[bucket] as number;
        buckets[bucket] = at + 1;
        nextRows[at] = rows[i] as number;
        nextKeys[at] = keys[i] as number;
      }
      [rows, nextRows] = [nextRows, rows];
      [keys, nextKeys] = [nextKeys, keys];
    }
    this.order = rows;
    this.sortedHashes = keys;
    return { order: rows, sortedHashes: keys };
  }

  private growRows(rows: number): void {
    const capacity = Math.max(rows, this.starts.length * 2);
    const grow = (array: Int32Array, fill: number) => {
      const next = new Int32Array(capacity).fill(fill);
      next.set(array);
      return next;
    };
    this.starts = grow(this.starts, 0);
    this.lengths = grow(this.lengths, -1);
    this.hashes = grow(this.hashes, 0);
  }

  private growArena(extra: number): void {
    const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + extra));
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
  }
}
