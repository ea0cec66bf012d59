/**
 * Reading a large visits file in two parts, one per core. The split must fall on a record
 * boundary: after a line feed that is not inside a quoted field. Under RFC 4180 a quote only
 * opens, closes or doubles inside a quoted field, so a line feed is outside quotes exactly
 * when the number of quote bytes before it is even; counting them uses the native byte search
 * (no quote at all, the usual case, costs one search per chunk).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { fileIssue, type Issue } from '@jia-trial/errors';
import { CsvReader } from '../csv/csv-reader.js';
import type { ReadResult } from './read-visits.js';
import { shiftLineNumbers } from './row-parser.js';

const CHUNK = 1 << 22;
const QUOTE = 0x22;
const LF = 0x0a;

/** Offset just after the first record-ending line feed at or after `target`, or null if none. */
export function findSplit(path: string, target: number, size: number): number | null {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let quotes = 0;
    for (let position = 0; position < size; ) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK, size - position), position);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      // Before the target only the parity of the quotes matters.
      const from = Math.max(0, target - position);
      for (
        let q = chunk.indexOf(QUOTE);
        q >= 0 && q < Math.min(from, n);
        q = chunk.indexOf(QUOTE, q + 1)
      )
        quotes++;
      for (let i = from; i < n; i++) {
        const byte = chunk[i] as number;
        if (byte === QUOTE) quotes++;
        else if (byte === LF && quotes % 2 === 0) return position + i + 1;
      }
      position += n;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Joins a later part's rows onto the first part's, shifting its lines; merges its problems. */
export function joinParts(
  first: ReadResult,
  later: ReadResult,
  report: (problem: Issue) => void,
): number {
  const lineShift = first.nextLine - 1;
  first.table.append(later.table, lineShift);
  for (const problem of later.problems) {
    report(
      fileIssue({
        file: problem.file ?? '',
        line: (problem.line ?? 0) + lineShift,
        column: problem.column,
        record: problem.record,
        message: shiftLineNumbers(problem.message, lineShift),
      }),
    );
  }
  return later.moreProblems;
}

/** The header record's bytes (without BOM and line end), or null when the file has none. */
export function readHeaderRecord(path: string): Uint8Array | null {
  let header: Uint8Array | null = null;
  const reader = new CsvReader((record) => {
    if (record.index === 0) header = record.raw().slice();
  });
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(64 * 1024);
    while (header === null) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      reader.push(buffer.subarray(0, n));
    }
  } catch {
    return null; // the main thread's own read reports the problem with its line
  } finally {
    closeSync(fd);
  }
  return header;
}
