/**
 * A record's bundle texts read straight from the row pg gives (rowMode 'array'), without a Map of
 * its own: the exchange writers read a 200,000-visit study a batch of subjects at a time, and a
 * Map per record (some 45 entries a visit) was most of what each batch held and most of the
 * garbage collector's work (docs/performance.md). The column names' positions are shared by every
 * row of a query. Reads as textsOfColumns does (records/record-texts.ts): NULL is absent.
 */
import type { RecordTexts } from '@jia-trial/dictionary';

/** The positions of a query's columns by name (the first `count` of them are texts). */
export class TextColumns {
  readonly names: readonly string[];
  readonly #index = new Map<string, number>();

  constructor(names: readonly string[]) {
    this.names = names;
    for (const [i, name] of names.entries()) this.#index.set(name, i);
  }

  indexOf(name: string): number | undefined {
    return this.#index.get(name);
  }
}

export class RowTexts implements RecordTexts {
  readonly #columns: TextColumns;
  readonly #row: ReadonlyArray<string | null>;

  constructor(columns: TextColumns, row: ReadonlyArray<string | null>) {
    this.#columns = columns;
    this.#row = row;
  }

  get(name: string): string | undefined {
    const i = this.#columns.indexOf(name);
    return i === undefined ? undefined : (this.#row[i] ?? undefined);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    let size = 0;
    for (let i = 0; i < this.#columns.names.length; i++) if (this.#row[i] != null) size++;
    return size;
  }

  /** The texts as a Map (iteration is rare: the writers look values up by name). */
  #map(): Map<string, string> {
    const map = new Map<string, string>();
    const { names } = this.#columns;
    for (let i = 0; i < names.length; i++) {
      const text = this.#row[i];
      if (text !== null && text !== undefined) map.set(names[i] as string, text);
    }
    return map;
  }

  entries() {
    return this.#map().entries();
  }

  keys() {
    return this.#map().keys();
  }

  values() {
    return this.#map().values();
  }

  [Symbol.iterator]() {
    return this.#map()[Symbol.iterator]();
  }

  forEach(
    callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void,
    thisArg?: unknown,
  ): void {
    for (const [key, value] of this.#map()) callback.call(thisArg, value, key, this);
  }
}
