/**
 * What the command line loads to start (issue 16; docs/performance.md, "The command line's
 * start-up"): `--help`, `--version` and `score` load neither zod (the protocol schema), nor the
 * shipped protocols, nor the store, the analysis, the interop package's index or playwright-core. Each command loads its own
 * modules when it runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '../../..');
// The interop package's index loads the bundles and the exchange formats (ODM, FHIR): the
// visits CSV is taken from @jia-trial/interop/visits-csv.
const HEAVY =
  /node_modules\/(zod|playwright-core|pg|fast-xml-parser)\/|\/protocols\/(index|msc-jia|jia-cohort)|\/packages\/(store|analysis)\/|\/packages\/interop\/src\/index\.ts/;

/** The modules loaded by running `jia-trial ARGS` in a new process (an ESM loader hook lists them). */
function loadedBy(args: readonly string[]): string[] {
  const hooks = `data:text/javascript,${encodeURIComponent(
    'export async function load(url, context, next) { process.stderr.write("LOADED " + url + "\\n"); return next(url, context); }',
  )}`;
  const register = `data:text/javascript,${encodeURIComponent(
    `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`,
  )}`;
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--import',
      register,
      '--input-type=module',
      '-e',
      `const { main } = await import(${JSON.stringify(join(root, 'apps/cli/src/main.ts'))});
       const { Writable } = await import('node:stream');
       const sink = new Writable({ write(_c, _e, done) { done(); } });
       process.exitCode = await main(${JSON.stringify(args)}, { stdout: sink, stderr: sink });`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  assert.equal(
    run.status,
    0,
    run.stderr
      .split('\n')
      .filter((l) => !l.startsWith('LOADED'))
      .join('\n'),
  );
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED '.length));
}

for (const args of [['--help'], ['--version'], ['score', join(root, 'examples/visits.csv')]])
  test(`jia-trial ${args[0]} starts without the heavy modules`, () => {
    const loaded = loadedBy(args);
    assert.ok(
      loaded.some((url) => url.includes('apps/cli/src/main.ts')),
      'the hook saw the CLI',
    );
    assert.deepEqual(
      loaded.filter((url) => HEAVY.test(url)),
      [],
    );
  });
