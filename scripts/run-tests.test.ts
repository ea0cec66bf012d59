/**
 * The test runner (scripts/run-tests.mjs): a short summary with each failure's message instead
 * of the raw TAP, the full TAP in a log file whose path it prints, the runner's exit code, and a
 * private database directory per run, removed at the end.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const fixture = (name: string) => `scripts/fixtures/runner/${name}.fixture.ts`;

function runRunner(files: readonly string[]) {
  const temp = mkdtempSync(join(tmpdir(), 'jia-runner-test-'));
  chmodSync(temp, 0o711); // the embedded server runs as the postgres user when we are root
  const logs = join(temp, 'logs');
  const out = join(logs, 'fixture-data-dir');
  const result = spawnSync(process.execPath, ['scripts/run-tests.mjs', ...files], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: temp, JIA_TEST_LOG_DIR: logs, RUNNER_FIXTURE_OUT: out },
  });
  // tsx keeps its cache in the temp dir (tsx-0): only the runner's own directories count.
  const left = readdirSync(temp).filter((name) => name.startsWith('jia-trial-test'));
  const dataDir = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  const logFiles = existsSync(logs)
    ? readdirSync(logs)
        .filter((name) => name.endsWith('.tap'))
        .map((name) => readFileSync(join(logs, name), 'utf8'))
    : [];
  rmSync(temp, { recursive: true, force: true });
  return { ...result, left, temp, logFiles, dataDir };
}

test('a failing run exits 1 with a summary and each failure message, the TAP in a log file', () => {
  const run = runRunner([fixture('passes'), fixture('fails'), fixture('crashes')]);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.doesNotMatch(run.stdout, /TAP version|^ok \d|^not ok \d/m, 'no raw TAP on the terminal');
  assert.match(run.stdout, /files: 3 \(1 passed, 2 failed\)/);
  assert.match(run.stdout, /tests: \d+: 2 passed, 2 failed, 1 skipped/);
  assert.match(
    run.stdout,
    /fails\.fixture\.ts > fails with a message\n\s+fixture failure: one is not two/,
  );
  assert.match(run.stdout, /crashes\.fixture\.ts[\s\S]*fixture crash while loading/);
  assert.match(run.stdout, /slowest files:/);
  const logLine = /full log \(TAP\): (.+)/.exec(run.stdout);
  assert.ok(logLine, 'the log path is printed');
  assert.equal(run.logFiles.length, 1);
  const tap = run.logFiles[0] as string;
  assert.match(tap, /TAP version 13/);
  assert.match(tap, /not ok \d+ - fails with a message/);
  assert.ok(run.stdout.split('\n').length < 80, 'the summary is short');
});

test('a passing run exits 0', () => {
  const run = runRunner([fixture('passes')]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /files: 1 \(1 passed, 0 failed\)/);
});

test('each run has its own database directory, removed at the end', () => {
  const first = runRunner([fixture('passes')]);
  const second = runRunner([fixture('passes')]);
  const [a, b] = [first.dataDir, second.dataDir];
  assert.ok(a && b, 'the fixture printed its directory');
  assert.notEqual(a, b);
  assert.notEqual(a, join(tmpdir(), 'jia-trial-test-postgres'));
  assert.ok(a.startsWith(first.temp), `${a} is under the run's temp dir ${first.temp}`);
  assert.deepEqual(first.left, [], 'nothing left in the temp dir');
  assert.deepEqual(second.left, []);
});

test('the directory is removed after a failed run too', () => {
  const run = runRunner([fixture('fails')]);
  assert.equal(run.status, 1);
  assert.deepEqual(run.left, []);
});

test('a server left running by a killed test process is stopped and its directory removed', () => {
  const run = runRunner([fixture('killed-with-server')]);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.deepEqual(run.left, []);
  assert.match(run.stdout, /killed-with-server\.fixture\.ts/);
  assert.doesNotMatch(run.stdout, /DATABASE_UNAVAILABLE|cannot reach/, 'the server did start');
  assert.deepEqual(processesUnder(run.temp), [], 'no server still runs on the removed directory');
});

/** The command lines of the processes that name `dir` (Linux's /proc; none elsewhere). */
function processesUnder(dir: string): string[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return cmd.includes(dir) ? [cmd] : [];
      } catch {
        return [];
      }
    });
}

test('a jia-* entry left in the temporary directory fails the run, named', () => {
  const run = runRunner([fixture('leaves-jia-temp')]);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /FAILED: the tests left 1 jia-\* temporary entries \(jia-forgotten-/);
  assert.match(
    run.stdout,
    /tests: 1: 1 passed, 0 failed/,
    'every test passed: the leftover fails it',
  );
  assert.deepEqual(run.left, []);
});

test("what a test leaves in its temporary directory is named, and removed with the run's", () => {
  const run = runRunner([fixture('leaves-temp')]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(
    run.stdout,
    /left in the tests' temporary directory \(removed now\): 1 entries: forgotten-by-a-test-/,
  );
  assert.deepEqual(run.left, []);
  assert.deepEqual(
    readdirSync(tmpdir()).filter((name) => name.startsWith('forgotten-by-a-test-')),
    [],
  );
});
