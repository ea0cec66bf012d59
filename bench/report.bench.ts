/**
 * The report benchmark (`npm run bench -- report`): `jia-trial report` as a separate process on
 * registry-sized bundles made by cloning the six demo patients (examples/msc-jia-demo) under
 * new ids, at 1,000, 5,000 and 10,000 subjects by default, with and without the PDF.
 * Target (issue 6): 10,000 subjects in under 30 s, the cost growing linearly with subjects
 * (the table gives the time per 1,000 subjects at each size). Writes bench/out/report-bench.md.
 *
 *   node --conditions=source --import tsx bench/run.ts report [--sizes 1000,5000,10000] [--reps 3]
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const demo = join(root, 'examples', 'msc-jia-demo');
const cli = join(root, 'apps', 'cli', 'bin', 'jia-trial.js');
const TARGET_S = 30;

/** A bundle of `subjects` subjects: the demo's six cloned under ids C<k>-D0n, AEs C<k>-AE-nnn. */
function cloneDemo(dir: string, subjects: number): void {
  mkdirSync(dir, { recursive: true });
  const clones = Math.ceil(subjects / 6);
  for (const file of readdirSync(demo).filter((f) => f.endsWith('.csv'))) {
    const [header, ...rows] = readFileSync(join(demo, file), 'utf8').trimEnd().split('\n');
    const out = [header];
    for (let k = 0; k < clones; k++)
      for (const row of rows) {
        const subject = Number(row.slice(1, 3));
        if (k * 6 + subject > subjects) continue;
        out.push(
          row.replaceAll(/\bD0(\d)/g, `C${k}-D0$1`).replaceAll(/\bAE-(\d+)/g, `C${k}-AE-$1`),
        );
      }
    writeFileSync(join(dir, file), `${out.join('\n')}\n`);
  }
}

function run(bundle: string, out: string, pdf: boolean): number {
  const env = { ...process.env, ...(pdf ? {} : { JIA_CHROMIUM: '/nonexistent' }) };
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [cli, 'report', bundle, '--out', out, '--as-of', '2017-12-31'],
    {
      env,
      encoding: 'utf8',
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`jia-trial report failed: ${result.stderr}`);
  if (pdf && !existsSync(join(out, 'report.pdf')))
    throw new Error(`no report.pdf: ${result.stderr}`);
  return seconds;
}

export async function runReportBench(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      sizes: { type: 'string', default: '1000,5000,10000' },
      reps: { type: 'string', default: '3' },
    },
  });
  const sizes = String(values.sizes).split(',').map(Number);
  const reps = Number(values.reps);
  if (!existsSync(join(root, 'apps', 'cli', 'dist', 'main.js')))
    throw new Error('build first: npm run build');
  const pdfAvailable = existsSync(process.env.JIA_CHROMIUM ?? '/usr/bin/chromium');
  const work = mkdtempSync(join(os.tmpdir(), 'jia-report-bench-'));
  const rows: string[] = [];
  try {
    for (const size of sizes) {
      const bundle = join(work, `bundle-${size}`);
      cloneDemo(bundle, size);
      const bytes = readdirSync(bundle).reduce((s, f) => s + statSync(join(bundle, f)).size, 0);
      const plain: number[] = [];
      const withPdf: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        plain.push(run(bundle, join(work, `out-${size}-${rep}`), false));
        if (pdfAvailable) withPdf.push(run(bundle, join(work, `pdf-${size}-${rep}`), true));
      }
      const html = statSync(join(work, `out-${size}-0`, 'report.html')).size;
      const json = statSync(join(work, `out-${size}-0`, 'report.json')).size;
      console.log(
        `${size} subjects: without PDF ${plain.map((s) => s.toFixed(2)).join(', ')} s; with PDF ${withPdf.map((s) => s.toFixed(2)).join(', ')} s`,
      );
      const perThousand = (xs: number[]) =>
        xs.length === 0 ? 'n/a' : ((median(xs) / size) * 1000).toFixed(2);
      rows.push(
        `| ${size.toLocaleString('en-US')} | ${(bytes / 1e6).toFixed(1)} | ${median(plain).toFixed(2)} | ${perThousand(plain)} | ${withPdf.length ? median(withPdf).toFixed(2) : 'n/a'} | ${perThousand(withPdf)} | ${(html / 1e6).toFixed(2)} | ${(json / 1e6).toFixed(1)} |`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const table = [
    `# Report benchmark`,
    '',
    `Date: ${new Date().toISOString()}. \`jia-trial report\` as a separate process (Node.js ${process.version}, ${os.cpus().length} CPUs), ${reps} repetitions, medians; bundles cloned from examples/msc-jia-demo.${pdfAvailable ? '' : ' No Chromium: PDF not measured.'}`,
    '',
    '| subjects | bundle (MB) | without PDF (s) | per 1,000 subjects (s) | with PDF (s) | per 1,000 subjects (s) | report.html (MB) | report.json (MB) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Target: 10,000 subjects in under ${TARGET_S} s, growing linearly.`,
  ].join('\n');
  console.log(`\n${table}`);
  mkdirSync(join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(join(root, 'bench', 'out', 'report-bench.md'), `${table}\n`);
  return 0;
}
