/**
 * Pass 2 of `jia-trial score`: scores every row against its baseline and writes it out in
 * input order. CSV output echoes each input record's exact bytes (read back by offset, so no
 * field is re-encoded) and appends the score columns; JSON output re-reads the fields as typed
 * values. Scores come from @jia-trial/outcomes `scoreVisit`, the same function the server and
 * the browser use.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import {
  ILAR_CATEGORY_CODES,
  scoreVisit,
  type VisitObservation,
  type VisitScoreOptions,
  type VisitScores,
} from '@jia-trial/outcomes';
import { CsvReader } from '../csv/csv-reader.js';
import { CsvWriter } from '../csv/csv-writer.js';
import { SCORE_COLUMNS, VISIT_COLUMNS } from './visit-columns.js';
import type { VisitTable } from './visit-table.js';

/** Receives output bytes; may ask the producer to wait (backpressure) by returning a promise. */
export type OutputSink = (bytes: Uint8Array) => void | Promise<void>;

const WINDOW_BYTES = 1 << 22;
const LF = new Uint8Array([10]);

const num = (value: number): number | null => (Number.isNaN(value) ? null : value);
const bool = (value: number): boolean | null => (value < 0 ? null : value === 1);

export function observation(table: VisitTable, row: number): VisitObservation {
  const n = table.numbers;
  const b = table.booleans;
  const category = table.category[row] as number;
  return {
    ilarCategory: category < 0 ? null : (ILAR_CATEGORY_CODES[category] ?? null),
    physicianGlobal: num(n.physicianGlobal[row] as number),
    parentGlobal: num(n.parentGlobal[row] as number),
    chaqDi: num(n.chaqDi[row] as number),
    activeJoints: num(n.activeJoints[row] as number),
    activeJoints27: num(table.activeJoints27[row] as number),
    limitedJoints: num(n.limitedJoints[row] as number),
    esr: num(n.esr[row] as number),
    crp: num(n.crp[row] as number),
    morningStiffnessMinutes: num(n.morningStiffnessMinutes[row] as number),
    systemicFeatures: bool(b.systemicFeatures[row] as number),
    activeUveitis: bool(b.activeUveitis[row] as number),
    fever: bool(b.fever[row] as number),
    ferritin: num(n.ferritin[row] as number),
    platelets: num(n.platelets[row] as number),
    ast: num(n.ast[row] as number),
    triglycerides: num(n.triglycerides[row] as number),
    fibrinogen: num(n.fibrinogen[row] as number),
  };
}

function scoreRow(table: VisitTable, row: number, options: VisitScoreOptions): VisitScores {
  const baselineRow = table.baselineRow[row] as number;
  const visit = observation(table, row);
  const baseline = baselineRow === row ? null : observation(table, baselineRow);
  return scoreVisit(visit, baseline, options);
}

/** The score columns' values in SCORE_COLUMNS order (null: empty cell). */
function scoreValues(s: VisitScores): (number | string | boolean | null)[] {
  return [s.jadas10, s.jadas27, s.jadas71, s.cjadas10, s.jadas10Crp, s.jadas10Band, s.acrPedi, s.flare, s.inactiveDisease, s.mas2016];
}

export async function writeCsv(
  path: string,
  table: VisitTable,
  headerBytes: Uint8Array,
  options: VisitScoreOptions,
  sink: OutputSink,
): Promise<void> {
  const pending: Uint8Array[] = [];
  const writer = new CsvWriter((bytes) => pending.push(bytes));
  const drain = async () => {
    for (const bytes of pending.splice(0)) await sink(bytes);
  };
  writer.raw(headerBytes);
  for (const name of SCORE_COLUMNS) writer.field(name);
  writer.endRecord();

  const fd = openSync(path, 'r');
  try {
    const window = new Uint8Array(WINDOW_BYTES);
    let windowStart = 0;
    let windowEnd = 0;
    for (let row = 0; row < table.count; row++) {
      const start = table.offset[row] as number;
      const end = start + (table.length[row] as number);
      if (end > windowEnd) {
        windowStart = start;
        windowEnd = start + readSync(fd, window, 0, window.length, start);
      }
      writer.raw(window.subarray(start - windowStart, end - windowStart));
      for (const value of scoreValues(scoreRow(table, row, options))) {
        if (value === null) writer.empty();
        else if (typeof value === 'number') writer.number(value);
        else if (typeof value === 'boolean') writer.boolean(value);
        else writer.field(value);
      }
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
