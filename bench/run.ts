/**
 * `npm run bench`: times `jia-trial score` end to end (parse, score, write) as a separate process
 * on synthetic files of 300,000 and 1,000,000 visits, beside the reference R data.table script
 * bench/score.R doing the same scoring on the same file in the same run.
 *
 * Targets (issue): at least 3x faster than the R script, 1M visits under 1.5 s, memory bounded
 * (peak RSS reported, from GNU time). Each tool runs `--reps` times per size (default 3),
 * alternating, and the table gives the median and the minimum wall time. The table is printed
 * and written to bench/out/score-bench.md. Exit status 1 only when a process fails.
 *
 *   node --conditions=source --import tsx bench/run.ts [score] [--reps 3] [--sizes 300000,1000000]
 *                                                      [--seed 1] [--no-r]
 *
 * `npm run bench -- store [options]` runs the store benchmark instead (bench/store.bench.ts:
 * bundle import and concurrent saves on the embedded PostgreSQL, against their floor and
 * ceiling); its options are listed there and in bench/README.md. `npm run bench -- report`
 * runs the report benchmark (bench/report.bench.ts: jia-trial report on registry-sized bundles),
 * `npm run bench -- export` the export benchmark (bench/export.bench.ts: the CSV bundle, ODM and
 * FHIR exports of the benchmark study), `npm run bench -- verify-audit` jia-trial verify-audit on a
 * generated study (bench/verify-audit.bench.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeVisitsFile } from './generate-visits.js';
import { median } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'bench', 'out');
const cliBin = join(root, 'apps', 'cli', 'bin', 'jia-trial.js');
const cliBuilt = join(root, 'apps', 'cli', 'dist', 'main.js');
const gnuTime = '/usr/bin/time';
const INSTALL_R = 'apt-get install -y r-base-core r-cran-data.table';

type ToolName = 'jia-trial' | 'R data.table';

interface Tool {
  readonly name: ToolName;
  readonly command: string;
  readonly args: (input: string, output: string) => string[];
  readonly output: (visits: number) => string;
}

const JIA_TRIAL: Tool = {
  name: 'jia-trial',
  command: process.execPath,
  args: (input, output) => [cliBin, 'score', input, '--out', output],
  output: (visits) => join(outDir, `score-${visits}.csv`),
};

const R_DATA_TABLE: Tool = {
  name: 'R data.table',
  command: 'Rscript',
  args: (input, output) => [join(root, 'bench', 'score.R'), input, output],
  output: (visits) => join(outDir, `r-${visits}.csv`),
};

interface Run {
  readonly wallSeconds: number;
  /** Peak resident set size in KiB (GNU time %M); null when unavailable. */
  readonly maxRssKiB: number | null;
}

interface Measured {
  readonly visits: number;
  readonly tool: ToolName;
  readonly runs: Run[];
  failure?: string;
}

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly maxRssKiB: number | null;
}

// ---------------------------------------------------------------------------------------------
// Processes.

function hasGnuTime(): boolean {
  if (!existsSync(gnuTime)) return false;
  const probe = spawnSync(gnuTime, ['-f', '%M', process.execPath, '-e', ''], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+$/.test(probe.stderr.trim().split('\n').pop() ?? '');
}

function readMaxRss(timeFile: string): number | null {
  if (!existsSync(timeFile)) return null;
  const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(timeFile, { force: true });
  const kib = Number(last.split(' ')[1]);
  return Number.isFinite(kib) ? kib : null;
}

/** Runs a command to completion, timing spawn to exit; peak RSS through GNU time when present. */
function timeProcess(command: string, args: readonly string[], useTime: boolean): Promise<Run> {
  const timeFile = join(outDir, `.time-${process.pid}.txt`);
  const [file, argv] = useTime
    ? [gnuTime, ['-f', '%e %M', '-o', timeFile, command, ...args]]
    : [command, [...args]];
  return new Promise((resolve, reject) => {
    let stderr = '';
    const started = performance.now();
    const child = spawn(file, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const wallSeconds = (performance.now() - started) / 1000;
      child.on('close', () => {
        const maxRssKiB = useTime ? readMaxRss(timeFile) : null;
        if (code === 0) {
          resolve({ wallSeconds, maxRssKiB });
          return;
        }
        const status = signal === null ? `exit status ${code}` : `signal ${signal}`;
        reject(new Error(`${command} ${args.join(' ')}: ${status}\n${stderr.trimEnd()}`));
      });
    });
  });
}

/** Counts LF-terminated lines, to check that an output file has a row per visit. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

/** R's version line, or why R cannot be used. */
function probeR(): { version: string } | { missing: string } {
  const probe = spawnSync(
    'Rscript',
    [
      '-e',
      'cat(R.version.string); suppressPackageStartupMessages(library(data.table)); ' +
        'cat(", data.table", format(packageVersion("data.table")), "with", getDTthreads(), "thread(s)")',
    ],
    { encoding: 'utf8' },
  );
  if (probe.error !== undefined) {
    return { missing: `Rscript not found: the R comparison is skipped (install: ${INSTALL_R}).` };
  }
  if (probe.status !== 0) {
    const why = probe.stderr.trim().split('\n').pop() ?? '';
    return {
      missing: `R data.table is not usable (${why}): the R comparison is skipped (install: ${INSTALL_R}).`,
    };
  }
  return { version: probe.stdout.trim() };
}

/** Builds the CLI when apps/cli/dist/main.js is missing; true when it is there. */
function ensureCliBuilt(): boolean {
  if (existsSync(cliBuilt)) return true;
  console.log('apps/cli/dist/main.js is missing: running npm run build');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  return existsSync(cliBuilt);
}

// ---------------------------------------------------------------------------------------------
// Report.

function stats(m: Measured | undefined): Stats | null {
  if (m === undefined || m.failure !== undefined || m.runs.length === 0) return null;
  const walls = m.runs.map((r) => r.wallSeconds);
  const rss = m.runs.map((r) => r.maxRssKiB).filter((v): v is number => v !== null);
  return {
    median: median(walls),
    min: Math.min(...walls),
    maxRssKiB: rss.length === m.runs.length ? Math.max(...rss) : null,
  };
}

const grouped = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (kib: number): string => (kib / 1024).toFixed(0);

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function osName(): string {
  const kernel = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty?.[1] !== undefined) return `${pretty[1]} (${kernel})`;
  } catch {
    // no os-release
  }
  return kernel;
}

class Results {
  readonly all: Measured[] = [];

  find(visits: number, tool: ToolName): Measured | undefined {
    return this.all.find((m) => m.visits === visits && m.tool === tool);
  }

  stats(visits: number, tool: ToolName): Stats | null {
    return stats(this.find(visits, tool));
  }
}

function tableLines(results: Results, sizes: readonly number[]): string[] {
  const lines = [
    '| visits | tool | wall median (s) | wall min (s) | peak RSS (MiB) | visits/s | R / jia-trial |',
    '|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const visits of sizes) {
    const jia = results.stats(visits, 'jia-trial');
    const r = results.stats(visits, 'R data.table');
    for (const tool of ['jia-trial', 'R data.table'] as const) {
      if (results.find(visits, tool) === undefined) continue;
      const s = tool === 'jia-trial' ? jia : r;
      const ratio =
        tool === 'jia-trial' && jia !== null && r !== null
          ? `${(r.median / jia.median).toFixed(2)}x`
          : '';
      const cells =
        s === null
          ? ['failed', '', '', '', '']
          : [
              s.median.toFixed(3),
              s.min.toFixed(3),
              s.maxRssKiB === null ? 'n/a' : mib(s.maxRssKiB),
              grouped(visits / s.median),
              ratio,
            ];
      lines.push(`| ${grouped(visits)} | ${tool} | ${cells.join(' | ')} |`);
    }
  }
  return lines;
}

function targetLines(results: Results, sizes: readonly number[]): string[] {
  const largest = sizes[sizes.length - 1];
  const smallest = sizes[0];
  if (largest === undefined || smallest === undefined) return [];
  const jia = results.stats(largest, 'jia-trial');
  if (jia === null) return [];
  const r = results.stats(largest, 'R data.table');
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const lines = [`Targets at ${grouped(largest)} visits:`, ''];
  if (r === null) lines.push('- at least 3x faster than R: not measured (no R run)');
  else {
    const speed = r.median / jia.median;
    lines.push(`- at least 3x faster than R: ${speed.toFixed(2)}x, ${verdict(speed >= 3)}`);
  }
  if (largest === 1_000_000) {
    lines.push(
      `- 1M visits under 1.5 s: ${jia.median.toFixed(3)} s median, ${verdict(jia.median < 1.5)}`,
    );
  }
  if (jia.maxRssKiB === null) lines.push('- memory: peak RSS unavailable');
  else {
    const small = results.stats(smallest, 'jia-trial');
    const growth =
      small?.maxRssKiB != null && smallest !== largest
        ? ` (${mib(small.maxRssKiB)} MiB at ${grouped(smallest)}: ` +
          `${(jia.maxRssKiB / small.maxRssKiB).toFixed(2)}x the memory for ` +
          `${(largest / smallest).toFixed(2)}x the visits)`
        : '';
    lines.push(`- memory: peak RSS ${mib(jia.maxRssKiB)} MiB${growth}`);
  }
  return [...lines, ''];
}

function renderReport(
  results: Results,
  sizes: readonly number[],
  context: { reps: number; rVersion: string; notes: readonly string[] },
): string {
  const failures = results.all
    .filter((m) => m.failure !== undefined)
    .map((m) => `FAILED: ${m.tool} at ${grouped(m.visits)} visits.`);
  const notes = [...failures, ...context.notes];
  return [
    '# `jia-trial score` benchmark',
    '',
    `Date: ${new Date().toISOString()}. Wall time from spawn to exit of a separate process ` +
      `(parse, score, write), ${context.reps} repetitions per tool and size, alternating; ` +
      'peak RSS is the largest of the repetitions (GNU time, maximum resident set size).',
    '',
    ...tableLines(results, sizes),
    '',
    ...targetLines(results, sizes),
    ...(notes.length > 0 ? [...notes, ''] : []),
    'Machine:',
    '',
    `- OS: ${osName()}`,
    `- CPU: ${cpuModel()}, ${os.availableParallelism()} logical cores`,
    `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js: ${process.version}`,
    `- R: ${context.rVersion}`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main.

interface Options {
  readonly reps: number;
  readonly seed: number;
  readonly sizes: number[];
  readonly withR: boolean;
}

function parseOptions(args: readonly string[]): Options | null {
  const { values } = parseArgs({
    args: [...args],
    options: {
      reps: { type: 'string', default: '3' },
      sizes: { type: 'string', default: '300000,1000000' },
      seed: { type: 'string', default: '1' },
      'no-r': { type: 'boolean', default: false },
    },
  });
  const options = {
    reps: Number(values.reps),
    seed: Number(values.seed),
    sizes: values.sizes.split(',').map(Number),
    withR: !values['no-r'],
  };
  const valid =
    Number.isInteger(options.reps) &&
    options.reps >= 1 &&
    Number.isSafeInteger(options.seed) &&
    options.sizes.every((n) => Number.isSafeInteger(n) && n >= 1);
  return valid ? options : null;
}

/** Times every tool on one input, alternating the tools in each repetition. */
async function timeSize(
  visits: number,
  input: string,
  tools: readonly Tool[],
  reps: number,
  useTime: boolean,
): Promise<Measured[]> {
  const measured = tools.map((t): Measured => ({ visits, tool: t.name, runs: [] }));
  for (let rep = 1; rep <= reps; rep++) {
    for (const [i, tool] of tools.entries()) {
      const m = measured[i];
      if (m === undefined || m.failure !== undefined) continue;
      try {
        const run = await timeProcess(tool.command, tool.args(input, tool.output(visits)), useTime);
        m.runs.push(run);
        const rss = run.maxRssKiB === null ? '' : `, ${mib(run.maxRssKiB)} MiB`;
        console.log(
          `${grouped(visits)} visits, ${tool.name}, run ${rep}: ${run.wallSeconds.toFixed(3)} s${rss}`,
        );
      } catch (error) {
        m.failure = (error as Error).message;
        console.error(`FAILED: ${tool.name} at ${grouped(visits)} visits:\n${m.failure}`);
      }
    }
  }
  return measured;
}

/** Checks, outside the timing, that each output has one row per visit plus the header. */
async function checkOutputs(visits: number, tools: readonly Tool[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const tool of tools) {
    const out = tool.output(visits);
    if (!existsSync(out)) continue;
    const lines = await countLines(out);
    if (lines !== visits + 1) {
      warnings.push(
        `WARNING: ${relative(root, out)} has ${lines} lines, expected ${visits + 1} (header + one per visit).`,
      );
    }
  }
  return warnings;
}

async function main(args: readonly string[]): Promise<number> {
  const options = parseOptions(args);
  if (options === null) {
    console.error(
      'usage: run.ts [score] [--reps N] [--sizes N,N,...] [--seed S] [--no-r]\n' +
        '       run.ts store [options of bench/store.bench.ts]',
    );
    return 2;
  }
  await mkdir(outDir, { recursive: true });
  const notes: string[] = [];
  let failed = false;

  const inputs = new Map<number, string>();
  for (const visits of options.sizes) {
    const path = join(outDir, `visits-${visits}.csv`);
    const made = await writeVisitsFile(path, { visits, seed: options.seed });
    console.log(
      made.generated
        ? `generated ${relative(root, path)} (${(made.bytes / 1e6).toFixed(1)} MB) in ${made.seconds.toFixed(2)} s`
        : `using ${relative(root, path)} (seed ${options.seed}, cached)`,
    );
    inputs.set(visits, path);
  }

  const tools: Tool[] = [];
  if (ensureCliBuilt()) tools.push(JIA_TRIAL);
  else {
    notes.push(
      'FAILED: `npm run build` did not produce apps/cli/dist/main.js: jia-trial not timed.',
    );
    failed = true;
  }
  let rVersion = 'not run (--no-r)';
  if (options.withR) {
    const r = probeR();
    if ('version' in r) {
      rVersion = r.version;
      tools.push(R_DATA_TABLE);
    } else {
      rVersion = 'not available';
      console.log(r.missing);
      notes.push(r.missing);
    }
  }
  const useTime = hasGnuTime();
  if (!useTime) {
    const note = `GNU time (${gnuTime}) is absent: peak RSS is unavailable (install: apt-get install -y time).`;
    console.log(note);
    notes.push(note);
  }

  const results = new Results();
  for (const visits of options.sizes) {
    const measured = await timeSize(visits, inputs.get(visits) ?? '', tools, options.reps, useTime);
    results.all.push(...measured);
    if (measured.some((m) => m.failure !== undefined)) failed = true;
    const ok = tools.filter((_, i) => measured[i]?.failure === undefined);
    for (const warning of await checkOutputs(visits, ok)) {
      console.log(warning);
      notes.push(warning);
    }
  }

  const report = renderReport(results, options.sizes, { reps: options.reps, rVersion, notes });
  console.log(`\n${report}`);
  const reportPath = join(outDir, 'score-bench.md');
  await writeFile(reportPath, report);
  console.log(`written to ${relative(root, reportPath)}`);
  for (const visits of options.sizes) {
    const [jia, r] = [JIA_TRIAL.output(visits), R_DATA_TABLE.output(visits)];
    if (existsSync(jia) && existsSync(r)) {
      console.log(
        `cross-check with R: node --conditions=source --import tsx bench/compare-r.ts ${relative(root, jia)} ${relative(root, r)}`,
      );
    }
  }
  return failed ? 1 : 0;
}

// `store`: the store benchmark; `http`: the server's; `score` or no command: the benchmark of `jia-trial score` above.
const [command, ...rest] = process.argv.slice(2);
if (command === 'store') {
  const { runStoreBench } = await import('./store.bench.js');
  process.exitCode = await runStoreBench(rest);
} else if (command === 'http') {
  const { runHttpBench } = await import('./http.bench.js');
  process.exitCode = await runHttpBench(rest);
} else if (command === 'web') {
  const { runWebBench } = await import('./web.bench.js');
  process.exitCode = await runWebBench(rest);
} else if (command === 'report') {
  const { runReportBench } = await import('./report.bench.js');
  process.exitCode = await runReportBench(rest);
} else if (command === 'export') {
  const { runExportBench } = await import('./export.bench.js');
  process.exitCode = await runExportBench(rest);
} else if (command === 'verify-audit') {
  const { runVerifyAuditBench } = await import('./verify-audit.bench.js');
  process.exitCode = await runVerifyAuditBench(rest);
} else if (command === 'startup') {
  const { runStartupBench } = await import('./startup.bench.js');
  process.exitCode = await runStartupBench(rest);
} else {
  process.exitCode = await main(command === 'score' ? rest : process.argv.slice(2));
}
