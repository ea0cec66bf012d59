/**
 * The command line's start-up (`npm run bench -- startup`): the built `jia-trial` run as a new
 * user runs it, `--help`, `--version`, `dose` and `score` on the 10-visit example, each timed
 * from spawn to exit, `--reps` times (default 9) in turn, with a bare `node -e 0` beside them as
 * the floor. Prints the median and minimum of each as a markdown table. Options: `--reps N`,
 * `--cli PATH` (another build's bin, to compare: e.g. a worktree of the code before a change).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { median } from './stats.js';

const root = new URL('..', import.meta.url).pathname;

/** Wall time from spawn to exit, and the exit code (an older build may not know an option). */
function timed(args: readonly string[]): { ms: number; status: number | null } {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: run.status };
}

export async function runStartupBench(argv: readonly string[]): Promise<number> {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const reps = Number(option('--reps') ?? 9);
  const cli = option('--cli') ?? join(root, 'apps/cli/bin/jia-trial.js');
  const cases: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['node -e 0 (the floor)', ['-e', '0']],
    ['jia-trial --help', [cli, '--help']],
    ['jia-trial --version', [cli, '--version']],
    ['jia-trial dose --weight 40', [cli, 'dose', '--weight', '40']],
    ['jia-trial score examples/visits.csv', [cli, 'score', join(root, 'examples/visits.csv')]],
  ];
  const times = cases.map(() => [] as number[]);
  const failed = cases.map(() => new Set<number | null>());
  for (let r = 0; r < reps; r++)
    for (const [i, [, args]] of cases.entries()) {
      const run = timed(args);
      times[i]?.push(run.ms);
      if (run.status !== 0) failed[i]?.add(run.status);
    }
  const rows = cases.map(
    ([name], i) =>
      `| ${name}${failed[i]?.size ? ` (exit ${[...(failed[i] ?? [])].join(', ')})` : ''} | ${(median(times[i] ?? []) / 1000).toFixed(2)} | ${(Math.min(...(times[i] ?? [])) / 1000).toFixed(2)} |`,
  );
  console.log(
    [
      `${reps} runs each, in turn; ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}, node ${process.version}`,
      '',
      '| command | median (s) | min (s) |',
      '|---|---:|---:|',
      ...rows,
    ].join('\n'),
  );
  return 0;
}
