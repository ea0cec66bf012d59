/**
 * "Nothing lost": a crash test of the store under SIGKILL, which anyone can rerun.
 *
 * It creates study CRASH (one site, a few subjects) in a fresh data directory, then, each round,
 * starts W writer processes (scripts/crash-writer.ts) that share the embedded server and save
 * visits, and edits of them, in a loop; each writer logs a write (fsynced) only once saveVisit
 * has resolved, i.e. once the transaction committed. After a random 0.5-2 s it kills every
 * writer AND the postmaster with SIGKILL, reopens the store (which restarts the server: the
 * PostgreSQL recovery from its write-ahead log), and checks that every acknowledged visit is
 * there at its acknowledged version or later, with the audit event of each acknowledged write,
 * and that verifyAudit finds nothing wrong. The check covers the acknowledgements of all rounds
 * so far, so a later crash cannot lose what an earlier round wrote either. A last "orphan" round
 * kills only the writers: the server one of them started runs on without its owner, and the
 * reopened store must adopt it (with a notice) and find everything there too.
 *
 * Exit status 0 when nothing was lost and every audit verification passed, 1 otherwise.
 * Usage: node --conditions=source --import tsx scripts/crash-test.ts
 *          [--rounds N (5)] [--writers W (4)] [--data-dir DIR (a new temporary one, removed)]
 *          [--min-kill-ms MS (500)] [--max-kill-ms MS (2000)] [--skip-orphan-round]
 * The data directory must be reachable by the postgres user when run as root: keep it under
 * the system temp dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  isAlive,
  openStore,
  pidTaken,
  type Store,
  verifyAudit,
  withTransaction,
} from '@jia-trial/store';
import {
  type Acknowledgement,
  CRASH_SITE,
  CRASH_STUDY,
  readAcknowledgements,
} from './crash-writer.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
/** How long writers may take to open the store (the first starts the server). */
const READY_TIMEOUT_MS = 90_000;
/** How long a killed postmaster may take to disappear from the process table. */
const GONE_TIMEOUT_MS = 30_000;

export interface CrashTestOptions {
  readonly rounds?: number;
  readonly writers?: number;
  /** Existing or new data directory, kept at the end. Default: a temporary one, removed. */
  readonly dataDir?: string | undefined;
  /** The kill comes a random time in [minKillMs, maxKillMs] after every writer is writing. */
  readonly minKillMs?: number;
  readonly maxKillMs?: number;
  /** Concurrent save loops in each writer process (default 2). */
  readonly loopsPerWriter?: number;
  readonly subjects?: number;
  /**
   * After the rounds, one more in which only the writers are killed: the server they started
   * lives on without its owner, and the store must adopt it (default true).
   */
  readonly orphanRound?: boolean;
  /** Progress lines (default: console.log). */
  readonly log?: (line: string) => void;
}

export interface RoundReport {
  readonly round: number;
  readonly writers: number;
  /** False in the orphan round, where only the writers are killed. */
  readonly postmasterKilled: boolean;
  readonly killedAfterMs: number;
  readonly postmasterPid: number | null;
  /** Writes acknowledged in this round. */
  readonly inserts: number;
  readonly edits: number;
  /** Writes and distinct visits acknowledged in all rounds so far. */
  readonly acknowledgedWrites: number;
  readonly acknowledgedVisits: number;
  /** Acknowledged visits found at their acknowledged version or later. */
  readonly found: number;
  /** Visits in the table (committed; some perhaps not yet acknowledged when the kill came). */
  readonly rows: number;
  /** Each acknowledged write that is missing: visit row, version or audit event. */
  readonly lost: readonly string[];
  readonly auditOk: boolean;
  readonly auditProblems: readonly string[];
  readonly auditBlocks: number;
  readonly auditEvents: number;
  /** The store's notices on reopening after the kill. */
  readonly notices: readonly string[];
  /** Time from the kill until the killed postmaster was reaped, and until the store reopened. */
  readonly reapedMs: number;
  readonly recoveryMs: number;
  /** Writers that failed by themselves before the kill. */
  readonly writerProblems: readonly string[];
}

export interface CrashTestReport {
  readonly ok: boolean;
  readonly dataDir: string;
  readonly rounds: readonly RoundReport[];
  readonly acknowledgedWrites: number;
  readonly lost: number;
  readonly durationMs: number;
  /** What stopped the test early (an error), if anything. */
  readonly failure: string | null;
  /** A postgres server still running at the end (it is an error). */
  readonly leftRunning: number | null;
}

interface Writer {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string;
  readonly prefix: string;
}

/** The postmaster's pid (line 1 of postmaster.pid) if that process is running. */
export function runningPostmaster(dataDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

function subjectIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `S${i + 1}`);
}

async function createStudy(store: Store, subjects: readonly string[]): Promise<void> {
  const actor = { id: 'system:crash-test', name: 'crash-test' };
  await withTransaction(store.pool, actor, undefined, async ({ client }) => {
    await client.query(
      'INSERT INTO study (study_id, title) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [CRASH_STUDY, 'Crash test: nothing lost under SIGKILL'],
    );
    await client.query(
      'INSERT INTO site (study_id, site_code, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [CRASH_STUDY, CRASH_SITE, 'Crash test site'],
    );
    for (const [i, subjectId] of subjects.entries())
      await client.query(
        `INSERT INTO subject (study_id, subject_id, site_code, sex, birth_date, ilar_category,
                              diagnosis_date, enrolment_date)
         VALUES ($1, $2, $3, $4, $5, 'polyarticular_rf_negative', '2022-03-01', '2024-01-15')
         ON CONFLICT DO NOTHING`,
        [
          CRASH_STUDY,
          subjectId,
          CRASH_SITE,
          i % 2 === 0 ? 'F' : 'M',
          `201${i % 10}-0${(i % 9) + 1}`,
        ],
      );
  });
}

function spawnWriter(args: {
  dataDir: string;
  log: string;
  prefix: string;
  subjects: readonly string[];
  edit: boolean;
  loops: number;
}): Writer {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the writer is a plain program, not a test file
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      WRITER,
      '--data-dir',
      args.dataDir,
      '--log',
      args.log,
      '--prefix',
      args.prefix,
      '--subjects',
      args.subjects.join(','),
      '--loops',
      String(args.loops),
      ...(args.edit ? ['--edit'] : []),
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const writer: Writer = {
    child,
    prefix: args.prefix,
    stderr: '',
    ready: new Promise<void>((resolveReady, rejectReady) => {
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready\n')) resolveReady();
      });
      child.once('exit', (code, signal) =>
        rejectReady(
          new Error(
            `writer ${args.prefix} ended before it was ready (${signal ?? `exit code ${code}`}): ${writer.stderr.trim()}`,
          ),
        ),
      );
    }),
    exited: new Promise((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    }),
  };
  writer.ready.catch(() => {});
  child.stderr?.on('data', (chunk: Buffer) => {
    writer.stderr += chunk.toString();
  });
  return writer;
}

interface Verification {
  acknowledgedWrites: number;
  acknowledgedVisits: number;
  found: number;
  rows: number;
  lost: string[];
  auditOk: boolean;
  auditProblems: string[];
  auditBlocks: number;
  auditEvents: number;
}

/** Checks every acknowledgement of every round so far against the reopened store. */
async function verify(
  store: Store,
  runId: string,
  acknowledgements: readonly Acknowledgement[],
): Promise<Verification> {
  const acknowledged = new Map<string, number>();
  for (const ack of acknowledgements)
    acknowledged.set(ack.visitId, Math.max(ack.version, acknowledged.get(ack.visitId) ?? 0));
  const rows = await store.pool.query<{ visit_id: string; version: number }>(
    // This run's visits only (a kept data directory holds those of earlier runs too).
    "SELECT visit_id, version FROM visit WHERE study_id = $1 AND visit_id LIKE $2 || '-%'",
    [CRASH_STUDY, runId],
  );
  const stored = new Map(rows.rows.map((row) => [row.visit_id, row.version]));
  const events = await store.pool.query<{ record_key: string; version: number }>(
    `SELECT record_key, (new_values->>'version')::integer AS version FROM audit_event
      WHERE table_name = 'visit' AND operation IN ('insert', 'update')`,
  );
  const audited = new Set(events.rows.map((row) => `${row.record_key}@${row.version}`));
  const lost: string[] = [];
  let found = 0;
  for (const [visitId, version] of acknowledged) {
    const current = stored.get(visitId);
    if (current === undefined)
      lost.push(`visit ${visitId} (acknowledged version ${version}) is missing`);
    else if (current < version)
      lost.push(
        `visit ${visitId} is at version ${current}, but version ${version} was acknowledged`,
      );
    else found++;
  }
  for (const ack of acknowledgements)
    if (!audited.has(`${CRASH_STUDY}/${ack.visitId}@${ack.version}`))
      lost.push(
        `the audit event of the ${ack.operation} of visit ${ack.visitId} (version ${ack.version}) is missing`,
      );
  const audit = await verifyAudit(store.pool);
  const result: Verification = {
    acknowledgedWrites: acknowledgements.length,
    acknowledgedVisits: acknowledged.size,
    found,
    rows: stored.size,
    lost,
    auditOk: audit.ok && audit.problems.length === 0,
    auditProblems: audit.problems.map((p) => `${p.path}: ${p.message}`),
    auditBlocks: audit.blocks,
    auditEvents: audit.events,
  };
  return result;
}

function readAllAcknowledgements(ackDir: string): Acknowledgement[] {
  return readdirSync(ackDir)
    .filter((file) => file.endsWith('.log'))
    .sort()
    .flatMap((file) => readAcknowledgements(join(ackDir, file)));
}

async function killAll(writers: readonly Writer[], postmaster: number | null): Promise<void> {
  // The postmaster first, then the writers, with nothing in between: a crash of everything.
  if (postmaster !== null) {
    try {
      process.kill(postmaster, 'SIGKILL');
    } catch {}
  }
  for (const writer of writers) writer.child.kill('SIGKILL');
  await Promise.all(writers.map((writer) => writer.exited));
}

async function runRound(
  round: number,
  context: {
    dataDir: string;
    ackDir: string;
    runId: string;
    writers: number;
    loops: number;
    subjects: readonly string[];
    minKillMs: number;
    maxKillMs: number;
    /** False for the orphan round: only the writers are killed, the server lives on. */
    killPostmaster: boolean;
    log: (line: string) => void;
  },
): Promise<RoundReport> {
  const { dataDir, ackDir, log } = context;
  const writers: Writer[] = [];
  const writerProblems: string[] = [];
  let killedAfterMs = 0;
  let postmasterPid: number | null = null;
  try {
    for (let w = 1; w <= context.writers; w++)
      writers.push(
        spawnWriter({
          dataDir,
          log: join(ackDir, `round-${String(round).padStart(3, '0')}-writer-${w}.log`),
          prefix: `${context.runId}-R${round}-W${w}`,
          subjects: context.subjects,
          edit: w % 2 === 0,
          loops: context.loops,
        }),
      );
    let readyTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(writers.map((writer) => writer.ready)),
      new Promise((_, reject) => {
        readyTimer = setTimeout(
          () => reject(new Error(`the writers were not ready after ${READY_TIMEOUT_MS / 1000} s`)),
          READY_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(readyTimer));
    killedAfterMs = Math.round(
      context.minKillMs + Math.random() * (context.maxKillMs - context.minKillMs),
    );
    await sleep(killedAfterMs);
    for (const writer of writers)
      if (writer.child.exitCode !== null)
        writerProblems.push(
          `writer ${writer.prefix} ended by itself (exit code ${writer.child.exitCode}): ${writer.stderr.trim()}`,
        );
    postmasterPid = runningPostmaster(dataDir);
    if (postmasterPid === null) writerProblems.push('no running postmaster was found');
  } finally {
    await killAll(writers, context.killPostmaster ? postmasterPid : null);
  }
  const killedAt = performance.now();
  if (postmasterPid !== null && context.killPostmaster) {
    // Until its parent (PID 1: pg_ctl started it detached) reaps it, the killed postmaster is a
    // zombie, which the store, like PostgreSQL's own postmaster.pid check, takes for a running
    // server. Wait until it is gone from the process table, as a real crash would leave it.
    const pid = postmasterPid;
    if (!(await waitUntil(() => !pidTaken(pid), GONE_TIMEOUT_MS)))
      throw new Error(
        `the postmaster ${pid} is still in the process table ${GONE_TIMEOUT_MS / 1000} s after SIGKILL (${!isAlive(pid) ? 'a zombie nobody reaps' : 'running'})`,
      );
  }
  const reapedMs = Math.round(performance.now() - killedAt);

  const store = await openStore({ dataDir });
  const recoveryMs = Math.round(performance.now() - killedAt);
  try {
    const acknowledgements = readAllAcknowledgements(ackDir);
    const thisRound = acknowledgements.filter((ack) =>
      ack.visitId.startsWith(`${context.runId}-R${round}-`),
    );
    const v = await verify(store, context.runId, acknowledgements);
    const report: RoundReport = {
      round,
      writers: context.writers,
      postmasterKilled: context.killPostmaster,
      killedAfterMs,
      postmasterPid,
      inserts: thisRound.filter((ack) => ack.operation === 'insert').length,
      edits: thisRound.filter((ack) => ack.operation === 'update').length,
      ...v,
      notices: store.notices,
      reapedMs,
      recoveryMs,
      writerProblems,
    };
    printRound(report, log);
    return report;
  } finally {
    await store.close();
  }
}

function printRound(r: RoundReport, log: (line: string) => void): void {
  log(
    r.postmasterKilled
      ? `round ${r.round}: SIGKILL to ${r.writers} writers and the postmaster (pid ${r.postmasterPid ?? '?'}) ${r.killedAfterMs} ms after they started writing; the killed postmaster was reaped after ${r.reapedMs} ms, the store reopened after ${r.recoveryMs} ms`
      : `round ${r.round} (orphan): SIGKILL to the ${r.writers} writers only, ${r.killedAfterMs} ms after they started writing, leaving their server (pid ${r.postmasterPid ?? '?'}) running without its owner; the store reopened after ${r.recoveryMs} ms`,
  );
  for (const notice of r.notices) log(`  store notice: ${notice}`);
  for (const problem of r.writerProblems) log(`  WRITER PROBLEM: ${problem}`);
  log(
    `  acknowledged this round: ${r.inserts + r.edits} (${r.inserts} new visits, ${r.edits} edits); all rounds: ${r.acknowledgedWrites} writes to ${r.acknowledgedVisits} visits`,
  );
  log(
    `  found: ${r.found} of ${r.acknowledgedVisits} acknowledged visits at their acknowledged version or later (${r.rows} visits stored, ${r.rows - r.found} committed without acknowledgement before the kill); lost: ${r.lost.length}`,
  );
  for (const lost of r.lost.slice(0, 20)) log(`  LOST: ${lost}`);
  if (r.lost.length > 20) log(`  ... and ${r.lost.length - 20} more`);
  log(`  audit: ${r.auditOk ? 'ok' : 'FAILED'} (${r.auditBlocks} blocks, ${r.auditEvents} events)`);
  for (const problem of r.auditProblems) log(`  AUDIT PROBLEM: ${problem}`);
}

export async function runCrashTest(options: CrashTestOptions = {}): Promise<CrashTestReport> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const rounds = options.rounds ?? 5;
  const writerCount = options.writers ?? 4;
  const minKillMs = options.minKillMs ?? 500;
  const maxKillMs = Math.max(minKillMs, options.maxKillMs ?? 2000);
  const subjects = subjectIds(options.subjects ?? 6);
  const totalRounds = rounds + (options.orphanRound === false ? 0 : 1);
  const keep = options.dataDir !== undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'jia-crash-'));
  const runId = `C${Date.now().toString(36)}`;
  const ackDir = join(dataDir, 'crash-acks', runId);
  const reports: RoundReport[] = [];
  let failure: string | null = null;
  let leftRunning: number | null = null;
  try {
    mkdirSync(ackDir, { recursive: true });
    log(
      `crash test: ${rounds} rounds${totalRounds > rounds ? ' and an orphan round' : ''}, ${writerCount} writers, data directory ${dataDir}${keep ? '' : ' (removed at the end)'}`,
    );
    const setup = await openStore({ dataDir });
    try {
      for (const notice of setup.notices) log(`  store notice: ${notice}`);
      await createStudy(setup, subjects);
    } finally {
      await setup.close();
    }
    const context = {
      dataDir,
      ackDir,
      runId,
      writers: writerCount,
      loops: options.loopsPerWriter ?? 2,
      subjects,
      minKillMs,
      maxKillMs,
      log,
    };
    for (let round = 1; round <= totalRounds; round++)
      reports.push(await runRound(round, { ...context, killPostmaster: round <= rounds }));
  } catch (error) {
    failure = (error as Error).stack ?? String(error);
  } finally {
    leftRunning = await stopLeftovers(dataDir, log);
    if (leftRunning === null && !keep) rmSync(dataDir, { recursive: true, force: true });
  }
  const acknowledgedWrites = reports.at(-1)?.acknowledgedWrites ?? 0;
  const lost = reports.reduce((sum, r) => sum + r.lost.length, 0);
  const ok =
    failure === null &&
    leftRunning === null &&
    reports.length === totalRounds &&
    acknowledgedWrites > 0 &&
    reports.every((r) => r.lost.length === 0 && r.auditOk && r.writerProblems.length === 0);
  return {
    ok,
    dataDir,
    rounds: reports,
    acknowledgedWrites,
    lost,
    durationMs: Math.round(performance.now() - started),
    failure,
    leftRunning,
  };
}

/**
 * Makes sure no server is left on the data directory: the store stops its server on close, so
 * this finds one only after an error. Opening and closing a store stops it (no one else uses it).
 * Returns the pid of a server that would not stop, else null.
 */
async function stopLeftovers(dataDir: string, log: (line: string) => void): Promise<number | null> {
  const running = existsSync(join(dataDir, 'pg', 'postmaster.pid')) && runningPostmaster(dataDir);
  if (!running) return null;
  log(`the server (pid ${running}) still runs after the last store closed: stopping it`);
  try {
    const store = await openStore({ dataDir, migrate: false });
    await store.close();
  } catch {}
  const pid = runningPostmaster(dataDir);
  if (pid === null) return null;
  try {
    process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown
  } catch {}
  return (await waitUntil(() => !isAlive(pid), 30_000)) ? null : pid;
}

function summary(report: CrashTestReport): string {
  const crashes = report.rounds.filter((r) => r.postmasterKilled).length;
  const orphans = report.rounds.length - crashes;
  const figures = `${crashes} crash round${crashes === 1 ? '' : 's'}${orphans > 0 ? ` and ${orphans} orphan round` : ''}, ${report.acknowledgedWrites} acknowledged writes, ${report.lost} lost, in ${(report.durationMs / 1000).toFixed(1)} s`;
  if (report.ok) return `NOTHING LOST: ${figures}; the audit trail verified after every crash.`;
  const reasons = [
    report.failure && `the test stopped on an error: ${report.failure}`,
    report.lost > 0 && `${report.lost} acknowledged writes were lost`,
    report.rounds.some((r) => !r.auditOk) && 'the audit verification failed',
    report.rounds.some((r) => r.writerProblems.length > 0) && 'a writer failed by itself',
    report.acknowledgedWrites === 0 && 'no write was acknowledged, so nothing was tested',
    report.leftRunning !== null &&
      `a PostgreSQL server (pid ${report.leftRunning}) is still running on ${report.dataDir}`,
  ].filter(Boolean);
  return `CRASH TEST FAILED: ${figures}.\n${reasons.map((r) => `- ${r}`).join('\n')}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      writers: { type: 'string', default: '4' },
      'data-dir': { type: 'string' },
      'min-kill-ms': { type: 'string', default: '500' },
      'max-kill-ms': { type: 'string', default: '2000' },
      'skip-orphan-round': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const numbers = {
    rounds: Number(values.rounds),
    writers: Number(values.writers),
    minKillMs: Number(values['min-kill-ms']),
    maxKillMs: Number(values['max-kill-ms']),
  };
  if (values.help || !Object.values(numbers).every((n) => Number.isInteger(n) && n >= 1)) {
    console.error(
      'usage: node --conditions=source --import tsx scripts/crash-test.ts [--rounds N] [--writers W] [--data-dir DIR] [--min-kill-ms MS] [--max-kill-ms MS] [--skip-orphan-round]',
    );
    return values.help ? 0 : 2;
  }
  const report = await runCrashTest({
    ...numbers,
    dataDir: values['data-dir'],
    orphanRound: !values['skip-orphan-round'],
  });
  console.log(summary(report));
  return report.ok ? 0 : 1;
}

const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url)))
  process.exitCode = await main();
