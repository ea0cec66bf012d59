/**
 * `npm run bench -- verify-audit`: `jia-trial verify-audit` on a generated study, as a user runs
 * it (the built CLI, a separate process, the embedded PostgreSQL of a fresh data directory).
 * The study is store-bundle-generator.ts's (seed 1; 10,000 subjects of 20 visits by default:
 * 210,011 audit events), imported by the same CLI, whose time is shown beside as the reference
 * (issue 15: verify-audit should take about as long as the import). Each run is timed from spawn
 * to exit with its peak RSS (GNU time), and with JIA_TRIAL_TIMING=1 the CLI names the time of
 * each phase (seal, blocks, events, chain, versions, rows, unsealed). `--baseline-cli` runs
 * another build (the code before a change) in turn with this one, on the same data.
 *
 *   node --conditions=source --import tsx bench/run.ts verify-audit [--subjects 10000]
 *        [--visits-per-subject 20] [--reps 3] [--cli PATH] [--baseline-cli PATH]
 *        [--data-dir DIR (an imported study: no generation, no import)] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './stats.js';
import { writeStoreBundle } from './store-bundle-generator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const gnuTime = '/usr/bin/time';

interface Run {
  readonly seconds: number;
  /** Peak RSS in KiB, null without GNU time. */
  readonly maxRssKiB: number | null;
  /** Phase -> seconds, as the CLI reported them (none from a build that does not). */
  readonly phases: ReadonlyMap<string, number>;
  readonly load: number;
}

/** Runs the CLI with `args`, timed; throws with its output when it fails. */
function runCli(
  cli: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Run & { out: string } {
  const load = os.loadavg()[0] ?? 0;
  const timed = existsSync(gnuTime);
  const command = timed ? gnuTime : process.execPath;
  const argv = timed ? ['-f', '%e %M', process.execPath, cli, ...args] : [cli, ...args];
  const started = performance.now();
  const result = spawnSync(command, argv, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(
      `${cli} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  const lines = result.stderr.trimEnd().split('\n');
  const rss = timed ? Number(lines.at(-1)?.split(' ')[1]) : Number.NaN;
  const phases = new Map<string, number>();
  for (const line of lines) {
    const match = /^jia-trial: verify-audit (\w+) ([\d.]+) s$/.exec(line);
    if (match) phases.set(match[1] as string, Number(match[2]));
  }
  return {
    seconds: wall,
    maxRssKiB: Number.isFinite(rss) ? rss : null,
    phases,
    load,
    out: result.stdout,
  };
}

const seconds = (values: readonly number[]) => values.map((v) => v.toFixed(1)).join(', ');

export async function runVerifyAuditBench(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      subjects: { type: 'string', default: '10000' },
      'visits-per-subject': { type: 'string', default: '20' },
      reps: { type: 'string', default: '3' },
      cli: { type: 'string', default: join(root, 'apps', 'cli', 'bin', 'jia-trial.js') },
      'baseline-cli': { type: 'string' },
      'data-dir': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  if (!existsSync(join(root, 'apps', 'cli', 'dist', 'main.js')))
    throw new Error('build first: npm run build');
  const reps = Number(values.reps);
  const workDir = await mkdtemp(join(os.tmpdir(), 'jia-verify-audit-bench-'));
  // The server runs as the postgres user when this process is root: it must traverse workDir.
  await chmod(workDir, 0o711);
  const dataDir = values['data-dir'] ?? join(workDir, 'data');
  // The embedded server of that directory, never a DATABASE_URL of the environment.
  const { DATABASE_URL: _external, JIA_OWNER_DATABASE_URL: _owner, ...inherited } = process.env;
  const env = { ...inherited, JIA_DATA_DIR: dataDir, JIA_KEY_DIR: join(workDir, 'keys') };
  try {
    let imported: Run | null = null;
    if (values['data-dir'] === undefined) {
      const bundle = await writeStoreBundle(join(workDir, 'bench'), {
        subjects: Number(values.subjects),
        visitsPerSubject: Number(values['visits-per-subject']),
        seed: 1,
      });
      console.log(`generated ${bundle.subjects} subjects, ${bundle.visits} visits`);
      imported = runCli(values.cli, ['import', bundle.dir], env);
    }
    const builds = [
      ...(values['baseline-cli'] ? [['baseline', values['baseline-cli']] as const] : []),
      ['this build', values.cli] as const,
    ];
    const runs = new Map<string, Run[]>(builds.map(([name]) => [name, []]));
    let summary = '';
    for (let r = 0; r < reps; r++)
      for (const [name, cli] of builds) {
        const run = runCli(cli, ['verify-audit'], { ...env, JIA_TRIAL_TIMING: '1' });
        runs.get(name)?.push(run);
        summary = run.out.trim().split('\n').at(-1) ?? '';
        console.log(`${name}: ${run.seconds.toFixed(1)} s (load ${run.load.toFixed(1)})`);
      }
    console.log(report(imported, runs, summary, reps));
    return 0;
  } finally {
    if (values.keep) console.log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

function report(
  imported: Run | null,
  runs: ReadonlyMap<string, readonly Run[]>,
  summary: string,
  reps: number,
): string {
  const rss = (list: readonly Run[]) => {
    const known = list.flatMap((r) => (r.maxRssKiB === null ? [] : [r.maxRssKiB]));
    return known.length ? `${Math.round(Math.max(...known) / 1024)} MiB` : 'n/a';
  };
  const rows = [...runs].map(([name, list]) => {
    const times = list.map((r) => r.seconds);
    return `| verify-audit, ${name} | ${median(times).toFixed(1)} | ${Math.min(...times).toFixed(1)} | ${seconds(times)} | ${rss(list)} | ${seconds(list.map((r) => r.load))} |`;
  });
  if (imported)
    rows.unshift(
      `| import (the reference) | ${imported.seconds.toFixed(1)} | | | ${rss([imported])} | ${imported.load.toFixed(1)} |`,
    );
  const phaseNames = [...new Set([...runs.values()].flat().flatMap((r) => [...r.phases.keys()]))];
  const phaseRows = [...runs].flatMap(([name, list]) =>
    list[0]?.phases.size
      ? [
          `| ${name} | ${phaseNames.map((p) => median(list.map((r) => r.phases.get(p) ?? Number.NaN)).toFixed(2)).join(' | ')} |`,
        ]
      : [],
  );
  const cpus = os.cpus();
  return [
    '',
    `${reps} runs, in turn; ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, node ${process.version}; the last run: ${summary}`,
    '',
    '| command | median (s) | min (s) | runs (s) | peak RSS | load average (1 min) at start |',
    '|---|---:|---:|---|---:|---|',
    ...rows,
    ...(phaseRows.length
      ? [
          '',
          'Phases (JIA_TRIAL_TIMING=1), medians in seconds:',
          '',
          `| build | ${phaseNames.join(' | ')} |`,
          `|---|${phaseNames.map(() => '---:').join('|')}|`,
          ...phaseRows,
        ]
      : []),
  ].join('\n');
}
