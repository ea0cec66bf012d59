#!/usr/bin/env node
// Runs every test file with Node's own test runner. On Node 20, `node --test` neither discovers
// `.ts` files nor expands globs, and with no file it passes having run nothing, so the files are
// listed here explicitly. Workspace imports resolve to TypeScript sources ("source" condition).
// Usage: node scripts/run-tests.mjs [path-substring | test-file ...]   (filters the file list;
// an argument that is a file is run as given, even if it is not a *.test.ts)
//
// What it prints: the failures with their messages as they come, then a summary (files, tests
// passed, failed and skipped, wall time, the slowest files); the full TAP log goes to a file
// whose path is printed (test-results/, or JIA_TEST_LOG_DIR). The exit code is the test
// runner's: 0 when every test passed, 1 otherwise.
//
// The run's embedded PostgreSQL lives in a private temporary directory (JIA_TEST_DATA_DIR, read
// by packages/store/src/test-support.ts), shared by the run's test processes and removed at the
// end, after a failure or an interrupt too: two runs on one machine never share a server. The
// test processes' TMPDIR is in it too; what they leave there is named, then removed.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'protocols', 'apps', 'scripts', 'bench'];
const skipDirs = new Set(['node_modules', 'dist', 'out']);
/** Test logs kept in test-results/: the newest this many. */
const KEEP_LOGS = 10;

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) found.push(...findTests(path));
    } else if (entry.name.endsWith('.test.ts')) {
      found.push(relative(root, path));
    }
  }
  return found;
}

const isFile = (arg) => {
  try {
    return statSync(resolve(arg)).isFile();
  } catch {
    return false;
  }
};

const args = process.argv.slice(2);
const given = args.filter(isFile).map((f) => relative(root, resolve(f)));
const filters = args.filter((arg) => !isFile(arg));
const files = [
  ...new Set([
    ...given,
    ...(filters.length === 0 && given.length > 0
      ? []
      : roots
          .flatMap((dir) => findTests(join(root, dir)))
          .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))),
  ]),
].sort();

if (files.length === 0) {
  console.error(`No test files found${filters.length ? ` matching ${filters.join(', ')}` : ''}.`);
  process.exit(1);
}

/** test-results/tests-<time>.tap, the older logs beyond the newest KEEP_LOGS removed. */
function logFile() {
  const dir = process.env.JIA_TEST_LOG_DIR ?? join(root, 'test-results');
  mkdirSync(dir, { recursive: true });
  const logs = readdirSync(dir)
    .filter((name) => /^tests-.*\.tap$/.test(name))
    .sort();
  for (const old of logs.slice(0, Math.max(0, logs.length - (KEEP_LOGS - 1))))
    rmSync(join(dir, old), { force: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(dir, `tests-${stamp}-${process.pid}.tap`);
}

/**
 * The run's private directory. The embedded server runs as the postgres user when we are root:
 * it must traverse this directory to reach its data directory below (which stays 0700).
 */
function privateDirectory() {
  const dir = mkdtempSync(join(tmpdir(), 'jia-trial-test-run-'));
  chmodSync(dir, 0o711);
  return dir;
}

/**
 * A server that outlived the run (a test process killed before it stopped it): stopped, fast,
 * so that its directory can go. PostgreSQL's postmaster.pid starts with the server's pid; SIGQUIT
 * is its immediate shutdown (https://www.postgresql.org/docs/current/server-shutdown.html).
 */
async function stopLeftoverServer(dataDir) {
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
}

// Test files run one at a time (Node's default on 2 cores). Two at a time took the store and CLI
// database suites from 187 s to 142 s, but the audit trail's tests then fail: they read state
// that is the whole server's (open transactions, the sealer's snapshot), which another test
// file's database on the same server changes (issue 16, measured 2026-12-03).
const privateDir = privateDirectory();
const dataDir = join(privateDir, 'postgres');
// The test processes' temporary directory (TMPDIR) is the run's too: whatever a test leaves
// there goes with the run, and is named at the end so that it can be fixed.
const childTmp = join(privateDir, 'tmp');
mkdirSync(childTmp);
chmodSync(childTmp, 0o711);
// tsx keeps its compile cache in the temp dir (tsx-<uid>): linked to the shared one, it stays
// warm across runs (cold, each test process takes about 0.4 s more). No cache, no harm.
const tsxCache = `tsx-${process.getuid?.() ?? 0}`;
try {
  mkdirSync(join(tmpdir(), tsxCache), { recursive: true });
  symlinkSync(join(tmpdir(), tsxCache), join(childTmp, tsxCache));
} catch {}
const log = logFile();
let cleaned = false;

/** What the tests left in their temporary directory (the tsx cache aside). */
function leftovers() {
  try {
    return readdirSync(childTmp).filter((name) => name !== tsxCache);
  } catch {
    return [];
  }
}

async function cleanUp() {
  if (cleaned) return [];
  cleaned = true;
  await stopLeftoverServer(dataDir).catch(() => {});
  const left = leftovers();
  rmSync(privateDir, { recursive: true, force: true });
  return left;
}

// Inside a test (scripts/run-tests.test.ts) Node marks the environment as a test's; a runner
// started there is a run of its own.
const { NODE_TEST_CONTEXT: _context, ...runnerEnv } = process.env;
const child = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    '--test-reporter=tap',
    `--test-reporter-destination=${log}`,
    `--test-reporter=${join(root, 'scripts', 'test-summary-reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...runnerEnv,
      TMPDIR: childTmp,
      JIA_TEST_DATA_DIR: dataDir,
      JIA_TEST_FILE_COUNT: String(files.length),
    },
  },
);

// An interrupt reaches the test runner through the terminal's process group; the directory is
// removed once it has ended.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => {
    child.kill(signal);
  });

const code = await new Promise((done) => {
  child.on('exit', (status, signal) => done(status ?? (signal ? 1 : 1)));
  child.on('error', () => done(1));
});
const left = await cleanUp();
if (left.length > 0)
  console.log(
    `left in the tests' temporary directory (removed now): ${left.length} entries: ${left.slice(0, 8).join(', ')}${left.length > 8 ? ', ...' : ''}`,
  );
// jia-trial's own temporary folders (jia-*) must be removed by the test that made them (t.after,
// finally): one left behind fails the run (issue 16: the suite left jia-backup-test-* in /tmp).
const ours = left.filter((name) => name.startsWith('jia-'));
if (ours.length > 0)
  console.log(
    `FAILED: the tests left ${ours.length} jia-* temporary entries (${ours.slice(0, 8).join(', ')}): remove them in the test that makes them`,
  );
const shown = relative(process.cwd(), log);
console.log(`full log (TAP): ${shown.startsWith('..') ? log : shown}`);
process.exit(ours.length > 0 && code === 0 ? 1 : code);
