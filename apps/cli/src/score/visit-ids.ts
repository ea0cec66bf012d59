/**
 * The visit ids of a file, kept as UTF-8 bytes in one growing arena with an open-addressing hash
 * index over them: no string and no Map entry per visit. On the 1M-visit benchmark a Map of
 * strings cost about 0.6 s and its garbage collection more (docs/performance.md); ids are
 * decoded to strings only for messages and the few lookups by name.
 */
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class VisitIds {
  private arena: Uint8Array;
  private used = 0;
  /** Per row: start of its id in the arena, and its length (-1: the row has no id). */
  private starts: Int32Array;
  private lengths: Int32Array;
  /** Interleaved [row, hash] pairs, row -1 for an empty slot. */
  private slots: Int32Array;
  private mask: number;
  private size = 0;

  /** `indexed` false: store ids without indexing them (a part joined and indexed later). */
  constructor(
    expectedRows = 1024,
    private readonly indexed = true,
  ) {
    const rows = Math.max(1024, expectedRows);
    this.arena = new Uint8Array(rows * 16);
    this.starts = new Int32Array(rows);
    this.lengths = new Int32Array(rows).fill(-1);
    let capacity = 1024;
    while (capacity < rows * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity - 1;
  }

  /**
   * Stores the id `bytes[start, end)` for `row` and indexes it, unless another row already has
   * it: then returns that row (and `row` keeps the id for its messages); otherwise -1.
   */
  add(row: number, bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (row >= this.starts.length) this.growRows(row + 1);
    if (this.used + length > this.arena.length) this.growArena(length);
    this.arena.set(bytes.subarray(start, end), this.used);
    this.starts[row] = this.used;
    this.lengths[row] = length;
    this.used += length;
    if (!this.indexed) return -1;
    const hash = hashBytes(bytes, start, end);
    const existing = this.probe(hash, bytes, start, end);
    if (existing >= 0) return existing;
    if ((this.size + 1) * 2 > this.mask + 1) this.growIndex();
    this.insert(row, hash);
    return -1;
  }

  /** The row whose id is `id`, or -1. */
  find(id: string): number {
    const bytes = encoder.encode(id);
    return this.probe(hashBytes(bytes, 0, bytes.length), bytes, 0, bytes.length);
  }

  /** Whether `row` has an id stored. */
  has(row: number): boolean {
    return (this.lengths[row] ?? -1) >= 0;
  }

  /** The row of this store whose id equals the id `other` stores for `row`, or -1. */
  findIdOf(other: VisitIds, row: number): number {
    const start = other.starts[row] as number;
    const end = start + (other.lengths[row] as number);
    return this.probe(hashBytes(other.arena, start, end), other.arena, start, end);
  }

  /** The id of `row` as a string ('' when the row had none). */
  id(row: number): string {
    const length = this.lengths[row] ?? -1;
    if (length < 0) return '';
    const start = this.starts[row] as number;
    return decoder.decode(this.arena.subarray(start, start + length));
  }

  /** Adds the ids of `other`'s rows as rows `base + r`; calls `duplicate` for each clash. */
  addAll(
    other: VisitIds,
    rows: number,
    base: number,
    duplicate: (row: number, existing: number) => void = () => {},
  ): void {
    for (let r = 0; r < rows; r++) {
      const length = other.lengths[r] ?? -1;
      if (length < 0) continue;
      const start = other.starts[r] as number;
      const existing = this.add(base + r, other.arena, start, start + length);
      if (existing >= 0) duplicate(base + r, existing);
    }
  }

  /** The store's arrays, to post to another thread (copied or transferred). */
  post(): PostedVisitIds {
    return {
      arena: this.arena.slice(0, this.used),
      starts: this.starts,
      lengths: this.lengths,
      rows: this.starts.length,
    };
  }

  static fromPosted(posted: PostedVisitIds): VisitIds {
    const ids = new VisitIds(0, false);
    ids.arena = posted.arena;
    ids.used = posted.arena.length;
    ids.starts = posted.starts;
    ids.lengths = posted.lengths;
    return ids; // not indexed: a posted part is only read (addAll, id)
  }

  private probe(hash: number, bytes: Uint8Array, start: number, end: number): number {
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const row = this.slots[2 * slot] as number;
      if (row < 0) return -1;
      if (this.slots[2 * slot + 1] === hash && this.sameId(row, bytes, start, end)) return row;
    }
  }

  private sameId(row: number, bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.lengths[row] !== length) return false;
    const at = this.starts[row] as number;
    for (let k = 0; k < length; k++) if (this.arena[at + k] !== bytes[start + k]) return false;
    return true;
  }

  private insert(row: number, hash: number): void {
    let slot = hash & this.mask;
    while ((this.slots[2 * slot] as number) >= 0) slot = (slot + 1) & this.mask;
    this.slots[2 * slot] = row;
    this.slots[2 * slot + 1] = hash;
    this.size++;
  }

  private growIndex(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length / 2 - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2)
      if ((old[i] as number) >= 0) this.insert(old[i] as number, old[i + 1] as number);
  }

  private growRows(rows: number): void {
    const capacity = Math.max(rows, this.starts.length * 2);
    const starts = new Int32Array(capacity);
    starts.set(this.starts);
    const lengths = new Int32Array(capacity).fill(-1);
    lengths.set(this.lengths);
    this.starts = starts;
    this.lengths = lengths;
  }

  private growArena(extra: number): void {
    const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + extra));
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
  }
}

export interface PostedVisitIds {
  readonly arena: Uint8Array;
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly rows: number;
}

/** FNV-1a over the bytes, finished with a murmur3 mix so that the low bits spread well. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
