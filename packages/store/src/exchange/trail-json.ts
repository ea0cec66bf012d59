/**
 * A row of the audit trail (audit_event.old_values / new_values: the exact text `to_json()` made
 * of the row, migration 0004) read as its record's bundle texts here, in the command, rather than
 * by PostgreSQL. Turning every event back into a row there (`json_populate_record`, then
 * `to_jsonb` for the wire) cost about 0.1-0.25 ms an event (EXPLAIN ANALYZE, docs/performance.md):
 * most of the Transactional export's time. Sending the stored text costs almost nothing.
 *
 * The texts are those the Snapshot reads from the table (bundleTextExpression of
 * bundle/export-bundle.ts), because `to_json` writes each column's own output text for the types
 * the record tables use (dictionary StorageType: text, date, boolean, integer, smallint, numeric;
 * no type modifiers, no column ever retyped) and this reader keeps that text as it is:
 * - a number is kept as written (a decimal entered as 1.50 stays 1.50, where JSON.parse would
 *   give 1.5): `numeric::text` is the same numeric_out text;
 * - a string is unescaped exactly as JSON says (JSON.parse of that one string when it has an
 *   escape);
 * - true/false are `boolean::text`;
 * - a date is the ISO date `to_json` writes, which is `to_char(date, 'YYYY-MM-DD')` but for its
 *   era suffix (` BC`, which to_char leaves out) and `infinity`/`-infinity` (to_char: NULL);
 * - a CHAQ answer's NULL (or a column the event predates) is `na`, as `coalesce(x::text, 'na')`;
 * - NULL, or a column the event predates, is absent (as `json_populate_record` gives NULL).
 * The texts are a RowTexts (row-texts.ts) over an array in the columns' order: no Map per event.
 * record-changes.test.ts compares this reading with PostgreSQL's own for every kind of value.
 */
import type { BundleFile, RecordTexts } from '@jia-trial/dictionary';
import { RowTexts, TextColumns } from './row-texts.js';

/** `id`: an identifier, which a reader may keep (a visit's subject) and so is copied out. */
type Kind = 'plain' | 'date' | 'chaq' | 'id';

interface TrailColumn {
  /** The bundle column's name (the text's key). */
  readonly name: string;
  readonly kind: Kind;
  /** Its place in the record's texts (RowTexts). */
  readonly index: number;
}

/** How the trail's rows of one table are read: its columns by database column name. */
export class TrailRowReader {
  readonly #byKey = new Map<string, TrailColumn>();
  readonly #columns: TextColumns;
  readonly #chaq: readonly number[];
  /**
   * The keys of the last row read, in order (`"name"`), with their columns: `to_json` writes a
   * table's columns in the same order every time, so a key is matched where it is expected
   * without cutting it out of the text; another order is read all the same, only slower.
   */
  readonly #expected: string[] = [];
  readonly #expectedColumn: Array<TrailColumn | undefined> = [];

  constructor(file: BundleFile) {
    // The record's version is not a value of its own (the trail's texts never carry it).
    const read = file.columns.filter((c) => c.name !== 'version');
    this.#columns = new TextColumns(read.map((c) => c.name));
    for (const [index, column] of read.entries()) {
      const kind: Kind =
        column.type === 'chaq_score'
          ? 'chaq'
          : column.sqlType === 'date'
            ? 'date'
            : column.field.type === 'id'
              ? 'id'
              : 'plain';
      this.#byKey.set(column.dbColumn, { name: column.name, kind, index });
    }
    this.#chaq = read.flatMap((c, i) => (c.type === 'chaq_score' ? [i] : []));
  }

  /** The bundle texts of `json` (an object: a row as to_json wrote it); null for null. */
  texts(json: string | null): RecordTexts | null {
    if (json === null) return null;
    // The texts in the columns' order, read through RowTexts: no Map per event.
    const texts: Array<string | null> = new Array(this.#columns.names.length).fill(null);
    let i = skipSpace(json, 0);
    if (json.charCodeAt(i) !== LBRACE) throw notRow(json, i);
    i = skipSpace(json, i + 1);
    if (json.charCodeAt(i) === RBRACE) i = json.length;
    for (let k = 0; i < json.length; k++) {
      // The key: where expected, or cut out and looked up.
      let column: TrailColumn | undefined;
      const expected = this.#expected[k];
      if (expected !== undefined && json.startsWith(expected, i)) {
        column = this.#expectedColumn[k];
        i += expected.length;
      } else {
        if (json.charCodeAt(i) !== QUOTE) throw notRow(json, i);
        const end = json.indexOf('"', i + 1);
        if (end < 0) throw notRow(json, i);
        // A column name has no escapes (PostgreSQL's identifiers of the record tables).
        const key = json.slice(i + 1, end);
        column = this.#byKey.get(key);
        this.#expected[k] = `"${key}"`;
        this.#expectedColumn[k] = column;
        i = end + 1;
      }
      i = skipSpace(json, i);
      if (json.charCodeAt(i) !== COLON) throw notRow(json, i);
      i = skipSpace(json, i + 1);
      i = this.#value(json, i, column, texts);
      i = skipSpace(json, i);
      const c = json.charCodeAt(i);
      if (c === RBRACE) break;
      if (c !== COMMA) throw notRow(json, i);
      i = skipSpace(json, i + 1);
    }
    for (const i of this.#chaq) texts[i] ??= 'na';
    return new RowTexts(this.#columns, texts);
  }

  /** Reads the value at `i` into `texts` (when its column is read); the index after it. */
  #value(json: string, i: number, column: TrailColumn | undefined, texts: Array<string | null>) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(json, i);
      if (column !== undefined) {
        const text = stringText(json, i, end, column.kind);
        if (text !== null) texts[column.index] = text;
      }
      return end;
    }
    if (c === LOWER_N && json.startsWith('null', i)) return i + 4;
    const literal =
      c === LOWER_T && json.startsWith('true', i)
        ? 'true'
        : c === LOWER_F && json.startsWith('false', i)
          ? 'false'
          : null;
    let end = i + (literal?.length ?? 0);
    if (literal === null) {
      while (isNumberChar(json.charCodeAt(end))) end++;
      if (end === i) throw notRow(json, i);
    }
    if (column !== undefined) texts[column.index] = literal ?? json.slice(i, end);
    return end;
  }
}

/** The index after the JSON string that starts at `start` (its opening quote). */
function stringEnd(json: string, start: number): number {
  let end = start + 1;
  for (;;) {
    const d = json.charCodeAt(end);
    if (d === QUOTE) return end + 1;
    if (Number.isNaN(d)) throw notRow(json, start);
    // An escaped character is skipped with its backslash (an escaped quote does not end it).
    end += d === BACKSLASH ? 2 : 1;
  }
}

/** The text of the JSON string json[start, end) as its column reads it (null: none). */
function stringText(json: string, start: number, end: number, kind: Kind): string | null {
  const raw = json.slice(start + 1, end - 1);
  const text = raw.includes('\\') ? (JSON.parse(json.slice(start, end)) as string) : raw;
  if (kind === 'date') return dateText(text);
  return kind === 'id' ? ownCopy(text) : text;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_F = 0x66;

/** A character of a JSON number: digits, sign, point, exponent. */
function isNumberChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45
  );
}

function skipSpace(json: string, at: number): number {
  let i = at;
  for (;;) {
    const c = json.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/**
 * `text` not as a slice of the row's text: V8 makes a cut of 13 characters or more a view that
 * keeps the whole row (some 1.3 KB a visit) alive as long as the cut is kept. The export keeps
 * each visit's id and subject for the rest of the trail (record-changes.ts): as views, 200,000
 * rows. Joined to a character and cut again, the text is copied flat first.
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/** A date as to_char(date, 'YYYY-MM-DD') gives it from to_json's ISO text (null: none). */
function dateText(iso: string): string | null {
  if (iso === 'infinity' || iso === '-infinity') return null;
  return iso.endsWith(' BC') ? iso.slice(0, -3) : iso;
}

function notRow(json: string, at: number): RangeError {
  return new RangeError(
    `an audit event's values are not a row as to_json writes it (at character ${at}): ${json.slice(0, 200)}`,
  );
}
