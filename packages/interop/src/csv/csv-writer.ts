// A fast RFC 4180 CSV writer that encodes straight into a byte buffer (UTF-8, LF terminators)
// and hands full buffers to a sink. Only standard Web APIs are used, so it runs in a browser.

import { COMMA, CR, DOT, LF, MINUS, QUOTE, SPACE, TAB, TWO_POW_53, ZERO } from './ascii.js';

const BOM = 0xfeff;

const DEFAULT_BUFFER_BYTES = 1024 * 1024;
const TWO_POW_32 = 4294967296;
const TRUE = new Uint8Array([116, 114, 117, 101]);
const FALSE = new Uint8Array([102, 97, 108, 115, 101]);

export interface CsvWriterOptions {
  /** Size of the output buffer (default 1 MiB); it is handed to the sink when full. */
  bufferBytes?: number;
}

/**
 * Writes CSV records: call `field`/`number`/`boolean`/`empty`/`raw` for each field, then
 * `endRecord()`; `flush()` at the end. The sink receives each buffer once and may keep it: the
 * writer never writes to a buffer again after handing it over.
 */
export class CsvWriter {
  private readonly sink: (bytes: Uint8Array) => void;
  private readonly bufferBytes: number;
  private buf: Uint8Array;
  private pos = 0;
  /** Fields written in the current record (raw bytes count as at least one). */
  private fields = 0;
  /** Position of the current record's first byte in `buf` (negative: before the last flush). */
  private recordStart = 0;

  constructor(sink: (bytes: Uint8Array) => void, options?: CsvWriterOptions) {
    const size = options?.bufferBytes ?? DEFAULT_BUFFER_BYTES;
    if (!Number.isInteger(size) || size < 64) {
      throw new RangeError(`bufferBytes must be an integer of at least 64, not ${size}`);
    }
    this.sink = sink;
    this.bufferBytes = size;
    this.buf = new Uint8Array(size);
  }

  /**
   * Appends bytes verbatim, with no separator before them (used to echo an input record). The
   * next field of the record gets a separator.
   */
  raw(bytes: Uint8Array): void {
    const length = bytes.length;
    if (length === 0) return;
    this.reserve(length);
    this.buf.set(bytes, this.pos);
    this.pos += length;
    if (this.fields === 0) this.fields = 1;
  }

  /**
   * Appends a text field, quoted when it contains a comma, quote, CR or LF, starts or ends with
   * a space or tab, or starts with U+FEFF. A lone surrogate (not valid in UTF-8) is a TypeError.
   */
  field(text: string): void {
    const length = text.length;
    // Worst case: separator, two quotes, 3 bytes per UTF-16 unit (a "" pair is 2 for 1).
    this.reserve(3 + 3 * length);
    const buf = this.buf;
    let p = this.pos;
    if (this.fields > 0) buf[p++] = COMMA;
    if (length > 0) {
      const first = text.charCodeAt(0);
      const last = text.charCodeAt(length - 1);
      const start = p;
      // Leading/trailing blanks are quoted so that no reader trims them; a leading U+FEFF so
      // that it is not taken for a byte-order mark at the start of the output.
      p =
        first === SPACE || first === TAB || first === BOM || last === SPACE || last === TAB
          ? -1
          : encode(buf, p, text, false);
      if (p < 0) p = encode(buf, start, text, true);
    }
    // Committed only now: after a TypeError (lone surrogate) the record is as before the call.
    this.pos = p;
    this.fields++;
  }

  /**
   * Appends a number as the shortest decimal that reads back as the same double: exactly the
   * text of String(value). NaN and infinities are a RangeError.
   */
  number(value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`CsvWriter: cannot write ${value}`);
    this.reserve(32);
    const buf = this.buf;
    let p = this.pos;
    if (this.fields++ > 0) buf[p++] = COMMA;
    const magnitude = value < 0 ? -value : value;
    if (Number.isInteger(magnitude)) {
      if (magnitude < TWO_POW_53) {
        // Every integer below 2^53 is a double, so its digits are the shortest form (-0: "0").
        if (value < 0) buf[p++] = MINUS;
        this.pos = writeDigits(buf, p, magnitude, 0);
        return;
      }
    } else if (magnitude < TWO_POW_32) {
      // Up to 6 decimals: m / 10^6 === value means the decimal m * 10^-6 rounds to value, and
      // below 2^32 a double's spacing is under 10^-6, so no other decimal with at most 6
      // decimals (in particular no shorter one) does: this decimal is the shortest form.
      const micros = Math.round(magnitude * 1e6);
      if (micros / 1e6 === magnitude) {
        let fraction = micros % 1e6; // exact: micros is an integer below 2^53
        const integer = (micros - fraction) / 1e6;
        if (value < 0) buf[p++] = MINUS;
        p = writeDigits(buf, p, integer, 0);
        buf[p++] = DOT;
        let width = 6;
        while (fraction % 10 === 0) {
          fraction /= 10;
          width--;
        }
        this.pos = writeDigits(buf, p, fraction, width);
        return;
      }
    }
    const text = String(value); // exponent forms, > 6 decimals, huge integers: ASCII
    for (let k = 0; k < text.length; k++) buf[p++] = text.charCodeAt(k);
    this.pos = p;
  }

  boolean(value: boolean): void {
    this.reserve(6);
    if (this.fields++ > 0) this.buf[this.pos++] = COMMA;
    const bytes = value ? TRUE : FALSE;
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Appends an empty field. */
  empty(): void {
    this.reserve(1);
    if (this.fields++ > 0) this.buf[this.pos++] = COMMA;
  }

  /**
   * Ends the record with LF. A record of one empty field is written `""` (an empty line would
   * be skipped by readers); a record with no field at all is an Error (CSV cannot express it).
   */
  endRecord(): void {
    if (this.fields === 0) throw new Error('CsvWriter: endRecord() on a record with no field');
    this.reserve(3);
    if (this.fields === 1 && this.pos === this.recordStart) {
      this.buf[this.pos++] = QUOTE;
      this.buf[this.pos++] = QUOTE;
    }
    this.buf[this.pos++] = LF;
    this.fields = 0;
    this.recordStart = this.pos;
  }

  /** Hands the buffered bytes to the sink (the writer then continues in a fresh buffer). */
  flush(): void {
    const length = this.pos;
    if (length === 0) return;
    const out = this.buf.subarray(0, length);
    this.buf = new Uint8Array(this.bufferBytes);
    this.pos = 0;
    this.recordStart -= length;
    this.sink(out);
  }

  /** Makes room for `bytes` more bytes. */
  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.flush();
    if (bytes > this.buf.length) this.buf = new Uint8Array(bytes); // one huge field
  }
}

/**
 * Writes `value` (an integer, 0 <= value < 2^53) in decimal at buf[p], left-padded with zeros to
 * `width` digits; returns the position after it.
 */
function writeDigits(buf: Uint8Array, p: number, value: number, width: number): number {
  let digits = 1;
  let bound = 10;
  while (digits < 16 && value >= bound) {
    digits++;
    bound *= 10;
  }
  if (digits < width) digits = width;
  const end = p + digits;
  let q = end;
  let v = value;
  if (v >= TWO_POW_32) {
    while (v >= TWO_POW_32) {
      const next = Math.floor(v / 10); // exact for v < 2^53
      buf[--q] = ZERO + (v - next * 10);
      v = next;
    }
  }
  while (q > p) {
    const next = (v / 10) >>> 0;
    buf[--q] = ZERO + (v - next * 10);
    v = next;
  }
  return end;
}

/**
 * Encodes `text` as UTF-8 at buf[p], quoted (quotes doubled) or not; returns the position after
 * it, or -1 when `quoted` is false and the text needs quoting (a comma, quote, CR or LF).
 */
function encode(buf: Uint8Array, start: number, text: string, quoted: boolean): number {
  let p = start;
  if (quoted) buf[p++] = QUOTE;
  const length = text.length;
  for (let k = 0; k < length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 0x80) {
      p = encodeWide(buf, p, text, k);
      if (c >= 0xd800 && c <= 0xdbff) k++; // a surrogate pair: one code point
    } else if (c <= COMMA && (c === COMMA || c === QUOTE || c === LF || c === CR)) {
      if (!quoted) return -1;
      if (c === QUOTE) buf[p++] = QUOTE;
      buf[p++] = c;
    } else {
      buf[p++] = c;
    }
  }
  if (quoted) buf[p++] = QUOTE;
  return p;
}

/** Encodes the non-ASCII code point at text[k] (one unit, or a surrogate pair) at buf[p]. */
function encodeWide(buf: Uint8Array, start: number, text: string, k: number): number {
  let p = start;
  const c = text.charCodeAt(k);
  if (c < 0x800) {
    buf[p++] = 0xc0 | (c >> 6);
    buf[p++] = 0x80 | (c & 0x3f);
  } else if (c < 0xd800 || c > 0xdfff) {
    buf[p++] = 0xe0 | (c >> 12);
    buf[p++] = 0x80 | ((c >> 6) & 0x3f);
    buf[p++] = 0x80 | (c & 0x3f);
  } else {
    const low = k + 1 < text.length ? text.charCodeAt(k + 1) : 0;
    if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) {
      throw new TypeError(`CsvWriter: a lone surrogate at index ${k} cannot be encoded`);
    }
    const code = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
    buf[p++] = 0xf0 | (code >> 18);
    buf[p++] = 0x80 | ((code >> 12) & 0x3f);
    buf[p++] = 0x80 | ((code >> 6) & 0x3f);
    buf[p++] = 0x80 | (code & 0x3f);
  }
  return p;
}
