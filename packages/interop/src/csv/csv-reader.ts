// A strict RFC 4180 CSV reader that works on bytes, as a push parser (feed it chunks, it calls
// back once per record). It is written for speed: the bytes are scanned in tight loops, a record
// is described by the positions of its field separators (no string per field, no object per
// record: ONE view object is reused), and a record split across chunks is carried over by
// copying only its own bytes, with the parser state resumed where it stopped, so no byte is
// scanned twice and memory stays bounded by the longest record.
//
// Only standard Web APIs are used (Uint8Array, TextDecoder), so this also runs in a browser.
//
// Grammar (RFC 4180, with LF accepted as well as CRLF):
//   file    = [BOM] *(record terminator | terminator) [record]
//   record  = field *("," field)
//   field   = quoted | *(any byte but , " CR LF)
//   quoted  = DQUOTE *(any byte but " | DQUOTE DQUOTE) DQUOTE
//   terminator = LF | CR LF
// An empty line (zero bytes between terminators, outside quotes) is skipped. Every record must
// have as many fields as the first one (the header).

// Parser states, at a position between two bytes.
import { COMMA, CR, DOT, LF, MINUS, QUOTE, TWO_POW_53, ZERO } from './ascii.js';

/** At the start of a line, outside any record. */
const S_LINE = 0;
/** Just after a CR at the start of a line (an empty line if an LF follows). */
const S_LINE_CR = 1;
/** At the start of a field of an open record. */
const S_FIELD = 2;
/** Inside an unquoted field. */
const S_UNQUOTED = 3;
/** Inside a quoted field. */
const S_QUOTED = 4;
/** Just after a quote inside a quoted field: it closes the field, or starts a "" pair. */
const S_QUOTE = 5;
/** Just after the CR that ends a record. */
const S_CR = 6;

/** Field kinds (in `kinds`): unquoted, quoted, quoted with at least one "" inside. */
const K_QUOTED = 1;
const K_ESCAPED = 2;

const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
const MAX_CHUNK = 0x7fffffff; // positions are stored in an Int32Array
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
const EMPTY = new Uint8Array(0);

/**
 * Broken CSV: bad quoting, a stray CR, a record with the wrong number of fields, invalid UTF-8
 * (reported by {@link CsvRecordView.text}), or a record longer than the limit.
 */
export class CsvSyntaxError extends Error {
  /** 1-based physical line of the problem (LFs inside quoted fields count). */
  readonly line: number;
  /** 1-based field number within the record, as in the message; null when not about one field. */
  readonly field: number | null;
  /** The message without its "line N[, field M]: " prefix. */
  readonly reason: string;

  constructor(line: number, field: number | null, reason: string) {
    super(`line ${line}${field === null ? '' : `, field ${field}`}: ${reason}`);
    this.name = 'CsvSyntaxError';
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

/**
 * One record, as seen from the `onRecord` callback. The same object is reused for every record
 * and is valid only during the callback (its bytes may be overwritten by the next chunk).
 * Field indices are 0-based; an index out of range throws a RangeError.
 */
export interface CsvRecordView {
  /** 1-based physical line on which the record starts (the header is line 1). */
  readonly line: number;
  /** 0-based record index (the header is 0). */
  readonly index: number;
  readonly fieldCount: number;
  /** Absolute offset of the record's first byte in the input (a skipped BOM counts). */
  readonly offset: number;
  /** Length of the record in bytes, without its line terminator. */
  readonly byteLength: number;
  /** The record's exact bytes, without the terminator (a view, not a copy). */
  raw(): Uint8Array;
  /** Field i has no characters: an unquoted empty field or `""`. */
  isEmpty(i: number): boolean;
  isQuoted(i: number): boolean;
  /** Field i as a string: UTF-8 decoded (invalid UTF-8 is a CsvSyntaxError), `""` unescaped. */
  text(i: number): string;
  /**
   * Field i as a number when it is exactly a plain decimal, /^-?[0-9]+(\.[0-9]+)?$/, else NaN
   * (an empty field, spaces, '+', exponents, thousands separators are all NaN). The result is
   * identical to Number(text(i)).
   */
  decimal(i: number): number;
  /** Field i's content (unescaped) equals these bytes. */
  equals(i: number, ascii: Uint8Array): boolean;
  /**
   * Zero-copy access for hot loops: field i's content is `buffer[contentStart(i),
   * contentEnd(i))` (quotes excluded), valid during the callback, unless `hasEscapes(i)` (a
   * quoted field containing "", whose content must be read with bytes() or text()).
   */
  readonly buffer: Uint8Array;
  contentStart(i: number): number;
  contentEnd(i: number): number;
  hasEscapes(i: number): boolean;
  /** Field i's content: a view, or for a quoted field containing `""`, an unescaped copy. */
  bytes(i: number): Uint8Array;
}

export interface CsvReaderOptions {
  /**
   * Longest record accepted, in bytes without the terminator (default 1 MiB). A longer record
   * is an error; this stops a missing closing quote from swallowing the rest of the file.
   */
  maxRecordBytes?: number;
  /**
   * Called for a record whose number of fields differs from the header's, which is then skipped
   * and the reading goes on (the record boundaries are sound: only the count is wrong). Without
   * it such a record is an error like the others.
   */
  onFieldCountMismatch?: (error: CsvSyntaxError) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The reused record view. Its fields are set by the reader before each callback. */
class RecordView implements CsvRecordView {
  line = 0;
  index = 0;
  fieldCount = 0;
  offset = 0;
  byteLength = 0;
  /** The buffer holding the record (the caller's chunk, or the reader's carry-over buffer). */
  buf: Uint8Array = EMPTY;
  /** Position of the record's first byte in `buf`. */
  start = 0;
  /** sep[i]: position in `buf` of the byte ending field i (a comma, CR, LF or the end). */
  sep: Int32Array;
  /** kinds[i]: 0 unquoted, K_QUOTED or K_ESCAPED. */
  kinds: Uint8Array;

  constructor(sep: Int32Array, kinds: Uint8Array) {
    this.sep = sep;
    this.kinds = kinds;
  }

  raw(): Uint8Array {
    return this.buf.subarray(this.start, this.start + this.byteLength);
  }

  isEmpty(i: number): boolean {
    this.check(i);
    const begin = i === 0 ? this.start : (this.sep[i - 1] as number) + 1;
    const length = (this.sep[i] as number) - begin;
    return this.kinds[i] === 0 ? length === 0 : length === 2;
  }

  isQuoted(i: number): boolean {
    this.check(i);
    return this.kinds[i] !== 0;
  }

  text(i: number): string {
    this.check(i);
    let begin = i === 0 ? this.start : (this.sep[i - 1] as number) + 1;
    let end = this.sep[i] as number;
    const kind = this.kinds[i] as number;
    if (kind !== 0) {
      if (kind === K_ESCAPED) return this.decode(this.unescape(begin + 1, end - 1), i);
      begin++;
      end--;
    }
    const buf = this.buf;
    const length = end - begin;
    if (length <= 20) {
      // Short ASCII strings (ids, codes) are built directly: much cheaper than TextDecoder.
      let high = 0;
      for (let p = begin; p < end; p++) high |= buf[p] as number;
      if (high < 0x80) return ascii(buf, begin, length);
    }
    return this.decode(buf.subarray(begin, end), i);
  }

  decimal(i: number): number {
    this.check(i);
    let p = i === 0 ? this.start : (this.sep[i - 1] as number) + 1;
    let end = this.sep[i] as number;
    if (this.kinds[i] !== 0) {
      p++;
      end--;
    }
    const buf = this.buf;
    const begin = p;
    if (p < end && buf[p] === MINUS) p++;
    // Integer part: at least one digit.
    let mantissa = 0;
    const intStart = p;
    for (; p < end; p++) {
      const digit = (buf[p] as number) - ZERO;
      if (digit >>> 0 > 9) break;
      mantissa = mantissa * 10 + digit;
    }
    if (p === intStart) return Number.NaN;
    // Optional fraction: a dot and at least one digit.
    let scale = 0;
    if (p < end) {
      if (buf[p] !== DOT) return Number.NaN;
      const fracStart = ++p;
      for (; p < end; p++) {
        const digit = (buf[p] as number) - ZERO;
        if (digit >>> 0 > 9) return Number.NaN;
        mantissa = mantissa * 10 + digit;
      }
      scale = p - fracStart;
      if (scale === 0) return Number.NaN;
    }
    // `mantissa` is exact below 2^53 and 10^scale is exact up to 10^22, so the quotient is the
    // correctly rounded value of the decimal, which is what Number() returns.
    if (mantissa < TWO_POW_53 && scale <= 22) {
      const value = scale === 0 ? mantissa : mantissa / (POW10[scale] as number);
      return begin === intStart ? value : -value;
    }
    return Number(ascii(buf, begin, end - begin));
  }

  equals(i: number, expected: Uint8Array): boolean {
    this.check(i);
    let begin = i === 0 ? this.start : (this.sep[i - 1] as number) + 1;
    let end = this.sep[i] as number;
    let buf = this.buf;
    const kind = this.kinds[i] as number;
    if (kind !== 0) {
      begin++;
      end--;
      if (kind === K_ESCAPED) {
        buf = this.unescape(begin, end);
        begin = 0;
        end = buf.length;
      }
    }
    const length = expected.length;
    if (end - begin !== length) return false;
    for (let k = 0; k < length; k++) if (buf[begin + k] !== expected[k]) return false;
    return true;
  }

  get buffer(): Uint8Array {
    return this.buf;
  }

  contentStart(i: number): number {
    this.check(i);
    const begin = i === 0 ? this.start : (this.sep[i - 1] as number) + 1;
    return this.kinds[i] === 0 ? begin : begin + 1;
  }

  contentEnd(i: number): number {
    this.check(i);
    const end = this.sep[i] as number;
    return this.kinds[i] === 0 ? end : end - 1;
  }

  hasEscapes(i: number): boolean {
    this.check(i);
    return this.kinds[i] === K_ESCAPED;
  }

  bytes(i: number): Uint8Array {
    this.check(i);
    const begin = i === 0 ? this.start : (this.sep[i - 1] as number) + 1;
    const end = this.sep[i] as number;
    const kind = this.kinds[i] as number;
    if (kind === 0) return this.buf.subarray(begin, end);
    if (kind === K_QUOTED) return this.buf.subarray(begin + 1, end - 1);
    return this.unescape(begin + 1, end - 1);
  }

  private check(i: number): void {
    if (i >>> 0 !== i || i >= this.fieldCount) {
      throw new RangeError(
        `field index ${i} out of range: the record has ${this.fieldCount} fields`,
      );
    }
  }

  /** A copy of buf[begin, end) with every "" replaced by ". */
  private unescape(begin: number, end: number): Uint8Array {
    const buf = this.buf;
    const out = new Uint8Array(end - begin);
    let o = 0;
    for (let p = begin; p < end; p++) {
      const c = buf[p] as number;
      out[o++] = c;
      if (c === QUOTE) p++; // skip the second quote of the pair
    }
    return out.subarray(0, o);
  }

  private decode(bytes: Uint8Array, i: number): string {
    try {
      return utf8.decode(bytes);
    } catch {
      // Report the physical line of the field: the record's line plus the LFs before it.
      let line = this.line;
      const fieldStart = i === 0 ? this.start : (this.sep[i - 1] as number) + 1;
      for (let p = this.start; p < fieldStart; p++) if (this.buf[p] === LF) line++;
      throw new CsvSyntaxError(line, i + 1, 'invalid UTF-8');
    }
  }
}

/** buf[begin, begin + length) as a string, each byte one UTF-16 unit (the bytes are ASCII). */
function ascii(b: Uint8Array, s: number, length: number): string {
  // Unrolled on purpose: a call with a fixed number of arguments builds the string without the
  // array that String.fromCharCode(...subarray) or apply would allocate for every id and code.
  const c = String.fromCharCode;
  switch (length) {
    case 0:
      return '';
    case 1:
      return c(b[s] as number);
    case 2:
      return c(b[s] as number, b[s + 1] as number);
    case 3:
      return c(b[s] as number, b[s + 1] as number, b[s + 2] as number);
    case 4:
      return c(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number);
    case 5:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
      );
    case 6:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
      );
    case 7:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
      );
    case 8:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
        b[s + 7] as number,
      );
    case 9:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
        b[s + 7] as number,
        b[s + 8] as number,
      );
    case 10:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
        b[s + 7] as number,
        b[s + 8] as number,
        b[s + 9] as number,
      );
    default: {
      if (length <= 20) return ascii(b, s, 10) + ascii(b, s + 10, length - 10);
      let out = '';
      for (let p = s; p < s + length; p += 4096) {
        out += c.apply(null, b.subarray(p, Math.min(p + 4096, s + length)) as unknown as number[]);
      }
      return out;
    }
  }
}

/**
 * Streaming CSV reader: `push` chunks (split anywhere), then `end()`. `onRecord` is called for
 * every record, the header first, with a view that is valid only during the call. Syntax errors
 * are thrown as {@link CsvSyntaxError} from `push`/`end`; after an error (or an exception from
 * `onRecord`) the reader is unusable and every further call throws.
 */
export class CsvReader {
  private readonly onRecord: (record: CsvRecordView) => void;
  private readonly maxRecordBytes: number;
  private readonly onFieldCountMismatch: ((error: CsvSyntaxError) => void) | undefined;
  private readonly view: RecordView;

  // Parser state, saved between chunks.
  private state = S_LINE;
  /** Current physical line (1-based). */
  private line = 1;
  /** Fields completed in the open record. */
  private n = 0;
  /** Position of the open record's first byte in the buffer being scanned (0 in the carry). */
  private recStart = 0;
  /** Position of the CR ending the open record (state S_CR). */
  private recEnd = 0;
  private recLine = 1;
  private quoteLine = 1;
  private anyQuoted = false;
  private sep = new Int32Array(64);
  private kinds = new Uint8Array(64);
  /** Fields in the header; -1 before the header. */
  private expected = -1;
  private index = 0;

  /** Absolute offset of the next chunk's first byte. */
  private chunkBase = 0;
  /** The open record's bytes when it spans chunks. */
  private carry: Uint8Array = EMPTY;
  private carryLen = 0;
  /** Absolute offset of carry[0]. */
  private carryBase = 0;
  /** BOM bytes matched and held back so far; -1 once the BOM question is settled. */
  private bomHeld = 0;

  private busy = false;
  private ended = false;
  private failure: Error | null = null;

  constructor(onRecord: (record: CsvRecordView) => void, options?: CsvReaderOptions) {
    const max = options?.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    if (!Number.isInteger(max) || max < 1 || max > 0x40000000) {
      throw new RangeError(`maxRecordBytes must be an integer from 1 to 2^30, not ${max}`);
    }
    this.onRecord = onRecord;
    this.maxRecordBytes = max;
    this.onFieldCountMismatch = options?.onFieldCountMismatch;
    this.view = new RecordView(this.sep, this.kinds);
  }

  /**
   * The current physical line: the line on which the next record would start. After an input
   * that ends with a line terminator, it is one past the last line (lines counted so far + 1).
   */
  get nextLine(): number {
    return this.line;
  }

  /** Parses the next chunk of input. The reader does not keep a reference to it. */
  push(chunk: Uint8Array): void {
    this.enter();
    if (chunk.length > MAX_CHUNK) throw new RangeError('a chunk must be shorter than 2 GiB');
    // Keep element accesses monomorphic: a Buffer (a Uint8Array subclass) is viewed as a plain
    // Uint8Array without copying.
    let bytes =
      chunk.constructor === Uint8Array
        ? chunk
        : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.bomHeld >= 0) {
      const held = this.bomHeld;
      let k = held;
      let j = 0;
      while (k < 3 && j < bytes.length && bytes[j] === BOM[k]) {
        k++;
        j++;
      }
      if (k === 3) {
        this.bomHeld = -1;
        this.chunkBase = 3;
        bytes = bytes.subarray(j);
      } else if (j === bytes.length) {
        this.bomHeld = k; // still a BOM prefix: wait for more
        this.busy = false;
        return;
      } else {
        this.bomHeld = -1; // not a BOM: the held bytes are data
        if (held > 0) this.feed(BOM.subarray(0, held));
      }
    }
    this.feed(bytes);
    this.busy = false;
  }

  /** Ends the input: the last record may lack a terminator; an open quote is an error. */
  end(): void {
    this.enter();
    if (this.bomHeld > 0) this.feed(BOM.subarray(0, this.bomHeld));
    this.bomHeld = -1;
    this.ended = true;
    const state = this.state;
    if (state === S_LINE_CR) {
      throw this.fail(-1, this.line, null, 'a carriage return not followed by a line feed');
    }
    if (state !== S_LINE) {
      // The open record is in the carry buffer; push() has checked its length so far, and
      // emit() checks the final length.
      const end = this.carryLen;
      if (state === S_CR) {
        throw this.fail(-1, this.line, null, 'a carriage return not followed by a line feed');
      }
      if (state === S_QUOTED) {
        throw this.fail(
          -1,
          this.line,
          this.n + 1,
          `unclosed quoted field (opened at line ${this.quoteLine})`,
        );
      }
      // S_FIELD, S_UNQUOTED, S_QUOTE: the last field ends with the input.
      this.sep[this.n] = end;
      this.state = S_LINE;
      this.carryLen = 0;
      this.emit(this.carry, this.recStart, end, this.n + 1, this.recLine, this.carryBase);
    }
    this.busy = false;
  }

  private enter(): void {
    if (this.failure !== null) {
      throw new Error(`CsvReader: unusable after an earlier error (${this.failure.message})`);
    }
    if (this.busy) {
      // Still set from a call that threw (from onRecord), or a re-entrant call.
      throw new Error('CsvReader: unusable after an exception from onRecord, or re-entered');
    }
    if (this.ended) throw new Error('CsvReader: push() or end() after end()');
    this.busy = true;
  }

  private feed(chunk: Uint8Array): void {
    const length = chunk.length;
    let from = 0;
    if (this.carryLen > 0) {
      // A record is open in the carry buffer. It can only end at an LF: append the chunk up to
      // the next LF and resume scanning the carry where it stopped, until the record ends.
      const limit = this.maxRecordBytes + 2;
      for (;;) {
        const lf = chunk.indexOf(LF, from);
        let stop = lf < 0 ? length : lf + 1;
        if (stop - from > limit - this.carryLen) stop = from + limit - this.carryLen;
        const at = this.carryLen;
        this.appendCarry(chunk, from, stop);
        from = stop;
        this.scan(this.carry, at, this.carryLen, this.carryBase);
        if (this.state === S_LINE) {
          this.carryLen = 0;
          break;
        }
        if (this.carryLen > this.maxRecordBytes + 1) throw this.tooLong();
        if (from === length) {
          this.chunkBase += length;
          return;
        }
      }
    }
    this.scan(chunk, from, length, this.chunkBase);
    const state = this.state;
    if (state !== S_LINE && state !== S_LINE_CR) {
      // Carry the open record over: copy its bytes and rebase its positions.
      const start = this.recStart;
      if (length - start > this.maxRecordBytes + 1) throw this.tooLong();
      this.carryLen = 0;
      this.appendCarry(chunk, start, length);
      this.carryBase = this.chunkBase + start;
      const sep = this.sep;
      // sep[n] too: in state S_CR it holds the position of the CR.
      for (let k = 0; k <= this.n; k++) sep[k] = (sep[k] as number) - start;
      this.recEnd -= start;
      this.recStart = 0;
    }
    this.chunkBase += length;
    this.view.buf = EMPTY; // keep no reference to the caller's chunk
  }

  private appendCarry(chunk: Uint8Array, from: number, to: number): void {
    const needed = this.carryLen + (to - from);
    if (needed > this.carry.length) {
      let size = Math.max(4096, this.carry.length * 2);
      while (size < needed) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLen);
    this.carryLen = needed;
  }

  private grow(): void {
    const sep = new Int32Array(this.sep.length * 2);
    sep.set(this.sep);
    const kinds = new Uint8Array(this.kinds.length * 2);
    kinds.set(this.kinds);
    this.sep = sep;
    this.kinds = kinds;
    this.view.sep = sep;
    this.view.kinds = kinds;
  }

  /**
   * Scans buf[from, end), resuming in the saved state. `base` is the absolute offset of buf[0].
   * Complete records are emitted; the state of an open record is saved for the next call.
   */
  // biome-ignore lint/complexity/noExcessiveCognitiveComplexity: one state machine, kept in one function so that its state lives in locals (the hot loop)
  private scan(buf: Uint8Array, from: number, end: number, base: number): void {
    let i = from;
    let state = this.state;
    let n = this.n;
    let sep = this.sep;
    let kinds = this.kinds;
    let cap = sep.length;
    let recStart = this.recStart;
    let recEnd = this.recEnd;
    let line = this.line;
    let recLine = this.recLine;
    let quoteLine = this.quoteLine;

    outer: while (i < end) {
      switch (state) {
        case S_UNQUOTED: {
          // The hot loop: bytes above ',' (digits, letters, '.', '-', UTF-8) are plain data,
          // and every special byte (LF, CR, '"', ',') is at most ','.
          for (;;) {
            // (Reading each byte once, into c, is measurably faster than re-reading buf[i].)
            let c = 0;
            while (i < end) {
              c = buf[i] as number;
              if (c <= COMMA) break;
              i++;
            }
            if (i === end) break outer;
            if (c === COMMA) {
              sep[n] = i;
              if (++n === cap) {
                this.grow();
                sep = this.sep;
                kinds = this.kinds;
                cap = sep.length;
              }
              if (++i === end) {
                state = S_FIELD;
                break outer;
              }
              if (buf[i] === QUOTE) {
                kinds[n] = K_QUOTED;
                this.anyQuoted = true;
                quoteLine = line;
                i++;
                state = S_QUOTED;
                continue outer;
              }
            } else if (c === LF || (c === CR && i + 1 < end && buf[i + 1] === LF)) {
              // The end of the record (LF, or CRLF within this buffer: the common cases, handled
              // here without going through the state switch).
              sep[n] = i;
              this.emit(buf, recStart, i, n + 1, recLine, base);
              line++;
              i += c === LF ? 1 : 2;
              // The next record starts here with an unquoted field: stay in this loop.
              if (i < end && (buf[i] as number) > COMMA) {
                recStart = i;
                recLine = line;
                n = 0;
                continue;
              }
              state = S_LINE;
              continue outer;
            } else if (c === CR) {
              sep[n] = i; // a CR at the end of the buffer, or a bare CR (an error)
              recEnd = i;
              i++;
              state = S_CR;
              continue outer;
            } else if (c === QUOTE) {
              throw this.fail(
                i - recStart,
                line,
                n + 1,
                'a quote inside an unquoted field',
                recLine,
              );
            } else {
              i++; // another byte below ',' (space, '!', '#', ...): data
            }
          }
        }
        case S_LINE: {
          const c = buf[i] as number;
          if (c === LF) {
            line++; // an empty line
            i++;
          } else if (c === CR) {
            i++;
            state = S_LINE_CR;
          } else {
            recStart = i;
            recLine = line;
            n = 0;
            state = S_FIELD;
          }
          continue;
        }
        case S_FIELD: {
          if (buf[i] === QUOTE) {
            kinds[n] = K_QUOTED;
            this.anyQuoted = true;
            quoteLine = line;
            i++;
            state = S_QUOTED;
          } else {
            state = S_UNQUOTED;
          }
          continue;
        }
        case S_QUOTED: {
          for (; i < end; i++) {
            const c = buf[i] as number;
            if (c === QUOTE) break;
            if (c === LF) line++;
          }
          if (i === end) break outer;
          i++;
          state = S_QUOTE;
          continue;
        }
        case S_QUOTE: {
          const c = buf[i] as number;
          if (c === QUOTE) {
            kinds[n] = K_ESCAPED; // "" inside a quoted field
            i++;
            state = S_QUOTED;
          } else if (c === COMMA) {
            sep[n] = i;
            if (++n === cap) {
              this.grow();
              sep = this.sep;
              kinds = this.kinds;
              cap = sep.length;
            }
            i++;
            state = S_FIELD;
          } else if (c === LF) {
            sep[n] = i;
            line++;
            i++;
            this.emit(buf, recStart, i - 1, n + 1, recLine, base);
            state = S_LINE;
          } else if (c === CR) {
            sep[n] = i;
            recEnd = i;
            i++;
            state = S_CR;
          } else {
            throw this.fail(i - recStart, line, n + 1, 'characters after a closing quote', recLine);
          }
          continue;
        }
        case S_CR: {
          if (buf[i] !== LF) {
            throw this.fail(
              i - recStart,
              line,
              null,
              'a carriage return not followed by a line feed',
              recLine,
            );
          }
          line++;
          i++;
          this.emit(buf, recStart, recEnd, n + 1, recLine, base);
          state = S_LINE;
          continue;
        }
        case S_LINE_CR: {
          if (buf[i] !== LF) {
            throw this.fail(-1, line, null, 'a carriage return not followed by a line feed');
          }
          line++;
          i++;
          state = S_LINE;
          continue;
        }
        default:
          throw new Error(`CsvReader: bad state ${state}`);
      }
    }

    this.state = state;
    this.n = n;
    this.recStart = recStart;
    this.recEnd = recEnd;
    this.line = line;
    this.recLine = recLine;
    this.quoteLine = quoteLine;
  }

  /** Checks a complete record (buf[start, end), `count` fields) and hands it to onRecord. */
  private emit(
    buf: Uint8Array,
    start: number,
    end: number,
    count: number,
    line: number,
    base: number,
  ): void {
    if (end - start > this.maxRecordBytes) {
      this.recLine = line;
      throw this.tooLong();
    }
    if (count !== this.expected) {
      if (this.expected < 0) {
        this.expected = count;
      } else {
        const fields = count === 1 ? 'field' : 'fields';
        const reason = `${count} ${fields}, but the header has ${this.expected}`;
        if (!this.onFieldCountMismatch) throw this.fail(-1, line, null, reason);
        this.index++;
        if (this.anyQuoted) {
          this.kinds.fill(0, 0, count + 1);
          this.anyQuoted = false;
        }
        this.onFieldCountMismatch(new CsvSyntaxError(line, null, reason));
        return;
      }
    }
    const view = this.view;
    view.buf = buf;
    view.start = start;
    view.byteLength = end - start;
    view.fieldCount = count;
    view.line = line;
    view.index = this.index++;
    view.offset = base + start;
    this.onRecord(view);
    if (this.anyQuoted) {
      this.kinds.fill(0, 0, count + 1);
      this.anyQuoted = false;
    }
  }

  /**
   * The error to throw; `consumed` is how many bytes of the open record were scanned before the
   * offending byte (-1 when no record is open). A record already longer than the limit reports
   * that instead, so that the error does not depend on where the chunks were split.
   */
  private fail(
    consumed: number,
    line: number,
    field: number | null,
    reason: string,
    recLine?: number,
  ): Error {
    if (consumed > this.maxRecordBytes + 1) {
      if (recLine !== undefined) this.recLine = recLine;
      return this.tooLong();
    }
    const error = new CsvSyntaxError(line, field, reason);
    this.failure = error;
    return error;
  }

  private tooLong(): Error {
    const error = new CsvSyntaxError(
      this.recLine,
      null,
      `a record longer than ${this.maxRecordBytes} bytes (is a closing quote missing?)`,
    );
    this.failure = error;
    return error;
  }
}
