/**
 * Cross-checks `jia-trial score` against the independent R implementation (bench/score.R): reads
 * both scored CSVs of the same input, pairs rows by visit_id and compares the 11 score columns.
 * Numbers are compared as decimals with a 1e-9 tolerance, true/false case-insensitively, and an
 * empty cell equals NA. Prints the disagreements per column and the first differing rows in full.
 * Not part of the timed benchmark.
 *
 *   node --conditions=source --import tsx bench/compare-r.ts <jia-trial.csv> <r.csv> [--show 10]
 *
 * Exit status: 0 all rows agree, 1 some differ (or a visit is in one file only), 2 usage error.
 * Both files are streamed in step (both tools keep the input order), so memory stays small; rows
 * that do not line up are held until their partner appears.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SCORE_COLUMNS } from '@jia-trial/interop';
import { parse } from 'csv-parse';

export { SCORE_COLUMNS };

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether two cells agree: empty == NA, numbers within 1e-9, other text case-insensitively. */
export function cellsAgree(a: string, b: string): boolean {
  const x = a.trim();
  const y = b.trim();
  const xMissing = x === '' || x === 'NA';
  const yMissing = y === '' || y === 'NA';
  if (xMissing || yMissing) return xMissing && yMissing;
  if (DECIMAL.test(x) && DECIMAL.test(y)) return Math.abs(Number(x) - Number(y)) <= 1e-9;
  return x.toLowerCase() === y.toLowerCase();
}

interface Side {
  readonly label: string;
  readonly header: string[];
  readonly id: number;
  readonly scores: number[];
  readonly rows: AsyncIterator<string[]>;
}

async function open(path: string, label: string): Promise<Side> {
  const parser = createReadStream(path).pipe(parse({ bom: true, skip_empty_lines: true }));
  const rows = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const first = await rows.next();
  if (first.done === true) throw new Error(`${path}: empty file`);
  const header = first.value;
  const index = (name: string): number => {
    const i = header.indexOf(name);
    if (i === -1) throw new Error(`${path}: no column ${name}`);
    return i;
  };
  return { label, header, id: index('visit_id'), scores: SCORE_COLUMNS.map(index), rows };
}

const pick = (side: Side, row: string[]): string[] => side.scores.map((i) => row[i] ?? '');

class Comparison {
  compared = 0;
  differingRows = 0;
  readonly perColumn = SCORE_COLUMNS.map(() => 0);
  readonly shown: string[] = [];

  constructor(
    private readonly left: Side,
    private readonly right: Side,
    private readonly show: number,
  ) {}

  compare(leftRow: string[], rightRow: string[]): void {
    this.compared++;
    const a = pick(this.left, leftRow);
    const b = pick(this.right, rightRow);
    let differs = false;
    for (const [i] of SCORE_COLUMNS.entries()) {
      if (!cellsAgree(a[i] ?? '', b[i] ?? '')) {
        this.perColumn[i] = (this.perColumn[i] ?? 0) + 1;
        differs = true;
      }
    }
    if (!differs) return;
    this.differingRows++;
    if (this.shown.length < this.show) this.shown.push(this.describe(leftRow, a, b));
  }

  private describe(leftRow: string[], a: string[], b: string[]): string {
    const scoreIndexes = new Set(this.left.scores);
    const input = this.left.header
      .map((name, i) => (scoreIndexes.has(i) ? null : `${name}=${leftRow[i] ?? ''}`))
      .filter((cell) => cell !== null)
      .join(', ');
    const width = Math.max(...SCORE_COLUMNS.map((c) => c.length));
    const scores = SCORE_COLUMNS.map((column, i) => {
      const x = a[i] ?? '';
      const y = b[i] ?? '';
      const mark = cellsAgree(x, y) ? '' : '   <-- differs';
      return `    ${column.padEnd(width)}  ${this.left.label}=${JSON.stringify(x)}  ${this.right.label}=${JSON.stringify(y)}${mark}`;
    });
    return [`  ${input}`, ...scores].join('\n');
  }
}

/** Streams both files in step, pairing rows by visit_id; returns the visits left unpaired. */
async function pairRows(
  left: Side,
  right: Side,
  comparison: Comparison,
): Promise<{ onlyLeft: Map<string, string[]>; onlyRight: Map<string, string[]> }> {
  const onlyLeft = new Map<string, string[]>();
  const onlyRight = new Map<string, string[]>();
  const takeLeft = (row: string[]): void => {
    const id = row[left.id] ?? '';
    const partner = onlyRight.get(id);
    if (partner === undefined) onlyLeft.set(id, row);
    else {
      onlyRight.delete(id);
      comparison.compare(row, partner);
    }
  };
  const takeRight = (row: string[]): void => {
    const id = row[right.id] ?? '';
    const partner = onlyLeft.get(id);
    if (partner === undefined) onlyRight.set(id, row);
    else {
      onlyLeft.delete(id);
      comparison.compare(partner, row);
    }
  };
  for (;;) {
    const [a, b] = await Promise.all([left.rows.next(), right.rows.next()]);
    if (a.done === true && b.done === true) break;
    if (a.done !== true && b.done !== true && a.value[left.id] === b.value[right.id]) {
      comparison.compare(a.value, b.value);
      continue;
    }
    if (a.done !== true) takeLeft(a.value);
    if (b.done !== true) takeRight(b.value);
  }
  return { onlyLeft, onlyRight };
}

function printReport(
  comparison: Comparison,
  unpaired: { onlyLeft: Map<string, string[]>; onlyRight: Map<string, string[]> },
): void {
  console.log(`rows compared (paired by visit_id): ${comparison.compared.toLocaleString('en-US')}`);
  console.log(`rows with a disagreement: ${comparison.differingRows.toLocaleString('en-US')}`);
  console.log('disagreements per column:');
  for (const [i, column] of SCORE_COLUMNS.entries()) {
    console.log(`  ${column.padEnd(18)} ${comparison.perColumn[i] ?? 0}`);
  }
  for (const [label, pending] of [
    ['jia-trial', unpaired.onlyLeft],
    ['R', unpaired.onlyRight],
  ] as const) {
    if (pending.size === 0) continue;
    const some = [...pending.keys()].slice(0, 5).join(', ');
    const more = pending.size > 5 ? ', ...' : '';
    console.log(`visits only in the ${label} output: ${pending.size} (${some}${more})`);
  }
  if (comparison.shown.length > 0) {
    console.log(
      `\nfirst ${comparison.shown.length} differing rows (input columns from the jia-trial output):`,
    );
    for (const text of comparison.shown) console.log(`\n${text}`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { show: { type: 'string', default: '10' } },
  });
  const show = Number(values.show);
  const [jiaPath, rPath] = positionals;
  if (jiaPath === undefined || rPath === undefined || positionals.length !== 2 || !(show >= 0)) {
    console.error('usage: compare-r.ts <jia-trial.csv> <r.csv> [--show 10]');
    return 2;
  }
  let left: Side;
  let right: Side;
  try {
    left = await open(jiaPath, 'jia-trial');
    right = await open(rPath, 'R');
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const comparison = new Comparison(left, right, show);
  const unpaired = await pairRows(left, right, comparison);
  printReport(comparison, unpaired);
  const agree =
    comparison.differingRows === 0 && unpaired.onlyLeft.size === 0 && unpaired.onlyRight.size === 0;
  return agree ? 0 : 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main();
}
