/**
 * The export benchmark (`npm run bench -- export`): the benchmark study (bench/store-bundle-
 * generator.ts: 10,000 subjects, 200,000 visits by default, seed 1) imported into a fresh embedded
 * PostgreSQL under the msc-jia protocol, then exported by the built `jia-trial` as separate
 * processes, in turn, `--reps` times (default 3):
 *
 *   jia-trial export --study BENCH --out DIR                                (the CSV bundle)
 *   jia-trial export --format odm --study BENCH --out FILE.xml               (Snapshot)
 *   jia-trial export --format odm --transactional --study BENCH --out FILE   (the audit trail)
 *   jia-trial export --format fhir --study BENCH --out FILE.json
 *
 * Each is timed from spawn to exit, with its peak resident set size from GNU time (`%M`). The
 * commands reach the benchmark's server through DATABASE_URL (the runtime role) and
 * JIA_OWNER_DATABASE_URL, as against an external server: the process measured is the command
 * alone, not an embedded server it would otherwise start. Targets (issue 17): ODM and FHIR within
 * 3x of the CSV bundle's time, peak memory under 300 MB. Writes bench/out/export-bench.md.
 *
 *   node --conditions=source --import tsx bench/run.ts export [--subjects 10000]
 *     [--visits-per-subject 20] [--reps 3] [--seed 1] [--keep] [--reuse DIR]
 *     [--cases csv,odm-snapshot,odm-transactional,fhir]
 *
 * `--cases` runs only the exports named (the CSV bundle always runs: the ratios are to it, in the
 * same run). `--keep` keeps the work folder (the generated bundle and the database); `--reuse DIR`
 * exports from such a folder without generating and importing the study again (its shape options
 * must be those it was made with: they are only reported).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readBundle } from '@jia-trial/interop';
import {
  importBundle,
  openStore,
  sealNow,
  setStudyProtocol,
  withTransaction,
} from '@jia-trial/store';
import type pg from 'pg';
import { median } from './stats.js';
import { writeStoreBundle } from './store-bundle-generator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'apps', 'cli', 'bin', 'jia-trial.js');
const gnuTime = '/usr/bin/time';
const STUDY = 'BENCH';
const RATIO_TARGET = 3;
const RSS_TARGET_MB = 300;

interface Case {
  /** The name --cases selects it by. */
  readonly id: string;
  readonly name: string;
  readonly args: (out: string) => string[];
  readonly out: (work: string) => string;
}

const CASES: readonly Case[] = [
  {
    id: 'csv',
    name: 'CSV bundle (`export`)',
    args: (out) => ['export', '--study', STUDY, '--out', out],
    out: (work) => join(work, 'out-bundle'),
  },
  {
    id: 'odm-snapshot',
    name: 'ODM Snapshot',
    args: (out) => ['export', '--format', 'odm', '--study', STUDY, '--out', out],
    out: (work) => join(work, 'out.xml'),
  },
  {
    id: 'odm-transactional',
    name: 'ODM Transactional',
    args: (out) => ['export', '--format', 'odm', '--transactional', '--study', STUDY, '--out', out],
    out: (work) => join(work, 'out-history.xml'),
  },
  {
    id: 'fhir',
    name: 'FHIR Bundle',
    args: (out) => ['export', '--format', 'fhir', '--study', STUDY, '--out', out],
    out: (work) => join(work, 'out.json'),
  },
];

interface Run {
  readonly seconds: number;
  readonly maxRssKiB: number | null;
  readonly bytes: number;
}

function url(c: pg.ClientConfig): string {
  return `postgres://${encodeURIComponent(String(c.user))}:${encodeURIComponent(String(c.password))}@${c.host}:${c.port}/${c.database}`;
}

function sizeOf(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + statSync(join(path, name)).size, 0);
}

/** One export as its own process, timed; its peak RSS through GNU time when present. */
function timeExport(
  args: readonly string[],
  out: string,
  env: NodeJS.ProcessEnv,
  timeFile: string,
): Promise<Run> {
  rmSync(out, { recursive: true, force: true });
  const useTime = existsSync(gnuTime);
  const [file, argv] = useTime
    ? [gnuTime, ['-f', '%e %M', '-o', timeFile, process.execPath, cli, ...args]]
    : [process.execPath, [cli, ...args]];
  return new Promise((resolve, reject) => {
    let stderr = '';
    const started = performance.now();
    const child = spawn(file, argv, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`jia-trial ${args.join(' ')}: exit ${code}\n${stderr}`));
        return;
      }
      let maxRssKiB: number | null = null;
      if (useTime && existsSync(timeFile)) {
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const kib = Number(last.split(' ')[1]);
        maxRssKiB = Number.isFinite(kib) ? kib : null;
        rmSync(timeFile, { force: true });
      }
      resolve({ seconds, maxRssKiB, bytes: sizeOf(out) });
    });
  });
}

const fixed = (n: number, digits = 2) => n.toFixed(digits);

export async function runExportBench(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      subjects: { type: 'string', default: '10000' },
      'visits-per-subject': { type: 'string', default: '20' },
      reps: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'string' },
      cases: { type: 'string', default: CASES.map((c) => c.id).join(',') },
    },
  });
  const wanted = new Set(['csv', ...values.cases.split(',').map((c) => c.trim())]);
  const unknown = [...wanted].filter((id) => !CASES.some((c) => c.id === id));
  if (unknown.length > 0)
    throw new Error(
      `--cases: no export ${unknown.join(', ')} (${CASES.map((c) => c.id).join(', ')})`,
    );
  const cases = CASES.filter((c) => wanted.has(c.id));
  const shape = {
    subjects: Number(values.subjects),
    visitsPerSubject: Number(values['visits-per-subject']),
    seed: Number(values.seed),
  };
  const reps = Number(values.reps);
  if (!existsSync(join(root, 'apps', 'cli', 'dist', 'main.js')))
    throw new Error('build first: npm run build (the benchmark runs the built jia-trial)');
  const work = values.reuse ?? (await mkdtemp(join(os.tmpdir(), 'jia-export-bench-')));
  // As root, the embedded server runs as the postgres user, which must reach its data directory.
  await chmod(work, 0o711);
  const runs = cases.map(() => [] as Run[]);
  let setup = '';
  try {
    const bundle = join(work, 'bundle');
    if (!values.reuse) await writeStoreBundle(bundle, shape);
    const store = await openStore({ dataDir: join(work, 'data'), poolSize: 2 });
    try {
      const started = performance.now();
      if (!values.reuse) {
        const reading = readBundle(bundle, 100);
        if (reading.problems.total > 0) throw new Error('the synthetic bundle is invalid');
        const bench = { id: 'system:bench', name: 'bench' };
        await withTransaction(store.pool, bench, undefined, (tx) =>
          importBundle(tx, STUDY, reading.files),
        );
        await withTransaction(store.pool, bench, 'the benchmark study runs under msc-jia', (tx) =>
          setStudyProtocol(tx, STUDY, 'msc-jia'),
        );
        await sealNow(store.pool);
      }
      const events = await store.pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_event');
      setup = values.reuse
        ? `reused ${work} (${events.rows[0]?.n} audit events)`
        : `imported in ${fixed((performance.now() - started) / 1000, 1)} s (${events.rows[0]?.n} audit events)`;
      console.log(setup);
      const { JIA_DATA_DIR: _, ...inherited } = process.env;
      const env = {
        ...inherited,
        DATABASE_URL: url(store.connectionConfig),
        JIA_OWNER_DATABASE_URL: url(store.ownerConnectionConfig),
      };
      for (let rep = 0; rep < reps; rep++)
        for (const [i, c] of cases.entries()) {
          const out = c.out(work);
          const run = await timeExport(c.args(out), out, env, join(work, 'time.txt'));
          runs[i]?.push(run);
          console.log(
            `${c.name}: ${fixed(run.seconds)} s, peak RSS ${run.maxRssKiB === null ? 'n/a' : `${Math.round(run.maxRssKiB / 1024)} MiB`}, ${fixed(run.bytes / 1e6, 1)} MB`,
          );
        }
    } finally {
      await store.close();
    }
  } finally {
    if (values.keep || values.reuse) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  const csv = median((runs[0] ?? []).map((r) => r.seconds));
  const rows = cases.map((c, i) => {
    const mine = runs[i] ?? [];
    const seconds = mine.map((r) => r.seconds);
    const rss = mine.map((r) => r.maxRssKiB).filter((v): v is number => v !== null);
    const peakMb = rss.length ? (Math.max(...rss) * 1024) / 1e6 : Number.NaN;
    const ratio = median(seconds) / csv;
    const met =
      i === 0
        ? ''
        : ratio <= RATIO_TARGET && peakMb < RSS_TARGET_MB
          ? 'met'
          : `NOT met (${ratio > RATIO_TARGET ? 'time' : ''}${ratio > RATIO_TARGET && peakMb >= RSS_TARGET_MB ? ', ' : ''}${peakMb >= RSS_TARGET_MB ? 'memory' : ''})`;
    return `| ${c.name} | ${fixed(median(seconds))} | ${fixed(Math.min(...seconds))} | ${fixed(ratio)} | ${Number.isNaN(peakMb) ? 'n/a' : Math.round(peakMb)} | ${fixed((mine[0]?.bytes ?? 0) / 1e6, 1)} | ${met} |`;
  });
  const table = [
    '# Export benchmark',
    '',
    `Date: ${new Date().toISOString()}. The built \`jia-trial export\` as separate processes (Node.js ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )} at the end), ${reps} repetitions in turn; ${shape.subjects.toLocaleString('en-US')} subjects, ${(shape.subjects * shape.visitsPerSubject).toLocaleString('en-US')} visits (seed ${shape.seed}), protocol msc-jia; ${setup}.`,
    '',
    '| export | median (s) | min (s) | / CSV bundle (median) | peak RSS (MB) | output (MB) | target |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `Targets (issue 17): within ${RATIO_TARGET}x of the CSV bundle's time, peak memory under ${RSS_TARGET_MB} MB.`,
  ].join('\n');
  console.log(`\n${table}`);
  await mkdir(join(root, 'bench', 'out'), { recursive: true });
  await writeFile(join(root, 'bench', 'out', 'export-bench.md'), `${table}\n`);
  return 0;
}
