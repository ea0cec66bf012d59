/**
 * The store benchmark (`npm run bench -- store`): the PostgreSQL store on a fresh embedded server
 * in a temporary data directory, against what the same server does without the store's work.
 *
 * 1. Import: a synthetic bundle (bench/store-bundle-generator.ts; 10,000 subjects, 200,000
 *    visits by default) through the whole import path, `readBundle` (validation), then
 *    `importBundle` (staging COPY, merge, audit triggers, commit) into a fresh database, then
 *    `sealNow` (linking the events into the hash chain: the store seals in the background
 *    after a commit, and a command waits for it when it closes the store). The floor, as the
 *    issue names it: a plain COPY of the same files' bytes into the same tables of another fresh
 *    database, in one transaction, without validation or audit: the audit and version triggers
 *    disabled, the tables' foreign keys checked as any COPY checks them. Beside it a stricter
 *    floor with every trigger off (`session_replication_role = replica`, so no foreign-key
 *    check either). The tables' `study_id`, which the CSV files lack, comes from a column
 *    DEFAULT set (untimed) on that database only. Targets: import under 10 s, at most 3x the
 *    floor.
 * 2. Concurrent saves: `--writers` (32) async loops in this process sharing one pg.Pool of as
 *    many connections, each saving new single visits through `saveVisit` (validate, score, audit,
 *    one transaction) for `--duration` seconds after `--warmup`, into a fresh copy of an imported
 *    study. The ceiling, measured the same way on the same server: the same loops and pool doing
 *    a plain single-row INSERT of the same kind of row in autocommit, triggers off; and, when
 *    Debian's pgbench is installed, the same INSERT from pgbench (a C client, 32 connections).
 *    Targets: saves at least 0.5x the plain-INSERT ceiling (the one with the foreign key; the
 *    all-triggers-off one is reported beside it), p99 latency at most 50 ms. One process rather
 *    than worker threads: on a 2-core machine the server needs the cores, and the report shows
 *    this process's CPU (a quarter to a third of one core during the saves), so the client is
 *    not what limits the figures; the wait events of the server's backends, sampled every
 *    100 ms, show what does.
 *
 * The measured stores connect as the runtime role, as the application does (docs/store.md,
 * "Roles"); the floor, the ceiling and the setup connect as the owner (a superuser), which may
 * disable triggers and set session_replication_role.
 *
 * Every measurement runs `--reps` times (default 3) on a fresh database; tables give the median
 * (and the runs). Before each, a CHECKPOINT and a wait (up to 30 s) for an idle machine; a
 * process still busy is named in the report. Results are printed as markdown, written to
 * bench/out/store-bench.md, and as JSON to `--json FILE` when given.
 *
 *   node --conditions=source --import tsx bench/store.bench.ts [--reps 3] [--subjects 10000]
 *     [--visits-per-subject 20] [--writers 32] [--duration 10] [--warmup 2] [--seed 1]
 *     [--json FILE] [--skip-import] [--skip-saves] [--no-pgbench] [--keep] [--sql FILE]
 *
 * `--sql FILE` runs the SQL of FILE on every fresh database right after its migration, before
 * anything is measured: a way to try a schema or trigger change (CREATE OR REPLACE FUNCTION
 * audit_rows_visit() ...) without editing the migrations. The report names the file.
 *
 * JIA_BENCH_TIMING=1 prints the duration of every statement importBundle issues (through a
 * wrapper of the pool given to it).
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleFile, dbColumn } from '@jia-trial/dictionary';
import { readBundle } from '@jia-trial/interop';
import {
  importBundle,
  openStore,
  type Store,
  saveVisit,
  sealNow,
  type VisitRecord,
  withTransaction,
} from '@jia-trial/store';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { median } from './stats.js';
import { drawVisitRecord, Random, SITES, writeStoreBundle } from './store-bundle-generator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'bench', 'out');
const STUDY = 'BENCH';
const ACTOR = { actor: { id: 'system:bench', name: 'bench' } };
const IMPORT_TARGET_S = 10;
const IMPORT_FLOOR_RATIO_TARGET = 3;
const SAVES_CEILING_RATIO_TARGET = 0.5;
const P99_TARGET_MS = 50;
const REPLICA = '-c session_replication_role=replica';

// ---------------------------------------------------------------------------------------------
// Options.

interface Options {
  readonly reps: number;
  readonly subjects: number;
  readonly visitsPerSubject: number;
  readonly writers: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly seed: number;
  readonly json: string | undefined;
  /** SQL run on every fresh database after its migration (--sql FILE), and its file. */
  readonly sql: { readonly file: string; readonly text: string } | null;
  readonly runImport: boolean;
  readonly runSaves: boolean;
  readonly pgbench: boolean;
  readonly keep: boolean;
}

const USAGE =
  'usage: store.bench.ts [--reps 3] [--subjects 10000] [--visits-per-subject 20] [--writers 32]\n' +
  '                      [--duration 10] [--warmup 2] [--seed 1] [--json FILE]\n' +
  '                      [--skip-import] [--skip-saves] [--no-pgbench] [--keep] [--sql FILE]';

function parseOptions(args: readonly string[]): Options | null {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(args).values;
  } catch (error) {
    console.error((error as Error).message);
    return null;
  }
  const options: Options = {
    reps: Number(values.reps),
    subjects: Number(values.subjects),
    visitsPerSubject: Number(values['visits-per-subject']),
    writers: Number(values.writers),
    durationS: Number(values.duration),
    warmupS: Number(values.warmup),
    seed: Number(values.seed),
    json: values.json,
    sql:
      values.sql === undefined
        ? null
        : { file: values.sql, text: readFileSync(values.sql, 'utf8') },
    runImport: !values['skip-import'],
    runSaves: !values['skip-saves'],
    pgbench: !values['no-pgbench'],
    keep: values.keep,
  };
  const positiveInt = (n: number) => Number.isSafeInteger(n) && n >= 1;
  const valid =
    positiveInt(options.reps) &&
    positiveInt(options.subjects) &&
    options.subjects <= 99_999 &&
    positiveInt(options.visitsPerSubject) &&
    options.visitsPerSubject <= 99 &&
    positiveInt(options.writers) &&
    options.durationS > 0 &&
    options.warmupS >= 0 &&
    Number.isSafeInteger(options.seed);
  return valid ? options : null;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      reps: { type: 'string', default: '3' },
      subjects: { type: 'string', default: '10000' },
      'visits-per-subject': { type: 'string', default: '20' },
      writers: { type: 'string', default: '32' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      'skip-import': { type: 'boolean', default: false },
      'skip-saves': { type: 'boolean', default: false },
      'no-pgbench': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      sql: { type: 'string' },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics.

/** Nearest-rank percentile of values sorted ascending. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const seconds = (from: number) => (performance.now() - from) / 1000;
const grouped = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Busy share of all cores and CPU of this process over an interval. */
class CpuMeter {
  private readonly machine = CpuMeter.machineTimes();
  private readonly process = process.cpuUsage();
  private readonly started = performance.now();

  private static machineTimes(): { busy: number; total: number } {
    let busy = 0;
    let total = 0;
    for (const cpu of os.cpus()) {
      const t = cpu.times;
      const all = t.user + t.nice + t.sys + t.idle + t.irq;
      total += all;
      busy += all - t.idle;
    }
    return { busy, total };
  }

  /** Machine busy % (all cores = 100) and this process's CPU in % of one core. */
  read(): { machineBusyPct: number; benchProcessPct: number } {
    const now = CpuMeter.machineTimes();
    const used = process.cpuUsage(this.process);
    const wallUs = (performance.now() - this.started) * 1000;
    return {
      machineBusyPct: (100 * (now.busy - this.machine.busy)) / (now.total - this.machine.total),
      benchProcessPct: (100 * (used.user + used.system)) / wallUs,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The server and its databases.

class Server {
  /** Warnings about busy processes seen before a measurement. */
  readonly interference: string[] = [];

  private constructor(
    readonly store: Store,
    private readonly admin: pg.Client,
    /** The owner's (a superuser's) settings. */
    private readonly config: pg.ClientConfig,
    /** The application's login: a member of the runtime role. */
    private readonly runtime: pg.ClientConfig,
  ) {}

  static async open(dataDir: string): Promise<Server> {
    const store = await openStore({ dataDir, poolSize: 2 });
    const admin = new pg.Client(store.ownerConnectionConfig);
    await admin.connect();
    return new Server(store, admin, store.ownerConnectionConfig, store.connectionConfig);
  }

  /** A database as the owner. */
  url(database: string, c: pg.ClientConfig = this.config): string {
    return `postgres://${encodeURIComponent(String(c.user))}:${encodeURIComponent(String(c.password))}@${c.host}:${c.port}/${database}`;
  }

  /** A store on a database as the application opens it: the runtime role, the owner to migrate. */
  openStore(database: string, poolSize: number): Promise<Store> {
    return openStore({
      databaseUrl: this.url(database, this.runtime),
      ownerDatabaseUrl: this.url(database),
      poolSize,
    });
  }

  clientConfig(database: string, options?: string): pg.ClientConfig {
    return { ...this.config, database, ...(options === undefined ? {} : { options }) };
  }

  async query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
    return (await this.admin.query<R>(sql)).rows;
  }

  async createDatabase(name: string, template?: string): Promise<void> {
    await this.dropDatabase(name);
    await this.admin.query(
      template === undefined
        ? `CREATE DATABASE ${name}`
        : `CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`,
    );
  }

  /** A new database with the migrated schema, then `sql` (--sql) when given. */
  async createMigratedDatabase(name: string, sql: string | undefined): Promise<void> {
    await this.createDatabase(name);
    const store = await openStore({ databaseUrl: this.url(name), poolSize: 1 });
    try {
      if (sql !== undefined) await store.pool.query(sql);
    } finally {
      await store.close();
    }
  }

  async dropDatabase(name: string): Promise<void> {
    await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  /**
   * Before a measurement: a CHECKPOINT (so that none falls inside it), then a wait of up to
   * 30 s for the machine to be idle: no other process, nor a process of this server
   * (autovacuum after the previous measurement, say), using more than 5% of a core over half
   * a second. What was still busy is noted in the report: it distorts the figures.
   */
  async settle(label: string): Promise<void> {
    await this.admin.query('CHECKPOINT');
    const postmaster = await this.postmasterPid();
    const deadline = performance.now() + 30_000;
    let busy = await busyOtherProcesses(postmaster);
    while (busy.length > 0 && performance.now() < deadline)
      busy = await busyOtherProcesses(postmaster);
    if (busy.length > 0) {
      const note = `processes still busy after 30 s just before ${label}: ${busy.join(', ')}`;
      console.log(`WARNING: ${note}`);
      this.interference.push(note);
    }
  }

  /** The server's postmaster: the parent of a backend (Linux /proc; null elsewhere). */
  private async postmasterPid(): Promise<number | null> {
    const backend = await this.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return processParent(backend[0]?.pid ?? 0);
  }

  async settings(): Promise<Record<string, string>> {
    const names = [
      'server_version',
      'shared_buffers',
      'synchronous_commit',
      'fsync',
      'wal_level',
      'max_wal_size',
      'checkpoint_timeout',
      'max_connections',
    ];
    const rows = await this.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN (${names.map((n) => `'${n}'`).join(', ')})`,
    );
    const out: Record<string, string> = {};
    for (const name of names) {
      const row = rows.find((r) => r.name === name);
      if (row) out[name] = row.unit ? `${row.setting} (${row.unit})` : row.setting;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.admin.end().catch(() => {});
    await this.store.close();
  }
}

function processParent(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** CPU ticks used so far, and parent, of each process (Linux /proc; empty elsewhere). */
function processTicks(): Map<number, { name: string; parent: number; ticks: number }> {
  const out = new Map<number, { name: string; parent: number; ticks: number }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime: fields 14 and 15 of proc(5), 12 and 13 after the name.
      out.set(Number(pid), {
        name: stat.slice(stat.indexOf('(') + 1, close),
        parent: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // the process ended
    }
  }
  return out;
}

/**
 * Processes but this one that used more than 5% of a core over half a second, as
 * `name (pid) n%`; those of the benchmark's server (`postmaster` and its children) say so.
 */
async function busyOtherProcesses(postmaster: number | null): Promise<string[]> {
  const before = processTicks();
  await sleep(500);
  const after = processTicks();
  const busy: string[] = [];
  for (const [pid, now] of after) {
    const then = before.get(pid);
    if (pid === process.pid || then === undefined) continue;
    const percent = (now.ticks - then.ticks) * 2; // ticks of 10 ms (USER_HZ 100) over 500 ms
    const ours = postmaster !== null && (pid === postmaster || now.parent === postmaster);
    if (percent > 5) busy.push(`${now.name} (${pid}${ours ? ', this server' : ''}) ${percent}%`);
  }
  return busy;
}

async function count(client: pg.Client | pg.Pool, sql: string): Promise<number> {
  const result = await client.query<{ n: string }>(sql);
  return Number(result.rows[0]?.n ?? Number.NaN);
}

// ---------------------------------------------------------------------------------------------
// Statement timing of importBundle (JIA_BENCH_TIMING=1).

interface StatementTime {
  readonly sql: string;
  readonly ms: number;
}

/** A pool whose clients record each statement's duration (COPY: until its stream finished). */
function timedPool(pool: pg.Pool, log: StatementTime[]): pg.Pool {
  const connect = async () => {
    const client = await pool.connect();
    const original = client.query;
    const release = client.release;
    const text = (q: unknown) =>
      String(typeof q === 'string' ? q : ((q as { text?: string }).text ?? q))
        .replace(/\s+/g, ' ')
        .slice(0, 110);
    const timed = (...args: unknown[]) => {
      const started = performance.now();
      const result = (original as (...a: unknown[]) => unknown).apply(client, args);
      const done = () => log.push({ sql: text(args[0]), ms: performance.now() - started });
      if (result instanceof Promise) result.then(done, done);
      else if (result && typeof (result as NodeJS.EventEmitter).on === 'function')
        (result as NodeJS.EventEmitter).on('finish', done);
      return result;
    };
    client.query = timed as typeof client.query;
    client.release = (err?: Error | boolean) => {
      client.query = original;
      client.release = release;
      return release.call(client, err);
    };
    return client;
  };
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'connect') return connect;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// 1. Import and its floor.

interface ImportRun {
  readonly validationS: number;
  /** importBundle: staging, merge, audit events, commit. */
  readonly databaseS: number;
  /** sealNow after it: linking the import's events into the hash chain. */
  readonly sealS: number;
  readonly totalS: number;
  readonly subjects: number;
  readonly visits: number;
  readonly auditEvents: number;
  readonly auditBlocks: number;
  readonly databaseMiB: number;
}

interface FloorRun {
  readonly seconds: number;
  readonly subjects: number;
  readonly visits: number;
  readonly auditEvents: number;
}

async function measureImport(
  server: Server,
  bundleDir: string,
  database: string,
  timing: boolean,
  sql: string | undefined,
): Promise<ImportRun> {
  await server.createMigratedDatabase(database, sql);
  const store = await server.openStore(database, 2);
  try {
    await server.settle(`import into ${database}`);
    const log: StatementTime[] = [];
    const started = performance.now();
    const reading = readBundle(bundleDir, 100);
    const validationS = seconds(started);
    if (reading.problems.total > 0)
      throw new Error(
        `the synthetic bundle is invalid (${reading.problems.total} problems): ${JSON.stringify(reading.problems).slice(0, 600)}`,
      );
    const imported = performance.now();
    const pool = timing ? timedPool(store.pool, log) : store.pool;
    // As `jia-trial import` without --reason: a first import needs none.
    await withTransaction(pool, ACTOR.actor, undefined, (tx) =>
      importBundle(tx, STUDY, reading.files),
    );
    const databaseS = seconds(imported);
    // The store seals in the background after a commit; the command waits for it on close.
    const sealing = performance.now();
    await sealNow(pool);
    const sealS = seconds(sealing);
    const totalS = seconds(started);
    if (timing) {
      console.log('  importBundle statements (ms):');
      for (const s of log) console.log(`  ${s.ms.toFixed(1).padStart(9)}  ${s.sql}`);
    }
    return {
      validationS,
      databaseS,
      sealS,
      totalS,
      subjects: await count(store.pool, 'SELECT count(*) AS n FROM subject'),
      visits: await count(store.pool, 'SELECT count(*) AS n FROM visit'),
      auditEvents: await count(store.pool, 'SELECT count(*) AS n FROM audit_event'),
      auditBlocks: await count(store.pool, 'SELECT count(*) AS n FROM audit_block'),
      databaseMiB:
        (await count(store.pool, 'SELECT pg_database_size(current_database()) AS n')) / 2 ** 20,
    };
  } finally {
    await store.close();
  }
}

async function firstLine(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    return text.slice(0, text.indexOf('\n')).replace(/\r$/, '');
  } finally {
    await file.close();
  }
}

/**
 * The floor: COPY of the study row, the site rows and the files' bytes as they are (header
 * skipped by COPY) into a migrated database, in one transaction, without the audit. With
 * `constraints`, a plain COPY into the tables as they are, their foreign keys checked, only the
 * store's own triggers (audit, version) disabled; without, every trigger off
 * (session_replication_role = replica), foreign-key checks included.
 */
async function measureFloor(
  server: Server,
  bundleDir: string,
  database: string,
  sql: string | undefined,
  constraints: boolean,
) {
  await server.createMigratedDatabase(database, sql);
  const setup = new pg.Client(server.clientConfig(database));
  await setup.connect();
  try {
    for (const table of ['subject', 'visit'])
      await setup.query(`ALTER TABLE ${table} ALTER COLUMN study_id SET DEFAULT '${STUDY}'`);
    // visits.csv has the bundle's version column, empty for new records (the import leaves the
    // version to the database): copied as it is, it would be NULL.
    await setup.query('ALTER TABLE visit ALTER COLUMN version DROP NOT NULL');
    if (constraints)
      for (const table of ['study', 'site', 'subject', 'visit'])
        await setup.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  } finally {
    await setup.end();
  }
  const subjectsPath = join(bundleDir, 'subjects.csv');
  const visitsPath = join(bundleDir, 'visits.csv');
  const subjectSpec = bundleFile('subjects.csv');
  const subjectColumns = (await firstLine(subjectsPath))
    .split(',')
    .map((name) => dbColumn(subjectSpec, name));
  const visitColumns = (await firstLine(visitsPath)).split(',');
  const client = new pg.Client(server.clientConfig(database, constraints ? undefined : REPLICA));
  await client.connect();
  try {
    await server.settle(`the floor into ${database}`);
    const copy = (sql: string) => client.query(copyFrom(sql));
    const started = performance.now();
    await client.query('BEGIN');
    await pipeline([`${STUDY}\n`], copy('COPY study (study_id) FROM STDIN'));
    await pipeline(
      [SITES.map((site) => `${STUDY}\t${site}\n`).join('')],
      copy('COPY site (study_id, site_code) FROM STDIN'),
    );
    await pipeline(
      createReadStream(subjectsPath),
      copy(`COPY subject (${subjectColumns.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER)`),
    );
    await pipeline(
      createReadStream(visitsPath),
      copy(`COPY visit (${visitColumns.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER)`),
    );
    await client.query('COMMIT');
    const elapsed = seconds(started);
    return {
      seconds: elapsed,
      subjects: await count(client, 'SELECT count(*) AS n FROM subject'),
      visits: await count(client, 'SELECT count(*) AS n FROM visit'),
      auditEvents: await count(client, 'SELECT count(*) AS n FROM audit_event'),
    } satisfies FloorRun;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Concurrent writes.

interface LoadRun {
  readonly completed: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly throughput: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Busy share of all cores over the window (100% = every core busy). */
  readonly machineBusyPct: number | null;
  /** CPU of this process over the window, in % of one core (null: another process). */
  readonly benchProcessPct: number | null;
  /** Share of samples of the database's client backends by state and wait event. */
  readonly waits: Record<string, number>;
  /** Audit events in the database after the run (null: not counted). */
  readonly auditEvents: number | null;
  /** Saves' transactions not yet sealed into the hash chain when the writers stopped. */
  readonly unsealedAtEnd: number | null;
  /** Time sealNow then took to seal that backlog, s. */
  readonly sealBacklogS: number | null;
}

/** Samples pg_stat_activity of one database every 100 ms, tallying state and wait event. */
class WaitSampler {
  private readonly tally = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 100);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const rows = await this.client.query<{ key: string; n: string }>(
        `SELECT CASE WHEN state = 'active'
                     THEN 'active: ' || coalesce(wait_event_type || '/' || wait_event, 'on CPU')
                     ELSE state END AS key, count(*) AS n
           FROM pg_stat_activity
          WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()
          GROUP BY 1`,
        [this.database],
      );
      for (const row of rows.rows)
        this.tally.set(row.key, (this.tally.get(row.key) ?? 0) + Number(row.n));
    } catch {
      // the database is going away
    } finally {
      this.busy = false;
    }
  }

  shares(): Record<string, number> {
    const total = [...this.tally.values()].reduce((a, b) => a + b, 0);
    const out: Record<string, number> = {};
    for (const [key, n] of [...this.tally.entries()].sort((a, b) => b[1] - a[1]))
      out[key] = n / total;
    return out;
  }
}

interface WindowReading {
  readonly cpu: { machineBusyPct: number; benchProcessPct: number } | null;
  readonly waits: Record<string, number>;
}

/**
 * Runs `work` while watching the measured window (after the warm-up, for the duration): CPU
 * of the machine and of this process, and the wait events of the database's backends.
 */
async function watchWindow<T>(
  server: Server,
  database: string,
  window: { warmupS: number; durationS: number },
  work: () => Promise<T>,
): Promise<{ result: T } & WindowReading> {
  const client = new pg.Client(server.clientConfig(database));
  await client.connect();
  const sampler = new WaitSampler(client, database);
  let meter: CpuMeter | null = null;
  let cpu: WindowReading['cpu'] = null;
  const timers = [
    setTimeout(() => {
      meter = new CpuMeter();
      sampler.start();
    }, window.warmupS * 1000),
    setTimeout(
      () => {
        cpu = (meter as CpuMeter | null)?.read() ?? null;
        sampler.stop();
      },
      (window.warmupS + window.durationS) * 1000,
    ),
  ];
  try {
    const result = await work();
    // The work can end a moment before the end timer fires (the loops watch the same clock).
    if (cpu === null && meter !== null) cpu = (meter as CpuMeter).read();
    sampler.stop();
    return { result, cpu, waits: sampler.shares() };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    sampler.stop();
    await client.end();
  }
}

function loadRun(
  latencies: number[],
  durationS: number,
  errors: { count: number; first: string | null },
  reading: WindowReading,
  processCpu: boolean,
): LoadRun {
  const sorted = Float64Array.from(latencies).sort();
  return {
    completed: sorted.length,
    errors: errors.count,
    firstError: errors.first,
    throughput: sorted.length / durationS,
    medianMs: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    machineBusyPct: reading.cpu?.machineBusyPct ?? null,
    benchProcessPct: processCpu ? (reading.cpu?.benchProcessPct ?? null) : null,
    waits: reading.waits,
    auditEvents: null,
    unsealedAtEnd: null,
    sealBacklogS: null,
  };
}

/**
 * Runs `writers` loops in this process, each calling `prepare(writer, n)()` back to back, for
 * warm-up plus duration. Counted: operations that complete inside the measured window, with
 * their latency from just before the call to its completion (the row is drawn by `prepare`,
 * before the clock starts). Loops start no operation after the window; those in flight then
 * finish uncounted.
 */
async function runLoad(
  server: Server,
  database: string,
  options: Options,
  prepare: (writer: number, n: number) => () => Promise<unknown>,
): Promise<LoadRun> {
  const latencies: number[] = [];
  const errors = { count: 0, first: null as string | null };
  const windowStart = performance.now() + options.warmupS * 1000;
  const windowEnd = windowStart + options.durationS * 1000;
  const loop = async (writer: number) => {
    for (let n = 0; performance.now() < windowEnd; n++) {
      const operation = prepare(writer, n);
      const started = performance.now();
      try {
        await operation();
      } catch (error) {
        errors.count++;
        errors.first ??= (error as Error).message;
        continue;
      }
      const done = performance.now();
      if (done >= windowStart && done < windowEnd) latencies.push(done - started);
    }
  };
  const watched = await watchWindow(server, database, options, () =>
    Promise.all(Array.from({ length: options.writers }, (_, w) => loop(w))),
  );
  return loadRun(latencies, options.durationS, errors, watched, true);
}

/** The visit columns saveVisit writes, in its order. */
const INSERT_COLUMNS = [
  'study_id',
  'visit_id',
  'subject_id',
  'visit_date',
  'baseline_visit_id',
  'ilar_category',
  'physician_global',
  'parent_global',
  'chaq_di',
  'active_joints',
  'limited_joints',
  'active_joint_codes',
  'esr',
  'crp',
  'morning_stiffness_min',
  'systemic_features',
  'active_uveitis',
  'fever',
  'ferritin',
  'platelets',
  'ast',
  'triglycerides',
  'fibrinogen',
] as const;
const INSERT_SQL = `INSERT INTO visit (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

function insertValues(visit: VisitRecord): unknown[] {
  return [
    STUDY,
    visit.visitId,
    visit.subjectId,
    visit.visitDate,
    visit.baselineVisitId ?? null,
    visit.ilarCategory ?? null,
    visit.physicianGlobal ?? null,
    visit.parentGlobal ?? null,
    visit.chaqDi ?? null,
    visit.activeJoints ?? null,
    visit.limitedJoints ?? null,
    visit.activeJointCodes ?? null,
    visit.esr ?? null,
    visit.crp ?? null,
    visit.morningStiffnessMinutes ?? null,
    visit.systemicFeatures ?? null,
    visit.activeUveitis ?? null,
    visit.fever ?? null,
    visit.ferritin ?? null,
    visit.platelets ?? null,
    visit.ast ?? null,
    visit.triglycerides ?? null,
    visit.fibrinogen ?? null,
  ];
}

/** Opens every connection of the pool before the clock starts. */
async function fillPool(pool: pg.Pool, size: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  for (const client of clients) client.release();
}

interface WriteContext {
  readonly server: Server;
  readonly template: string;
  readonly options: Options;
}

/** One PRNG stream per writer, the same for the saves and the ceiling of a repetition. */
function writerRandoms(options: Options, rep: number): Random[] {
  return Array.from(
    { length: options.writers },
    (_, w) => new Random(options.seed * 1_000_003 + rep * 1009 + w),
  );
}

async function measureSaves(context: WriteContext, database: string, rep: number) {
  const { server, template, options } = context;
  await server.createDatabase(database, template);
  const store = await server.openStore(database, options.writers);
  try {
    await fillPool(store.pool, options.writers);
    await server.settle(`the saves into ${database}`);
    const rngs = writerRandoms(options, rep);
    const run = await runLoad(server, database, options, (w, n) => {
      const visit = drawVisitRecord(rngs[w] as Random, options.subjects, `W${w}-${n}`);
      return () => saveVisit(store.pool, STUDY, visit, null, ACTOR);
    });
    // The background sealer should keep up: what is left unsealed when the writers stop.
    const unsealedAtEnd = await count(
      store.pool,
      'SELECT count(DISTINCT batch_id) AS n FROM audit_event WHERE batch_id >= (SELECT sealed_below FROM audit_head)',
    );
    const sealing = performance.now();
    await sealNow(store.pool);
    const sealBacklogS = seconds(sealing);
    const audited = await count(
      store.pool,
      `SELECT count(*) AS n FROM audit_event WHERE table_name = 'visit' AND record_key LIKE '${STUDY}/W%'`,
    );
    return { ...run, auditEvents: audited, unsealedAtEnd, sealBacklogS };
  } finally {
    await store.close();
    await server.dropDatabase(database);
  }
}

/**
 * The ceiling: plain INSERTs of the same rows, autocommit. `constraints` false: every trigger
 * off (session_replication_role = replica, so no foreign-key check either); true: only the
 * audit and version triggers off (ALTER TABLE visit DISABLE TRIGGER USER), the foreign key to
 * the subject still checked, as every save does.
 */
async function measureCeiling(
  context: WriteContext,
  database: string,
  rep: number,
  constraints = false,
) {
  const { server, template, options } = context;
  await server.createDatabase(database, template);
  if (constraints) {
    const setup = new pg.Client(server.clientConfig(database));
    await setup.connect();
    await setup.query('ALTER TABLE visit DISABLE TRIGGER USER');
    await setup.end();
  }
  const pool = new pg.Pool({
    ...server.clientConfig(database, constraints ? undefined : REPLICA),
    max: options.writers,
  });
  pool.on('error', () => {});
  try {
    await fillPool(pool, options.writers);
    await server.settle(`the ceiling into ${database}`);
    const rngs = writerRandoms(options, rep);
    const run = await runLoad(server, database, options, (w, n) => {
      const values = insertValues(
        drawVisitRecord(rngs[w] as Random, options.subjects, `C${w}-${n}`),
      );
      return () => pool.query(INSERT_SQL, values);
    });
    return { ...run, auditEvents: await count(pool, 'SELECT count(*) AS n FROM audit_event') };
  } finally {
    await pool.end();
    await server.dropDatabase(database);
  }
}

/** pgbench of a PostgreSQL client package, if installed (Debian: postgresql-client). */
function findPgbench(): string | null {
  const fromEnv = process.env.PGBENCH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'pgbench')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(base, versions[0], 'bin', 'pgbench');
  }
  return null;
}

/** The ceiling's INSERT with values drawn by pgbench in the same ranges. */
function pgbenchScript(subjects: number): string {
  return [
    `\\set s random(1, ${subjects})`,
    '\\set r random(1, 2000000000)',
    '\\set d random(0, 364)',
    '\\set pg random(0, 100)',
    '\\set pa random(0, 100)',
    '\\set ch random(0, 24)',
    '\\set aj random(0, 20)',
    '\\set lj random(0, 20)',
    '\\set esr random(0, 120)',
    '\\set crp random(0, 1000)',
    '\\set ms random(0, 120)',
    // A random id: a rare repeat inserts nothing (ON CONFLICT) rather than failing the client.
    `INSERT INTO visit (${INSERT_COLUMNS.join(', ')}) VALUES ('${STUDY}', ` +
      "'G' || :client_id || '-' || :r, 'P' || lpad(:s::text, 5, '0'), " +
      "date '2026-09-01' + :d::integer, NULL, 'polyarticular_rf_negative', :pg::integer / 10.0, " +
      ':pa::integer / 10.0, :ch::integer * 0.125, :aj::integer, :lj::integer, NULL, :esr::integer, ' +
      ':crp::integer / 10.0, :ms::integer, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) ' +
      'ON CONFLICT DO NOTHING;',
    '',
  ].join('\n');
}

/** Completion time (epoch s) and latency of each transaction in pgbench's --log files. */
async function readPgbenchLogs(logDir: string): Promise<Array<{ done: number; ms: number }>> {
  const records: Array<{ done: number; ms: number }> = [];
  for (const name of readdirSync(logDir).filter((n) => n.startsWith('tx'))) {
    // client_id transaction_no latency_us script_no epoch_s epoch_us (the completion time)
    for (const line of (await readFile(join(logDir, name), 'utf8')).split('\n')) {
      const f = line.split(' ');
      if (f.length >= 6)
        records.push({ done: Number(f[4]) + Number(f[5]) / 1e6, ms: Number(f[2]) / 1000 });
    }
  }
  return records;
}

async function measurePgbench(
  context: WriteContext,
  database: string,
  pgbench: string,
  workDir: string,
): Promise<LoadRun> {
  const { server, template, options } = context;
  await server.createDatabase(database, template);
  const logDir = join(workDir, `pgbench-${database}`);
  await mkdir(logDir, { recursive: true });
  const script = join(logDir, 'insert.sql');
  await writeFile(script, pgbenchScript(options.subjects));
  const c = server.clientConfig(database);
  try {
    await server.settle(`pgbench into ${database}`);
    const args = [
      ...['-n', '-M', 'prepared', '-c', String(options.writers)],
      ...['-j', String(Math.min(options.writers, os.availableParallelism()))],
      ...['-T', String(Math.ceil(options.warmupS + options.durationS)), '-f', script],
      ...['--log', `--log-prefix=${join(logDir, 'tx')}`],
      ...['-h', String(c.host), '-p', String(c.port), '-U', String(c.user), database],
    ];
    const env = { ...process.env, PGPASSWORD: String(c.password), PGOPTIONS: REPLICA };
    const watched = await watchWindow(server, database, options, () =>
      runProcess(pgbench, args, env),
    );
    // The window: from the warm-up after pgbench's first completed transaction.
    const records = await readPgbenchLogs(logDir);
    const windowStart =
      records.reduce((min, r) => Math.min(min, r.done), Infinity) + options.warmupS;
    const windowEnd = windowStart + options.durationS;
    const latencies = records
      .filter((r) => r.done >= windowStart && r.done < windowEnd)
      .map((r) => r.ms);
    const failed = Number(/failed transactions: (\d+)/.exec(watched.result)?.[1] ?? 0);
    return loadRun(latencies, options.durationS, { count: failed, first: null }, watched, false);
  } finally {
    await server.dropDatabase(database);
    await rm(logDir, { recursive: true, force: true });
  }
}

function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} exited with ${code}:\n${output.slice(-2000)}`)),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Report.

interface Results {
  readonly date: string;
  readonly options: Omit<Options, 'json' | 'keep'>;
  readonly machine: Record<string, string>;
  server: Record<string, string>;
  bundle: { subjects: number; visits: number; bytes: number } | null;
  readonly import: {
    readonly runs: ImportRun[];
    /** Every trigger off, foreign-key checks included. */
    readonly floor: FloorRun[];
    /** Plain COPY: the tables' foreign keys checked, only the audit and version triggers off. */
    readonly plainCopy: FloorRun[];
    median: {
      validationS: number;
      databaseS: number;
      sealS: number;
      totalS: number;
      floorS: number;
      ratio: number;
      plainCopyS: number;
      plainCopyRatio: number;
    } | null;
  };
  readonly writes: {
    readonly saves: LoadRun[];
    readonly ceiling: LoadRun[];
    readonly ceilingWithForeignKey: LoadRun[];
    readonly pgbench: LoadRun[];
    pgbenchPath: string | null;
  };
  readonly notes: string[];
}

function medianOf<T>(runs: readonly T[], pick: (run: T) => number): number {
  return median(runs.map(pick));
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
const runsList = (values: readonly number[], digits: number) =>
  values.map((v) => v.toFixed(digits)).join(', ');

function importLines(results: Results): string[] {
  const { runs, floor, plainCopy, median: m } = results.import;
  if (runs.length === 0 || m === null) return [];
  const bundle = results.bundle;
  const row = (name: string, values: number[]) =>
    `| ${name} | ${median(values).toFixed(3)} | ${Math.min(...values).toFixed(3)} | ${runsList(values, 3)} |`;
  const lines = [
    `## Import: ${grouped(bundle?.subjects ?? 0)} subjects, ${grouped(bundle?.visits ?? 0)} visits ` +
      `(${((bundle?.bytes ?? 0) / 1e6).toFixed(1)} MB of CSV)`,
    '',
    '| phase | median (s) | min (s) | runs (s) |',
    '|---|---:|---:|---:|',
    row('validation (`readBundle`)', [...runs.map((r) => r.validationS)]),
    row('database (`importBundle`)', [...runs.map((r) => r.databaseS)]),
    row('audit seal (`sealNow`, the hash chain)', [...runs.map((r) => r.sealS)]),
    row('**import total**', [...runs.map((r) => r.totalS)]),
    row(
      'floor: plain COPY into the same tables (foreign keys checked), audit triggers off, no validation',
      [...plainCopy.map((r) => r.seconds)],
    ),
    row('stricter floor: the same COPY with every trigger off (no foreign-key checks either)', [
      ...floor.map((r) => r.seconds),
    ]),
    '',
    `- visits/s through the whole import: ${grouped((bundle?.visits ?? 0) / m.totalS)}`,
    `- audit events written per import: ${grouped(runs[0]?.auditEvents ?? 0)} ` +
      `(${grouped(runs[0]?.auditBlocks ?? 0)} sealed block(s)); ` +
      `rows stored: ${grouped(runs[0]?.subjects ?? 0)} subjects, ${grouped(runs[0]?.visits ?? 0)} visits; ` +
      `floor: ${grouped(floor[0]?.visits ?? 0)} visits, ${grouped(floor[0]?.auditEvents ?? 0)} audit events`,
    `- database size after an import: ${(runs[0]?.databaseMiB ?? 0).toFixed(0)} MiB`,
    `- **import under ${IMPORT_TARGET_S} s: ${m.totalS.toFixed(2)} s, ${verdict(m.totalS < IMPORT_TARGET_S)}**`,
    `- **import at most ${IMPORT_FLOOR_RATIO_TARGET}x the floor (plain COPY): ${m.plainCopyRatio.toFixed(2)}x ` +
      `(${m.totalS.toFixed(2)} s / ${m.plainCopyS.toFixed(2)} s), ${verdict(m.plainCopyRatio <= IMPORT_FLOOR_RATIO_TARGET)}**` +
      ` (\`importBundle\` alone: ${(m.databaseS / m.plainCopyS).toFixed(2)}x)`,
    `- against the stricter floor (every trigger off): ${m.ratio.toFixed(2)}x ` +
      `(${m.totalS.toFixed(2)} s / ${m.floorS.toFixed(2)} s), ${verdict(m.ratio <= IMPORT_FLOOR_RATIO_TARGET)}`,
    '',
  ];
  return lines;
}

function topWaits(runs: readonly LoadRun[]): string {
  const sum = new Map<string, number>();
  for (const run of runs)
    for (const [key, share] of Object.entries(run.waits))
      sum.set(key, (sum.get(key) ?? 0) + share / runs.length);
  return [...sum.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([key, share]) => `${key} ${(100 * share).toFixed(0)}%`)
    .join(', ');
}

function writeLines(results: Results): string[] {
  const { saves, ceiling, ceilingWithForeignKey, pgbench } = results.writes;
  if (saves.length === 0) return [];
  const o = results.options;
  const pct = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(0)}%`);
  const row = (name: string, runs: readonly LoadRun[]): string[] => {
    if (runs.length === 0) return [];
    const m = (pick: (r: LoadRun) => number | null) => medianOf(runs, (r) => pick(r) ?? Number.NaN);
    const cells = [
      grouped(m((r) => r.throughput)),
      m((r) => r.medianMs).toFixed(2),
      m((r) => r.p99Ms).toFixed(2),
      m((r) => r.maxMs).toFixed(1),
      String(runs.reduce((sum, r) => sum + r.errors, 0)),
      pct(m((r) => r.machineBusyPct)),
      pct(m((r) => r.benchProcessPct)),
      runsList(
        runs.map((r) => r.throughput),
        0,
      ),
    ];
    return [`| ${name} | ${cells.join(' | ')} |`];
  };
  const savesRate = medianOf(saves, (r) => r.throughput);
  const savesP99 = medianOf(saves, (r) => r.p99Ms);
  const lines = [
    `## Concurrent single-visit saves: ${o.writers} writers, ${o.durationS} s after ${o.warmupS} s warm-up`,
    '',
    '| measurement | per s | median latency (ms) | p99 (ms) | max (ms) | errors | machine CPU | bench process CPU (1 core = 100%) | runs (per s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...row('**`saveVisit`** (validate, score, audit, 1 transaction)', saves),
    ...row(
      'ceiling: plain INSERT of the same rows, autocommit (foreign key checked, audit triggers off; node-postgres, same loops)',
      ceilingWithForeignKey,
    ),
    ...row(
      'stricter ceiling: the same INSERT with every trigger off (no foreign-key check)',
      ceiling,
    ),
    ...row('ceiling: the same INSERT from pgbench (C client)', pgbench),
    '',
  ];
  if (ceilingWithForeignKey.length > 0) {
    const ratio = savesRate / medianOf(ceilingWithForeignKey, (r) => r.throughput);
    lines.push(
      `- **saves at least ${SAVES_CEILING_RATIO_TARGET}x the ceiling (plain INSERT): ${ratio.toFixed(2)}x, ${verdict(ratio >= SAVES_CEILING_RATIO_TARGET)}**`,
    );
  }
  if (ceiling.length > 0) {
    const ratio = savesRate / medianOf(ceiling, (r) => r.throughput);
    lines.push(
      `- against the stricter ceiling (every trigger off): ${ratio.toFixed(2)}x, ${verdict(ratio >= SAVES_CEILING_RATIO_TARGET)}`,
    );
  }
  if (pgbench.length > 0) {
    const ratio = savesRate / medianOf(pgbench, (r) => r.throughput);
    lines.push(`- saves against the pgbench ceiling: ${ratio.toFixed(2)}x`);
  }
  lines.push(
    `- **p99 latency at most ${P99_TARGET_MS} ms: ${savesP99.toFixed(2)} ms, ${verdict(savesP99 <= P99_TARGET_MS)}**`,
    `- audit events of the saves (run 1): ${grouped(saves[0]?.auditEvents ?? 0)} for ${grouped(saves[0]?.completed ?? 0)} saves counted in the window (plus warm-up and tail)`,
    `- transactions left unsealed when the writers stopped (background sealer): ${saves.map((r) => r.unsealedAtEnd ?? 'n/a').join(', ')}; ` +
      `sealNow then took ${saves.map((r) => (r.sealBacklogS === null ? 'n/a' : `${(r.sealBacklogS * 1000).toFixed(0)} ms`)).join(', ')}`,
    '',
    'Server backends of the database, sampled every 100 ms over the window (share of samples):',
    '',
    `- saves: ${topWaits(saves)}`,
  );
  if (ceiling.length > 0) lines.push(`- ceiling (node-postgres): ${topWaits(ceiling)}`);
  if (ceilingWithForeignKey.length > 0)
    lines.push(`- ceiling with the foreign key: ${topWaits(ceilingWithForeignKey)}`);
  if (pgbench.length > 0) lines.push(`- ceiling (pgbench): ${topWaits(pgbench)}`);
  const errored = [...saves, ...ceiling].find((r) => r.firstError !== null);
  if (errored) lines.push('', `First error: ${errored.firstError}`);
  return [...lines, ''];
}

function renderReport(results: Results): string {
  const o = results.options;
  return [
    '# Store benchmark',
    '',
    `Date: ${results.date}. A fresh embedded PostgreSQL (${results.server.server_version ?? '?'}) ` +
      `in a temporary data directory; ${o.reps} repetition(s) of each measurement, each on a fresh ` +
      'database; medians (for the writes, the median of each column over the runs).',
    '',
    ...importLines(results),
    ...writeLines(results),
    ...(results.notes.length > 0 ? [...results.notes.map((n) => `- ${n}`), ''] : []),
    'Machine and server:',
    '',
    ...Object.entries(results.machine).map(([k, v]) => `- ${k}: ${v}`),
    `- PostgreSQL settings: ${Object.entries(results.server)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    '',
  ].join('\n');
}

function machine(): Record<string, string> {
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty?.[1] !== undefined) osName = `${pretty[1]} (${osName})`;
  } catch {
    // no os-release
  }
  return {
    OS: osName,
    CPU: `${(os.cpus()[0]?.model ?? 'unknown').trim()}, ${os.availableParallelism()} logical cores`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    'Node.js': process.version,
    // Another busy process on the machine would show here (the benchmark needs it to itself).
    'load average at the start (1, 5, 15 min)': os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', '),
  };
}

// ---------------------------------------------------------------------------------------------
// Main.

const TEMPLATE = 'bench_seed';

/** Import and floor, alternating, `reps` times; the last import stays as the writers' study. */
async function importPhase(server: Server, bundleDir: string, results: Results): Promise<void> {
  const { reps } = results.options;
  const sql = results.options.sql?.text;
  const timing = process.env.JIA_BENCH_TIMING === '1';
  for (let rep = 1; rep <= reps; rep++) {
    const database = rep === reps ? TEMPLATE : `bench_import_${rep}`;
    const run = await measureImport(server, bundleDir, database, timing, sql);
    results.import.runs.push(run);
    console.log(
      `import run ${rep}: validation ${run.validationS.toFixed(3)} s, importBundle ${run.databaseS.toFixed(3)} s, ` +
        `seal ${run.sealS.toFixed(3)} s, ` +
        `total ${run.totalS.toFixed(3)} s; ${grouped(run.auditEvents)} audit events, ${run.databaseMiB.toFixed(0)} MiB`,
    );
    if (database !== TEMPLATE) await server.dropDatabase(database);
    for (const constraints of [false, true]) {
      const name = constraints ? `bench_plain_copy_${rep}` : `bench_floor_${rep}`;
      const floor = await measureFloor(server, bundleDir, name, sql, constraints);
      (constraints ? results.import.plainCopy : results.import.floor).push(floor);
      console.log(
        `${constraints ? 'plain COPY' : 'floor'} run ${rep}: ${floor.seconds.toFixed(3)} s ` +
          `(${grouped(floor.visits)} visits, ${floor.auditEvents} audit events)`,
      );
      await server.dropDatabase(name);
    }
  }
  const runs = results.import.runs;
  const totalS = medianOf(runs, (r) => r.totalS);
  const floorS = medianOf(results.import.floor, (r) => r.seconds);
  const plainCopyS = medianOf(results.import.plainCopy, (r) => r.seconds);
  results.import.median = {
    validationS: medianOf(runs, (r) => r.validationS),
    databaseS: medianOf(runs, (r) => r.databaseS),
    sealS: medianOf(runs, (r) => r.sealS),
    totalS,
    floorS,
    ratio: totalS / floorS,
    plainCopyS,
    plainCopyRatio: totalS / plainCopyS,
  };
}

function showLoad(name: string, rep: number, r: LoadRun): void {
  console.log(
    `${name} run ${rep}: ${grouped(r.throughput)}/s, median ${r.medianMs.toFixed(2)} ms, ` +
      `p99 ${r.p99Ms.toFixed(2)} ms, ${r.errors} errors` +
      (r.machineBusyPct === null ? '' : `, machine CPU ${r.machineBusyPct.toFixed(0)}%`),
  );
}

/** Saves, ceiling and pgbench, alternating, `reps` times; true when an operation failed. */
async function writePhase(
  server: Server,
  options: Options,
  workDir: string,
  results: Results,
): Promise<boolean> {
  const seed = new pg.Client(server.clientConfig(TEMPLATE));
  await seed.connect();
  await seed.query('VACUUM ANALYZE');
  await seed.end();
  const context: WriteContext = { server, template: TEMPLATE, options };
  const pgbench = options.pgbench ? findPgbench() : null;
  results.writes.pgbenchPath = pgbench;
  if (options.pgbench && pgbench === null)
    results.notes.push(
      'pgbench not found (apt-get install postgresql-client, or PGBENCH=/path): its ceiling is skipped.',
    );
  let failed = false;
  for (let rep = 1; rep <= options.reps; rep++) {
    const saves = await measureSaves(context, `bench_saves_${rep}`, rep);
    results.writes.saves.push(saves);
    showLoad('saves', rep, saves);
    const ceiling = await measureCeiling(context, `bench_ceiling_${rep}`, rep);
    results.writes.ceiling.push(ceiling);
    showLoad('ceiling', rep, ceiling);
    const withForeignKey = await measureCeiling(context, `bench_ceiling_fk_${rep}`, rep, true);
    results.writes.ceilingWithForeignKey.push(withForeignKey);
    showLoad('ceiling with the foreign key', rep, withForeignKey);
    if (pgbench !== null) {
      const run = await measurePgbench(context, `bench_pgbench_${rep}`, pgbench, workDir);
      results.writes.pgbench.push(run);
      showLoad('pgbench', rep, run);
    }
    if (saves.errors > 0 || ceiling.errors > 0) failed = true;
  }
  return failed;
}

async function writeReport(results: Results, json: string | undefined): Promise<void> {
  const report = renderReport(results);
  console.log(`\n${report}`);
  await mkdir(outDir, { recursive: true });
  const reportPath = join(outDir, 'store-bench.md');
  await writeFile(reportPath, report);
  console.log(`written to ${relative(root, reportPath)}`);
  if (json !== undefined) {
    await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`JSON results written to ${json}`);
  }
}

export async function runStoreBench(args: readonly string[]): Promise<number> {
  const options = parseOptions(args);
  if (options === null) {
    console.error(USAGE);
    return 2;
  }
  const { json, keep, ...shown } = options;
  const workDir = await mkdtemp(join(os.tmpdir(), 'jia-store-bench-'));
  // The server runs as the postgres user when this process is root: it must traverse workDir.
  await chmod(workDir, 0o711);
  console.log(`work directory: ${workDir}`);
  const results: Results = {
    date: new Date().toISOString(),
    options: shown,
    machine: machine(),
    server: {},
    bundle: null,
    import: { runs: [], floor: [], plainCopy: [], median: null },
    writes: { saves: [], ceiling: [], ceilingWithForeignKey: [], pgbench: [], pgbenchPath: null },
    notes: [],
  };
  let failed = false;
  let server: Server | null = null;
  try {
    const bundleDir = join(workDir, 'bundle');
    const made = await writeStoreBundle(bundleDir, {
      subjects: options.subjects,
      visitsPerSubject: options.visitsPerSubject,
      seed: options.seed,
    });
    results.bundle = { subjects: made.subjects, visits: made.visits, bytes: made.bytes };
    console.log(
      `generated the bundle: ${grouped(made.subjects)} subjects, ${grouped(made.visits)} visits, ` +
        `${(made.bytes / 1e6).toFixed(1)} MB, in ${made.seconds.toFixed(2)} s`,
    );
    const started = performance.now();
    server = await Server.open(join(workDir, 'data'));
    console.log(`embedded PostgreSQL started in ${seconds(started).toFixed(1)} s`);
    results.server = await server.settings();
    if (options.runImport) await importPhase(server, bundleDir, results);
    else if (options.runSaves)
      await measureImport(server, bundleDir, TEMPLATE, false, options.sql?.text);
    if (options.sql !== null)
      results.notes.push(
        `Every database was changed by --sql ${options.sql.file} after its migration.`,
      );
    if (options.runSaves) failed = await writePhase(server, options, workDir, results);
  } catch (error) {
    failed = true;
    console.error(`FAILED: ${(error as Error).stack ?? error}`);
    results.notes.push(`FAILED: ${(error as Error).message}`);
  } finally {
    if (server !== null) results.notes.push(...server.interference);
    await server?.close().catch((error: Error) => console.error(error.message));
    if (!keep) await rm(workDir, { recursive: true, force: true });
    else console.log(`kept ${workDir}`);
  }
  await writeReport(results, json);
  return failed ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await runStoreBench(process.argv.slice(2));
}
