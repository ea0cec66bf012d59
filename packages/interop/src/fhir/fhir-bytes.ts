/**
 * The FHIR Bundle's bytes as they are made (docs/performance.md says why): each entry is written
 * into a large Buffer, its constant parts copied from bytes encoded once, its ids written as hex
 * from their digest (fhir-ids.ts), short ASCII values copied a character at a time, anything else
 * encoded by Buffer.write; no string is made for an Observation. A chunk is handed on once it
 * holds BYTES_CHUNK bytes, between two entries; an entry never spans two chunks (the Buffer
 * grows for a larger one), so that its resource can be read back as one NDJSON line.
 */
import { writeUuid } from './fhir-ids.js';

/** Bytes handed to the writer at a time. */
const BYTES_CHUNK = 1 << 20;
/** Room beyond a chunk for its last entry; an entry larger than this grows the Buffer. */
const SLACK = 1 << 16;

/**
 * A text's UTF-8 bytes (the constant parts of resources, a visit's). Buffer.from, not
 * TextEncoder: a short text's bytes come from Buffer's pool, not an ArrayBuffer of their own
 * (1 µs, a million times a study).
 */
export const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

const ENTRY_START = utf8('{"fullUrl":"urn:uuid:');
const ENTRY_SEPARATOR = utf8(',\n');
/** What follows an entry's fullUrl uuid, up to its resource. */
export const ENTRY_RESOURCE = utf8('","resource":');
/** Where the resource starts in an entry: after `{"fullUrl":"urn:uuid:<uuid>","resource":`. */
const RESOURCE_OFFSET = ENTRY_START.length + 36 + ENTRY_RESOURCE.length;
const ID_START = utf8(',"id":"');
const ENTRY_END = utf8('"}}');

export class BundleBytes {
  /** Buffers written and given back (recycle), to be filled again. */
  private readonly free: Buffer[] = [];
  private buffer = this.fresh();
  private position = 0;
  /** Chunks complete, waiting to be written. */
  readonly ready: Uint8Array[] = [];
  private entries = 0;
  private entryStart = 0;
  /** The NDJSON lines of the entries written (type, line), when asked for. */
  readonly lines: string[] | null;

  constructor(ndjson: boolean) {
    this.lines = ndjson ? [] : null;
  }

  /** A Buffer for the next chunk: one given back, else a new one. */
  private fresh(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(BYTES_CHUNK + SLACK);
  }

  /**
   * Gives back a chunk of `ready` once written, when its writer is done with it: its memory is
   * filled again (new memory costs a page fault a page, and its release a collection).
   */
  recycle(chunk: Uint8Array): void {
    const buffer = Buffer.from(chunk.buffer, 0, chunk.buffer.byteLength);
    if (buffer.length === BYTES_CHUNK + SLACK && this.free.length < 2) this.free.push(buffer);
  }

  /** Entries written. */
  get count(): number {
    return this.entries;
  }

  /** Room for `bytes` more bytes (a larger Buffer, the entry being written copied into it). */
  private room(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafeSlow(
      Math.max(2 * this.buffer.length, this.position + bytes + SLACK),
    );
    this.buffer.copy(larger, 0, 0, this.position);
    this.buffer = larger;
  }

  /** Bytes copied as they are. */
  bytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  /** A text (UTF-8). */
  text(text: string): void {
    const length = text.length;
    if (length <= 64) {
      this.room(length);
      const buffer = this.buffer;
      const start = this.position;
      let i = 0;
      for (; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        buffer[start + i] = c;
      }
      if (i === length) {
        this.position += length;
        return;
      }
    }
    this.room(3 * length);
    this.position += this.buffer.write(text, this.position, 'utf8');
  }

  /** A text as a JSON string: JSON.stringify(text), written. */
  json(text: string): void {
    const length = text.length;
    this.room(length + 2);
    const buffer = this.buffer;
    const start = this.position;
    buffer[start] = 0x22;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      // Printable ASCII but '"' and '\' is written as it is; anything else as JSON.stringify
      // writes it (escapes, surrogates) in UTF-8.
      if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) {
        this.text(JSON.stringify(text));
        return;
      }
      buffer[start + 1 + i] = c;
    }
    buffer[start + 1 + length] = 0x22;
    this.position += length + 2;
  }

  /** The UUID of the name last hashed (fhir-ids.ts hashName). */
  uuid(): void {
    this.room(36);
    writeUuid(this.buffer, this.position);
    this.position += 36;
  }

  /**
   * Starts an entry whose id is the name last hashed: its separator, its fullUrl and
   * `","resource":`; the resource follows, written by the caller without its id (endEntry).
   */
  startEntry(): void {
    if (this.position >= BYTES_CHUNK) {
      this.ready.push(this.buffer.subarray(0, this.position));
      this.buffer = this.fresh();
      this.position = 0;
    }
    if (this.entries > 0) this.bytes(ENTRY_SEPARATOR);
    this.entryStart = this.position;
    this.bytes(ENTRY_START);
    this.uuid();
    this.bytes(ENTRY_RESOURCE);
  }

  /** Ends the entry: the resource's id (its fullUrl's uuid, copied) and the closing braces. */
  endEntry(resourceType: string): void {
    this.bytes(ID_START);
    this.room(36 + ENTRY_END.length);
    const idAt = this.entryStart + ENTRY_START.length;
    this.buffer.copyWithin(this.position, idAt, idAt + 36);
    this.position += 36;
    this.bytes(ENTRY_END);
    this.entries++;
    this.lines?.push(
      resourceType,
      this.buffer.toString('utf8', this.entryStart + RESOURCE_OFFSET, this.position - 1),
    );
  }

  /** An entry of a resource made as text (`json`: the resource with its id). */
  entry(resourceType: string, uuid: string, json: string): void {
    if (this.position >= BYTES_CHUNK) {
      this.ready.push(this.buffer.subarray(0, this.position));
      this.buffer = this.fresh();
      this.position = 0;
    }
    this.text(`${this.entries > 0 ? ',\n' : ''}{"fullUrl":"urn:uuid:${uuid}","resource":${json}}`);
    this.entries++;
    this.lines?.push(resourceType, json);
  }

  /** Everything written so far made ready (the end of the Bundle). */
  finish(): void {
    if (this.position > 0) this.ready.push(this.buffer.subarray(0, this.position));
    this.buffer = Buffer.allocUnsafeSlow(0);
    this.position = 0;
  }
}
