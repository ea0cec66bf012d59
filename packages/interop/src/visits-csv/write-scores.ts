/**
 * Pass 2 of `jia-trial score`: scores every row against its baseline (score-rows.ts) and writes
 * it out in input order, as CSV (each input record's exact bytes, read back by offset so no
 * field is re-encoded, then the score columns), JSON (the fields re-read as typed values) or a
 * readable table.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { restoreCell } from '@jia-trial/dictionary';
import { formatIsoDate, type VisitScoreOptions, type VisitScores } from '@jia-trial/outcomes';
import { CsvReader } from '../csv/csv-reader.js';
import { CsvWriter } from '../csv/csv-writer.js';
import { scoreRow } from './score-rows.js';
import { SCORE_COLUMNS, type ScoreValue, scoreValues, VISIT_COLUMNS } from './visit-columns.js';
import type { VisitTable } from './visit-table.js';

/** Receives output bytes; may ask the producer to wait (backpressure) by returning a promise. */
export type OutputSink = (bytes: Uint8Array) => void | Promise<void>;

const WINDOW_BYTES = 1 << 22;
const LF = new Uint8Array([10]);

const rowValues: ScoreValue[] = [];

function writeScores(writer: CsvWriter, s: VisitScores): void {
  const values = scoreValues(s, rowValues);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as ScoreValue;
    if (value === null) writer.empty();
    else if (typeof value === 'number') writer.number(value);
    else if (typeof value === 'boolean') writer.boolean(value);
    else writer.field(value);
  }
}

/** The CSV header: the input header record, then the score columns. */
export function csvHeader(headerBytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const writer = new CsvWriter((bytes) => parts.push(bytes));
  writer.raw(headerBytes);
  for (const name of SCORE_COLUMNS) writer.field(name);
  writer.endRecord();
  writer.flush();
  return Buffer.concat(parts);
}

/** Writes rows [from, to) as CSV: each input record's bytes, then its scores. */
export async function writeCsvRows(
  path: string,
  table: VisitTable,
  from: number,
  to: number,
  options: VisitScoreOptions,
  sink: OutputSink,
): Promise<void> {
  const pending: Uint8Array[] = [];
  const writer = new CsvWriter((bytes) => pending.push(bytes));
  const drain = async () => {
    for (const bytes of pending.splice(0)) await sink(bytes);
  };
  const fd = openSync(path, 'r');
  try {
    const window = new Uint8Array(WINDOW_BYTES);
    let windowStart = 0;
    let windowEnd = 0;
    for (let row = from; row < to; row++) {
      const start = table.offset[row] as number;
      const end = start + (table.length[row] as number);
      if (start < windowStart || end > windowEnd) {
        windowStart = start;
        windowEnd = start + readSync(fd, window, 0, window.length, start);
        if (end > windowEnd)
          throw new Error(`${path} changed while it was being scored (line ${table.line[row]})`);
      }
      writer.raw(window.subarray(start - windowStart, end - windowStart));
      writeScores(writer, scoreRow(table, row, options));
      writer.endRecord();
      if (pending.length > 0) await drain();
    }
  } finally {
    closeSync(fd);
  }
  writer.flush();
  await drain();
}

export async function writeJson(
  path: string,
  table: VisitTable,
  header: readonly string[],
  options: VisitScoreOptions,
  sink: OutputSink,
): Promise<void> {
  const kinds = header.map((name) => VISIT_COLUMNS.find((c) => c.name === name)?.kind);
  const encoder = new TextEncoder();
  let row = 0;
  let text = '[';
  const reader = new CsvReader((record) => {
    if (record.index === 0) return;
    const object: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) {
      const name = header[i] as string;
      if (record.isEmpty(i)) object[name] = null;
      else if (kinds[i] === 'number') object[name] = record.decimal(i);
      else if (kinds[i] === 'boolean') object[name] = record.text(i) === 'true';
      // JSON holds the values: an id neutralised in its CSV cell (csv-formula.ts) as it was.
      else if (kinds[i] === 'id') object[name] = restoreCell(record.text(i));
      else object[name] = record.text(i);
    }
    const values = scoreValues(scoreRow(table, row, options));
    SCORE_COLUMNS.forEach((name, i) => {
      object[name] = values[i];
    });
    text += `${row === 0 ? '\n' : ',\n'}${JSON.stringify(object)}`;
    row++;
  });
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(WINDOW_BYTES);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      reader.push(buffer.subarray(0, n));
      await sink(encoder.encode(text));
      text = '';
    }
    reader.end();
  } finally {
    closeSync(fd);
  }
  await sink(encoder.encode(`${text}${row === 0 ? ']' : '\n]'}`));
  await sink(LF);
}

/** Column headings of the readable table (`--format table`). */
const TABLE_HEADINGS = ['subject', 'visit', 'date', ...SCORE_COLUMNS] as const;

/**
 * A fixed-width text table for reading at a terminal: the visit's identity and its scores, one
 * line per visit in input order; empty cells print as '-'.
 */
export async function writeTable(
  table: VisitTable,
  options: VisitScoreOptions,
  sink: OutputSink,
): Promise<void> {
  const subjectOf = (row: number) => table.subjectIds[table.subject[row] as number] as string;
  // Identity columns are as wide as their longest value; a score is at most 8 characters.
  const widths = TABLE_HEADINGS.map((heading) => Math.max(heading.length, 8));
  for (let row = 0; row < table.count; row++) {
    widths[0] = Math.max(widths[0] as number, subjectOf(row).length);
    widths[1] = Math.max(widths[1] as number, table.ids.id(row).length);
  }
  const render = (cells: readonly string[]) =>
    `${cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ')}\n`;
  const encoder = new TextEncoder();
  let text = render(TABLE_HEADINGS);
  for (let row = 0; row < table.count; row++) {
    const values = scoreValues(scoreRow(table, row, options));
    const identity = [subjectOf(row), table.ids.id(row), formatIsoDate(table.day[row] as number)];
    text += render([...identity, ...values.map((v) => (v === null ? '-' : String(v)))]);
    if (text.length > 1 << 20) {
      await sink(encoder.encode(text));
      text = '';
    }
  }
  await sink(encoder.encode(text));
}
