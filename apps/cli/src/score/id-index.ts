/**
 * A hash index from an id string to the row that holds it: open addressing over typed arrays.
 * A JS Map of a million fresh id strings took about 0.6 s of the 1M-visit benchmark (most of
 * it cache misses in its pointer-rich table, docs/performance.md); this index takes a fraction
 * of that, and keeps no second copy of the keys (it reads them back from the caller's array).
 */
export class IdIndex {
  /** Interleaved [row, hash] pairs (row -1: empty), so a probe touches one cache line. */
  private slots: Int32Array;
  private mask: number;
  private size = 0;

  /** `keys[row]` must return the id stored for `row`. */
  constructor(
    private readonly keys: readonly string[],
    expected = 1024,
  ) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity - 1;
  }

  /** The row holding `id`, or -1. */
  get(id: string): number {
    const hash = hashString(id);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const row = this.slots[2 * slot] as number;
      if (row < 0) return -1;
      if (this.slots[2 * slot + 1] === hash && this.keys[row] === id) return row;
    }
  }

  /** Adds `id` for `row` unless present; returns the row that already held it, or -1. */
  add(id: string, row: number): number {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const hash = hashString(id);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const existing = this.slots[2 * slot] as number;
      if (existing < 0) {
        this.slots[2 * slot] = row;
        this.slots[2 * slot + 1] = hash;
        this.size++;
        return -1;
      }
      if (this.slots[2 * slot + 1] === hash && this.keys[existing] === id) return existing;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length / 2 - 1;
    for (let i = 0; i < old.length; i += 2) {
      const row = old[i] as number;
      if (row < 0) continue;
      const hash = old[i + 1] as number;
      let slot = hash & this.mask;
      while ((this.slots[2 * slot] as number) >= 0) slot = (slot + 1) & this.mask;
      this.slots[2 * slot] = row;
      this.slots[2 * slot + 1] = hash;
    }
  }
}

/** FNV-1a over UTF-16 code units, finished with a murmur3 mix so low bits spread well. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
