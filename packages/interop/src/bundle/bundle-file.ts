/**
 * Opening and streaming a bundle file. A bundle file is a regular file in the bundle folder,
 * opened never through a symbolic link (a link to /etc/shadow would otherwise have its first line
 * quoted in a problem) and never a FIFO, socket or device (a FIFO with no writer blocks its
 * reader forever). O_NOFOLLOW refuses a link as the last component (ELOOP), O_NONBLOCK makes the
 * open of a FIFO return at once, and fstat on the open descriptor checks what was opened, so that
 * nothing can be swapped in between a check and the open (docs/bundle-format.md, "Files").
 *
 * The import reads each file twice: once to validate it, keeping no record, and once more when
 * the records are sent to the database (bundleRecords), so that the import's memory does not grow
 * with the files (docs/performance.md, "Import"). The second reading checks that the file is the
 * one validated (same device, inode, size, modification and change times, before and after):
 * otherwise INPUT_CHANGED, and the import is rolled back.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { JiaError } from '@jia-trial/errors';
import { CsvReader, CsvSyntaxError } from '../csv/csv-reader.js';

/** What identifies the content of a file that was validated: any write changes ctime. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export type OpenedBundleFile =
  | { readonly kind: 'file'; readonly fd: number; readonly identity: FileIdentity }
  | { readonly kind: 'missing' }
  | { readonly kind: 'refused'; readonly reason: string };

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const READ_CHUNK_BYTES = 1 << 20;
/** Records are sent to the database in chunks of about this size. */
const SEND_CHUNK_BYTES = 1 << 16;

function identityOf(fd: number): { identity: FileIdentity; regular: boolean } {
  const stat = fstatSync(fd, { bigint: true });
  return {
    identity: {
      dev: stat.dev,
      ino: stat.ino,
      size: stat.size,
      mtimeNs: stat.mtimeNs,
      ctimeNs: stat.ctimeNs,
    },
    regular: stat.isFile(),
  };
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs
  );
}

/** Opens a bundle file for reading: a regular file, not through a link. The caller closes `fd`. */
export function openBundleFile(path: string): OpenedBundleFile {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP')
      return {
        kind: 'refused',
        reason:
          'is a symbolic link: bundle files are read only as regular files in the bundle folder, never through a link (copy the file itself into the folder)',
      };
    throw error;
  }
  const { identity, regular } = identityOf(fd);
  if (!regular) {
    closeSync(fd);
    return {
      kind: 'refused',
      reason:
        'is not a regular file (a directory, FIFO, socket or device): a bundle file must be a plain file in the bundle folder',
    };
  }
  return { kind: 'file', fd, identity };
}

function changed(file: string): JiaError {
  return new JiaError(
    'INPUT_CHANGED',
    `${file} changed (or was replaced) after it was validated; nothing was imported`,
  );
}

/** Writes `value`'s decimal digits at `out[at]`; returns the position after them. */
function writeDigits(out: Uint8Array, at: number, value: number): number {
  const text = String(value);
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/**
 * The records of a validated bundle file, read again from disk, as the store stages them: each
 * record's exact bytes (no header, no empty line), then `,` and its line number as one more field,
 * then LF; in chunks of about 64 KiB. Memory is bounded by the read buffer, the longest record
 * and the chunks the consumer has not taken yet (a stream with backpressure takes them one by one).
 */
export async function* bundleRecords(
  path: string,
  file: string,
  validated: FileIdentity,
): AsyncGenerator<Uint8Array> {
  const opened = openBundleFile(path);
  if (opened.kind !== 'file') throw changed(file);
  const { fd } = opened;
  try {
    if (!sameIdentity(opened.identity, validated)) throw changed(file);
    const ready: Uint8Array[] = [];
    let out = new Uint8Array(SEND_CHUNK_BYTES);
    let used = 0;
    const reader = new CsvReader((record) => {
      if (record.index === 0) return;
      const raw = record.raw();
      const needed = raw.length + 12; // the record, ',', up to 10 digits, LF
      if (used + needed > out.length) {
        if (used > 0) ready.push(out.subarray(0, used));
        out = new Uint8Array(Math.max(SEND_CHUNK_BYTES, needed));
        used = 0;
      }
      out.set(raw, used);
      used += raw.length;
      out[used++] = 0x2c;
      used = writeDigits(out, used, record.line);
      out[used++] = 0x0a;
    });
    const buffer = new Uint8Array(READ_CHUNK_BYTES);
    try {
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        reader.push(buffer.subarray(0, n));
        while (ready.length > 0) yield ready.shift() as Uint8Array;
      }
      reader.end();
    } catch (error) {
      // The validated file was sound CSV: broken CSV now means it was changed.
      if (error instanceof CsvSyntaxError) throw changed(file);
      throw error;
    }
    while (ready.length > 0) yield ready.shift() as Uint8Array;
    if (used > 0) yield out.subarray(0, used);
    if (!sameIdentity(identityOf(fd).identity, validated)) throw changed(file);
  } finally {
    closeSync(fd);
  }
}

/** Where the last, possibly incomplete, UTF-8 sequence of bytes[0, n) starts (n if none is cut). */
function completeUtf8End(bytes: Uint8Array, n: number): number {
  for (let back = 1; back <= 3 && n - back >= 0; back++) {
    const byte = bytes[n - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return back < length ? n - back : n;
  }
  return n;
}

/**
 * Whether the whole file is UTF-8, checked in chunks without decoding it (isUtf8: no string is
 * made, which for a large file would be garbage the size of the file). A character cut by the end
 * of a chunk is carried into the next one.
 */
export function isUtf8File(fd: number, chunkBytes = 1 << 22): boolean {
  const buffer = new Uint8Array(chunkBytes);
  let carried = 0;
  for (let position = 0; ; ) {
    const n = readSync(fd, buffer, carried, buffer.length - carried, position);
    position += n;
    const filled = carried + n;
    // At the end of the file nothing is carried: a cut sequence there is invalid.
    const end = n === 0 ? filled : completeUtf8End(buffer, filled);
    if (!isUtf8(buffer.subarray(0, end))) return false;
    if (n === 0) return true;
    buffer.copyWithin(0, end, filled);
    carried = filled - end;
  }
}
