/**
 * Pass 1 of `jia-trial score`: streams the visits CSV through the strict reader, validates
 * every cell and stores the rows in a VisitTable. Every problem is collected (up to a limit)
 * with its line, visit and column, so that one run lists everything a data manager must fix.
 * The per-cell validation is row-parser.ts.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Issue } from '@jia-trial/errors';
import { CsvReader, CsvSyntaxError } from '../csv/csv-reader.js';
import { RowParser } from './row-parser.js';
import { VisitTable } from './visit-table.js';

const READ_CHUNK_BYTES = 1 << 22;

/** A part of the file read on its own (by a worker thread): [start, end), after the header. */
export interface FileRange {
  readonly start: number;
  readonly end: number;
  /** The header record's bytes, replayed first so the reader knows the columns. */
  readonly headerBytes: Uint8Array;
}

export interface ReadOptions {
  readonly path: string;
  /** An open descriptor of `path` to read instead of opening it (not closed). */
  readonly fd?: number;
  /** The file's name in problem reports (default: `path`). */
  readonly fileName?: string;
  readonly fileSize: number;
  readonly maxProblems: number;
  /** Read only [0, end) of the file (the first part when the file is read in parts). */
  readonly end?: number;
  /** Read this later part of the file instead; line numbers then count from the part's start. */
  readonly range?: FileRange;
  /**
   * Rows to size the table for (default: one per 80 bytes, a guess that over- or under-sizes
   * it, and a table grows by doubling); a caller that counted the lines gives their count.
   */
  readonly expectedRows?: number;
  /**
   * Keep every row's values in the table (default true). False: only what the checks across rows
   * need (ids, subject, date, line, place in the file), for a caller that only validates.
   */
  readonly keepValues?: boolean;
  /** Called after each chunk with the share of this read done, 0 to 1 (a terminal's progress). */
  readonly onProgress?: (fraction: number) => void;
}

export interface ReadResult {
  readonly table: VisitTable;
  /** Line number at which the next part of the file starts. */
  readonly nextLine: number;
  /** Input column names in file order (the header), and the header record's exact bytes. */
  readonly header: readonly string[];
  readonly headerBytes: Uint8Array;
  /** True when a broken CSV structure or header stopped the reading before the end. */
  readonly stopped: boolean;
  /**
   * True when every record became a row: the reading was not stopped and no record was skipped
   * (for a wrong number of fields). Checks across rows are only meaningful then.
   */
  readonly complete: boolean;
  readonly problems: Issue[];
  /** Problems found beyond `maxProblems` (counted, not kept). */
  readonly moreProblems: number;
}

/** Reads and validates a visits CSV, or a part of it. Problems are returned, not thrown. */
export function readVisits(options: ReadOptions): ReadResult {
  const { path, fileSize, range } = options;
  const start = range?.start ?? 0;
  const end = range?.end ?? options.end ?? fileSize;
  // The first part of a file read in two parts will take the other's rows: size it for both.
  const table = new VisitTable(
    options.expectedRows ?? Math.ceil((range ? end - start : fileSize) / 80),
    undefined,
    { keepValues: options.keepValues !== false },
  );
  // A later part is read after a replayed header line: shift offsets and lines back.
  const parser = new RowParser(
    table,
    options.fileName ?? path,
    options.maxProblems,
    range ? start - (range.headerBytes.length + 1) : 0,
    range ? -1 : 0,
  );
  let skipped = false;
  const reader = new CsvReader(
    (record) => (record.index === 0 ? parser.header(record) : parser.row(record)),
    {
      // A wrong field count leaves the record boundaries sound: report it and read on, so that
      // the problems of the rows after it are listed too.
      onFieldCountMismatch: (error) => {
        parser.syntaxError(error);
        skipped = true;
      },
    },
  );
  let stopped = false;
  const fd = options.fd ?? openSync(path, 'r');
  try {
    if (range) reader.push(Uint8Array.from([...range.headerBytes, 10]));
    const buffer = new Uint8Array(READ_CHUNK_BYTES);
    for (let position = start; position < end && parser.headerOk; ) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (n === 0) break;
      position += n;
      reader.push(buffer.subarray(0, n));
      options.onProgress?.((position - start) / Math.max(1, end - start));
    }
    if (parser.headerOk) reader.end();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    parser.syntaxError(error);
    stopped = true;
  } finally {
    if (options.fd === undefined) closeSync(fd);
  }
  if (parser.columnNames.length === 0 && parser.problems.length === 0) {
    parser.report(1, null, null, 'the file is empty: a header row is required');
  }
  return {
    table,
    nextLine: reader.nextLine + parser.lineShift,
    header: parser.columnNames,
    headerBytes: parser.headerBytes,
    stopped: stopped || !parser.headerOk || parser.columnNames.length === 0,
    complete: !stopped && !skipped && parser.headerOk && parser.columnNames.length > 0,
    problems: parser.problems,
    moreProblems: parser.moreProblems,
  };
}
