// Throughput of the CSV reader (and writer) on a visits-like file of 1,000,000 rows, 23 columns,
// generated in memory and fed in 64 KiB chunks. Compared with csv-parse on the first 100,000 rows.
//   node --conditions=source --import tsx bench/csv-reader.bench.ts [rows] [--write FILE]
// --write FILE also saves the generated input (e.g. to time `jia-trial score` on it).

import { writeFileSync } from 'node:fs';
import { CsvReader, CsvWriter } from '@jia-trial/interop';
import { parse } from 'csv-parse/sync';
import { VISIT_COLUMNS } from './generate-visits.js';
import { median } from './stats.js';

const args = process.argv.slice(2);
const writeAt = args.indexOf('--write');
const writeTo = writeAt >= 0 ? args.splice(writeAt, 2)[1] : undefined;
const ROWS = Number(args[0] ?? 1_000_000);
const CHUNK = 64 * 1024;
const RUNS = 5;

const HEADER = [...VISIT_COLUMNS, 'notes'];
/** Columns read with decimal() in the benchmark callback (12 of them). */
const NUMERIC = [5, 6, 7, 8, 9, 11, 12, 13, 17, 18, 19, 20];
const CATEGORIES = [
  'systemic',
  'oligoarticular_persistent',
  'polyarticular_rf_negative',
  'psoriatic',
];
const JOINTS = ['', '', 'knee_l', 'knee_l;knee_r', 'wrist_r;mcp2_l;pip3_r'];

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(rows: number): Uint8Array {
  const rnd = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const dec = (max: number, digits: number) => (rnd() * max).toFixed(digits);
  const maybe = (text: string) => (rnd() < 0.1 ? '' : text);
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(`${HEADER.join(',')}\r\n`)];
  let batch: string[] = [];
  for (let r = 0; r < rows; r++) {
    const subject = Math.floor(r / 6);
    const visit = r % 6;
    const month = String(1 + visit * 2).padStart(2, '0');
    const day = String(1 + (subject % 28)).padStart(2, '0');
    const row = [
      `S${String(subject).padStart(6, '0')}`,
      `V${String(r).padStart(7, '0')}`,
      `2024-${month}-${day}`,
      visit === 0 ? '' : `V${String(r - visit).padStart(7, '0')}`,
      pick(CATEGORIES),
      maybe(dec(10, 1)),
      maybe(dec(10, 1)),
      maybe(dec(3, 3)),
      String(Math.floor(rnd() * 12)),
      String(Math.floor(rnd() * 8)),
      pick(JOINTS),
      maybe(dec(120, 0)),
      maybe(dec(60, 1)),
      maybe(String(Math.floor(rnd() * 120))),
      rnd() < 0.5 ? 'true' : 'false',
      rnd() < 0.9 ? 'false' : 'true',
      maybe(rnd() < 0.8 ? 'false' : 'true'),
      maybe(dec(2000, 1)),
      maybe(String(100 + Math.floor(rnd() * 400))),
      maybe(dec(200, 0)),
      maybe(dec(400, 1)),
      maybe(String(150 + Math.floor(rnd() * 400))),
      rnd() < 0.02 ? '"seen by Dr. Smith, ""urgent"""' : '',
    ];
    batch.push(row.join(','));
    if (batch.length === 10_000) {
      parts.push(encoder.encode(`${batch.join('\r\n')}\r\n`));
      batch = [];
    }
  }
  if (batch.length > 0) parts.push(encoder.encode(`${batch.join('\r\n')}\r\n`));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

// Output columns, allocated once (outside the timings) and reused by every run.
const columns = NUMERIC.map(() => new Float64Array(ROWS + 1));
const idLengths = new Int32Array(ROWS + 1);

/**
 * Reads everything; with `fields`, calls decimal() on the 12 numeric columns (stored in
 * Float64Arrays, as the score command does) and text() on the two id columns.
 */
function readAll(bytes: Uint8Array, fields: boolean): { records: number; checksum: number } {
  let records = 0;
  const reader = new CsvReader((r) => {
    const row = records++;
    if (!fields || row === 0) return;
    for (let k = 0; k < NUMERIC.length; k++) {
      (columns[k] as Float64Array)[row] = r.decimal(NUMERIC[k] as number);
    }
    idLengths[row] = r.text(0).length + r.text(1).length;
  });
  for (let at = 0; at < bytes.length; at += CHUNK) reader.push(bytes.subarray(at, at + CHUNK));
  reader.end();
  let checksum = 0;
  if (fields) {
    for (const column of columns) {
      for (let row = 1; row < records; row++) {
        const v = column[row] as number;
        if (!Number.isNaN(v)) checksum += v;
      }
    }
    for (let row = 1; row < records; row++) checksum += idLengths[row] as number;
  }
  return { records, checksum };
}

function echoAll(bytes: Uint8Array): number {
  let written = 0;
  const writer = new CsvWriter((out) => {
    written += out.length;
  });
  const reader = new CsvReader((r) => {
    writer.raw(r.raw());
    if (r.index === 0) {
      for (const name of ['jadas10', 'jadas27', 'jadas71', 'cjadas10', 'jadas10_crp']) {
        writer.field(name);
      }
      for (const name of ['jadas10_band', 'acr_pedi', 'flare', 'inactive_disease', 'mas_2016']) {
        writer.field(name);
      }
    } else {
      const a = r.decimal(5);
      const b = r.decimal(6);
      const jadas = a + b + Math.min(r.decimal(8), 10);
      for (let k = 0; k < 5; k++) {
        if (!Number.isNaN(jadas)) writer.number(Math.round((jadas + k * 0.1) * 10) / 10);
        else writer.empty();
      }
      writer.field('moderate');
      writer.number(30);
      writer.boolean(false);
      writer.empty();
      writer.boolean(true);
    }
    writer.endRecord();
  });
  for (let at = 0; at < bytes.length; at += CHUNK) reader.push(bytes.subarray(at, at + CHUNK));
  reader.end();
  writer.flush();
  return written;
}

function time<T>(f: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = f();
  return [result, Number(process.hrtime.bigint() - start) / 1e9];
}

const [bytes, generateSeconds] = time(() => generate(ROWS));
if (writeTo !== undefined) writeFileSync(writeTo, bytes);
const mb = bytes.length / 1e6;
console.log(
  `input: ${ROWS.toLocaleString('en')} rows x ${HEADER.length} columns, ${mb.toFixed(1)} MB ` +
    `(generated in ${generateSeconds.toFixed(2)} s), ${CHUNK / 1024} KiB chunks`,
);

function report(label: string, fields: boolean): void {
  const times: number[] = [];
  let last = { records: 0, checksum: 0 };
  for (let run = 0; run < RUNS; run++) {
    const [result, seconds] = time(() => readAll(bytes, fields));
    last = result;
    times.push(seconds);
  }
  const seconds = median(times);
  console.log(
    `${label}: median ${seconds.toFixed(3)} s of ${RUNS} ` +
      `[${times.map((s) => s.toFixed(3)).join(', ')}], ` +
      `${Math.round(last.records / seconds).toLocaleString('en')} records/s, ${(mb / seconds).toFixed(0)} MB/s` +
      (fields ? ` (checksum ${last.checksum.toFixed(1)})` : ''),
  );
}
report('CsvReader, records only', false);
report('CsvReader, 12 x decimal() + 2 x text() per row', true);

const echoTimes: number[] = [];
let written = 0;
for (let run = 0; run < 3; run++) {
  const [w, seconds] = time(() => echoAll(bytes));
  written = w;
  echoTimes.push(seconds);
}
const echo = median(echoTimes);
console.log(
  `CsvReader + CsvWriter (echo raw() + 10 scores per row): median ${echo.toFixed(3)} s ` +
    `[${echoTimes.map((s) => s.toFixed(3)).join(', ')}], ${(written / 1e6).toFixed(1)} MB written`,
);

// csv-parse on the first 100,000 rows (or all, if fewer).
const sampleRows = Math.min(100_000, ROWS);
let end = 0;
for (let lines = 0; lines <= sampleRows && end < bytes.length; end++) {
  if (bytes[end] === 10) lines++;
}
const sample = Buffer.from(bytes.buffer, 0, end);
const [parsed, parseSeconds] = time(
  () =>
    parse(sample, {
      relax_quotes: false,
      relax_column_count: false,
      skip_empty_lines: true,
      bom: true,
    }) as string[][],
);
const [, ourSampleSeconds] = time(() => readAll(sample, true));
console.log(
  `csv-parse on ${sampleRows.toLocaleString('en')} rows (strings only, no number parsing): ` +
    `${parseSeconds.toFixed(3)} s, ${Math.round(parsed.length / parseSeconds).toLocaleString('en')} records/s ` +
    `(x${(ROWS / sampleRows).toFixed(0)} = ${((parseSeconds * ROWS) / sampleRows).toFixed(1)} s for all); ` +
    `CsvReader on the same rows: ${ourSampleSeconds.toFixed(3)} s`,
);
