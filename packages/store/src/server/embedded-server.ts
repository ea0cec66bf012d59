/**
 * The embedded PostgreSQL server on a data directory, shared by every jia-trial process that
 * uses that directory (docs/adr/0006-store-on-postgresql.md):
 * - the first process starts the server detached (`pg_ctl start`) and records itself as owner;
 * - a process that finds the server running with a live owner shares it;
 * - a server whose owner is gone (killed with SIGKILL, say) is adopted, with a notice;
 * - on release the owner, or any process once the owner is gone, stops the server when no other
 *   process is connected. Each process holds one "lease" connection for as long as it uses the
 *   server, so that this count sees it.
 * Starting and stopping are serialised by a lock file created with O_EXCL.
 *
 * Layout of a data directory: `pg/` (PGDATA, owned by the postgres user when run as root),
 * `credentials.json` (the database passwords, mode 0600), `owner.json`, `start.lock`.
 *
 * Two roles (docs/store.md, "Roles"): jia_trial, the superuser initdb makes, owns the database
 * and runs the migrations and restore; jia_trial_app, the application's login, has only the
 * rights of the group role jia_trial_runtime. Both passwords are generated here; every opener
 * makes sure both roles exist (a data directory from before the runtime role gains it).
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { storeClient } from '../connection.js';
import { RUNTIME_ROLE } from '../runtime-role.js';
import {
  binariesIn,
  canReach,
  type PostgresBinaries,
  postgresBinaries,
} from './postgres-binaries.js';

const EMBEDDED_DATABASE = 'jia_trial';
const ROLE = 'jia_trial';
/** The application's login role: a member of RUNTIME_ROLE, nothing more. */
const APP_ROLE = 'jia_trial_app';
const LOCK_WAIT_MS = 120_000;
const START_ATTEMPTS = 5;
const ZOMBIE_WAIT_MS = 30_000;
/** Connection attempts, 200 ms apart, to a server found running (it may be dying). */
const CONNECT_ATTEMPTS = 50;
/**
 * The server's settings. Local TCP only, on the port chosen. The log keeps clinical data out
 * (docs/store.md, "Server log"): an error is logged without its DETAIL (log_error_verbosity
 * terse: the DETAIL of a constraint violation is the failing row), HINT, QUERY or CONTEXT, and
 * without the statement that caused it (log_min_error_statement panic: a statement carries
 * values). client_connection_check_interval: a backend whose client is gone (a killed command)
 * ends its query within a second instead of running it to the end, tens of seconds, holding its
 * locks (PostgreSQL 14+; docs/store.md says how to set it on an external server).
 */
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'unix_socket_directories=',
  'max_connections=200',
  'log_error_verbosity=terse',
  'log_min_error_statement=panic',
  'client_connection_check_interval=1000',
]
  .map((setting) => `-c ${setting}`)
  .join(' ');
/** A lock file with no readable holder is taken over once this old (a crash while creating it). */
const EMPTY_LOCK_GRACE_MS = 5_000;

export interface ConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface EmbeddedServer {
  readonly dataDir: string;
  /**
   * Settings for the application database (and `database` replaced, any other) as the owner, a
   * superuser: for migrations, restore and administration.
   */
  readonly connection: ConnectionSettings;
  /** The same database as the application's role (jia_trial_app, a member of jia_trial_runtime). */
  readonly runtimeConnection: ConnectionSettings;
  /** What happened on the way (adopted an orphan, recovered after a crash, ...). */
  readonly notices: readonly string[];
  /** Ends this process's use of the server; stops it when nobody else uses it. */
  release(): Promise<void>;
}

interface Owner {
  readonly pid: number;
  readonly port: number;
  readonly startedAt: string;
  /** The starting process finished while others still used the server; whoever is last stops it. */
  readonly handedOver?: boolean;
}

/** A process that still occupies its pid, even as a zombie (PostgreSQL checks it this way). */
export function pidTaken(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux: state Z in /proc/<pid>/stat (the field after the parenthesised command name). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** The process runs: it exists and is not a zombie (killed, not yet reaped by its parent). */
export function isAlive(pid: number): boolean {
  return pidTaken(pid) && !isZombie(pid);
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

function writeJsonAtomically(path: string, value: unknown, mode = 0o644): void {
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(value, null, 2)}\n`, { mode });
  renameSync(partial, path);
}

/** The postmaster recorded in PGDATA: line 1 of postmaster.pid is its pid, line 4 its port. */
function recordedPostmaster(pgData: string): { pid: number; port: number } | null {
  let text: string;
  try {
    text = readFileSync(join(pgData, 'postmaster.pid'), 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : null;
}

/** The live postmaster of PGDATA, or null. */
function livePostmaster(pgData: string): { pid: number; port: number } | null {
  const recorded = recordedPostmaster(pgData);
  return recorded && isAlive(recorded.pid) ? recorded : null;
}

/**
 * A postmaster killed with SIGKILL stays a zombie until its parent (PID 1: pg_ctl detached it)
 * reaps it, and PostgreSQL will not start while its recorded pid exists. Wait for the reaping.
 */
async function awaitReaped(pgData: string): Promise<void> {
  const recorded = recordedPostmaster(pgData);
  if (!recorded) return;
  const deadline = Date.now() + ZOMBIE_WAIT_MS;
  while (pidTaken(recorded.pid) && isZombie(recorded.pid)) {
    if (Date.now() > deadline)
      throw new JiaError(
        'DATABASE_UNAVAILABLE',
        `the database server process ${recorded.pid} was killed but is never reaped by its parent (PID 1 of this container does not reap children): run the container with an init process (docker run --init, tini)`,
      );
    await sleep(50);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function run(binaries: PostgresBinaries, program: string, args: readonly string[]) {
  return new Promise<{ code: number | null; output: string }>((resolveRun) => {
    const child = spawn(program, args, {
      ...(binaries.runAs ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => resolveRun({ code: -1, output: error.message }));
    child.on('close', (code) => resolveRun({ code, output }));
  });
}

/**
 * Serialises starting and stopping the server of one data directory across processes. The lock
 * file is created complete (written aside, then hard-linked into place, which fails if it
 * exists). A lock whose holder is dead is claimed by renaming it away, so that of several
 * processes seeing the same stale lock only one removes it.
 */
async function withStartLock<T>(dataDir: string, work: () => Promise<T>): Promise<T> {
  const lock = join(dataDir, 'start.lock');
  const mine = join(dataDir, `start.lock.${process.pid}`);
  writeFileSync(mine, String(process.pid));
  const deadline = Date.now() + LOCK_WAIT_MS;
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = lockHolder(lock);
      if (holder === 'stale') {
        claimStaleLock(dataDir, lock);
        continue;
      }
      if (Date.now() > deadline)
        throw new JiaError(
          'DATABASE_UNAVAILABLE',
          `another jia-trial process (pid ${holder}) has been starting or stopping the database in ${dataDir} for ${LOCK_WAIT_MS / 1000} s; if it hangs, stop it`,
        );
      await sleep(25);
    }
  } finally {
    rmSync(mine, { force: true });
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The live process holding the lock, 'stale' when it is dead (or unreadable and old), or 'gone'. */
function lockHolder(lock: string): number | 'stale' | 'gone' {
  let text: string;
  let age: number;
  try {
    text = readFileSync(lock, 'utf8');
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 'gone';
  }
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return age > EMPTY_LOCK_GRACE_MS ? 'stale' : 0;
  return isAlive(pid) ? pid : 'stale';
}

function claimStaleLock(dataDir: string, lock: string): void {
  const claim = join(dataDir, `start.lock.claim.${process.pid}`);
  try {
    renameSync(lock, claim);
  } catch {
    return; // another process claimed it first
  }
  const text = readFileSync(claim, 'utf8');
  const pid = Number(text);
  // Between the check and the rename a live process may have replaced the stale lock: give it back.
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    try {
      linkSync(claim, lock);
    } catch {}
  }
  rmSync(claim, { force: true });
}

interface Credentials {
  /** The owner's (jia_trial). */
  readonly password: string;
  /** The application's (jia_trial_app). */
  readonly appPassword: string;
}

const newPassword = () => randomBytes(24).toString('base64url');

/**
 * The data directory's passwords, made when missing: the file of a data directory from before
 * the runtime role gains the application's password (`appPasswordCreated`: its role's password
 * is set to it). Called under the start lock.
 */
function ensureCredentials(dataDir: string): Credentials & { appPasswordCreated: boolean } {
  const path = join(dataDir, 'credentials.json');
  const existing = readJson<Partial<Credentials>>(path);
  if (existing?.password && existing.appPassword)
    return { ...(existing as Credentials), appPasswordCreated: false };
  const credentials = {
    ...existing,
    password: existing?.password ?? newPassword(),
    appPassword: newPassword(),
  };
  writeJsonAtomically(path, credentials, 0o600);
  return { ...credentials, appPasswordCreated: true };
}

function credentials(dataDir: string): Credentials {
  const found = readJson<Credentials>(join(dataDir, 'credentials.json'));
  if (!found?.password || !found.appPassword)
    throw new JiaError(
      'DATABASE_UNAVAILABLE',
      `${join(dataDir, 'credentials.json')} is missing or incomplete`,
    );
  return found;
}

async function initialise(binaries: PostgresBinaries, dataDir: string, pgData: string) {
  const password = ensureCredentials(dataDir).password;
  mkdirSync(pgData, { mode: 0o700 });
  if (binaries.runAs) chownSync(pgData, binaries.runAs.uid, binaries.runAs.gid);
  // initdb reads the password from a file the postgres user can read; it lives a moment.
  const pwFile = join(pgData, '..', `pwfile.${process.pid}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (binaries.runAs) chownSync(pwFile, binaries.runAs.uid, binaries.runAs.gid);
  try {
    const result = await run(binaries, binaries.initdb, [
      `--pgdata=${pgData}`,
      `--username=${ROLE}`,
      `--pwfile=${pwFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ]);
    if (result.code !== 0) {
      rmSync(pgData, { recursive: true, force: true });
      throw new JiaError(
        'DATABASE_UNAVAILABLE',
        `initdb failed in ${pgData}:\n${result.output.trim()}`,
      );
    }
  } finally {
    rmSync(pwFile, { force: true });
  }
}

async function startServer(binaries: PostgresBinaries, pgData: string): Promise<number> {
  let last = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = await freePort();
    const result = await run(binaries, binaries.pgCtl, [
      'start',
      '-D',
      pgData,
      '-w',
      '-t',
      '120',
      '-s',
      '-l',
      join(pgData, 'server.log'),
      '-o',
      `-p ${port} ${SERVER_SETTINGS}`,
    ]);
    if (result.code === 0) return port;
    last = result.output.trim();
    // After a SIGKILL, backends of the old server may still be leaving: try again shortly.
    await sleep(200 * attempt);
  }
  let log = '';
  try {
    log = readFileSync(join(pgData, 'server.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {}
  throw new JiaError(
    'DATABASE_UNAVAILABLE',
    `the embedded PostgreSQL in ${pgData} did not start: ${last}\n${log}`,
  );
}

async function otherClients(settings: ConnectionSettings): Promise<number> {
  const client = storeClient({ ...settings, database: 'postgres' });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** The application database and the application's login role, made when missing. */
async function ensureDatabaseAndRoles(
  settings: ConnectionSettings,
  appPassword: string,
  passwordCreated: boolean,
): Promise<void> {
  const client = storeClient({ ...settings, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      settings.database,
    ]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${settings.database}`);
    await ensureRuntimeLogin(client, appPassword, passwordCreated);
  } finally {
    await client.end();
  }
}

/**
 * The application's login role with its password, a member of the runtime group role. Migration
 * 0008 makes the group role on any server; here it is made first when missing, so that the
 * membership can be granted before the migrations run. Roles belong to the cluster: this runs
 * once per opener, under the start lock, and changes nothing when all is in place.
 */
async function ensureRuntimeLogin(
  client: pg.Client,
  appPassword: string,
  passwordCreated: boolean,
): Promise<void> {
  const found = await client.query<{ runtime: boolean; app: boolean; member: boolean }>(
    `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS runtime,
              EXISTS (SELECT FROM pg_roles WHERE rolname = $2) AS app,
              EXISTS (SELECT FROM pg_auth_members m
                       WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)
                         AND m.member = (SELECT oid FROM pg_roles WHERE rolname = $2)) AS member`,
    [RUNTIME_ROLE, APP_ROLE],
  );
  const state = found.rows[0] ?? { runtime: false, app: false, member: false };
  // The password goes into the statement (CREATE ROLE takes no parameters); the server stores
  // its SCRAM hash, and failed statements are not logged (log_min_error_statement=panic).
  const password = client.escapeLiteral(appPassword);
  if (!state.runtime) await client.query(`CREATE ROLE ${RUNTIME_ROLE} NOLOGIN`);
  if (!state.app) await client.query(`CREATE ROLE ${APP_ROLE} LOGIN PASSWORD ${password}`);
  else if (passwordCreated) await client.query(`ALTER ROLE ${APP_ROLE} PASSWORD ${password}`);
  if (!state.member) await client.query(`GRANT ${RUNTIME_ROLE} TO ${APP_ROLE}`);
}

/** The server is not there (yet, or any more): refused, or starting up or shutting down. */
function notReady(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03';
}

/** The port of the data directory's server: shared, adopted, or started now. */
async function runningServer(
  binaries: PostgresBinaries,
  pgData: string,
  ownerFile: string,
  notices: string[],
): Promise<number> {
  const note = (text: string) => {
    if (!notices.includes(text)) notices.push(text);
  };
  const running = livePostmaster(pgData);
  if (running) {
    const owner = readJson<Owner>(ownerFile);
    if (owner?.handedOver) {
      writeJsonAtomically(ownerFile, ownerRecord(running.port));
    } else if (!owner || !isAlive(owner.pid)) {
      note(
        `adopted the database server (pid ${running.pid}, port ${running.port}) left running by ${owner ? `process ${owner.pid}, which ended without stopping it` : 'an unknown process'}`,
      );
      writeJsonAtomically(ownerFile, ownerRecord(running.port));
    }
    return running.port;
  }
  await awaitReaped(pgData);
  if (existsSync(join(pgData, 'postmaster.pid')))
    note(
      'the database server was not shut down cleanly (its process is gone); PostgreSQL recovers committed work from its write-ahead log',
    );
  const port = await startServer(binaries, pgData);
  writeJsonAtomically(ownerFile, ownerRecord(port));
  return port;
}

/**
 * Opens (initialising and starting when needed) the embedded server of `dataDir`. Resolves
 * once the server accepts connections and this process holds its lease.
 */
export async function openEmbeddedServer(
  dataDirInput: string,
  options: { readonly binDir?: string } = {},
): Promise<EmbeddedServer> {
  const dataDir = resolve(dataDirInput);
  const pgData = join(dataDir, 'pg');
  const binaries = options.binDir ? binariesIn(options.binDir) : await postgresBinaries();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The postgres user must traverse the data directory to reach pg/ (its files stay private).
  if (binaries.runAs) {
    chmodSync(dataDir, 0o711);
    if (!canReach(dataDir, binaries.runAs))
      throw new JiaError(
        'DATABASE_UNAVAILABLE',
        `the database runs as the "postgres" user, which cannot reach ${dataDir} (a directory above it is closed to other users, as /root is): set JIA_DATA_DIR to a directory it can reach, such as /var/lib/jia-trial, or use DATABASE_URL`,
      );
  }
  const notices: string[] = [];
  const ownerFile = join(dataDir, 'owner.json');

  const { port, lease } = await withStartLock(dataDir, async () => {
    if (!existsSync(pgData) || readdirSync(pgData).length === 0) {
      rmSync(pgData, { recursive: true, force: true });
      await initialise(binaries, dataDir, pgData);
    }
    if (!existsSync(join(pgData, 'PG_VERSION')))
      throw new JiaError(
        'DATABASE_UNAVAILABLE',
        `${pgData} is not a complete PostgreSQL data directory (PG_VERSION is missing): it may be damaged. Nothing was changed; restore it from a backup, or move it away to start an empty database`,
      );
    const { appPassword, appPasswordCreated } = ensureCredentials(dataDir);
    // A server killed a moment ago can still look alive (its process is dying): a refused
    // connection means look again shortly.
    for (let attempt = 1; ; attempt++) {
      const serverPort = await runningServer(binaries, pgData, ownerFile, notices);
      const settings = connectionSettings(dataDir, serverPort);
      try {
        await ensureDatabaseAndRoles(settings, appPassword, appPasswordCreated);
        // Take the lease before the lock is released, so that no one stops the server meanwhile.
        const leaseClient = storeClient({ ...settings, application_name: 'jia-trial lease' });
        await leaseClient.connect();
        leaseClient.on('error', () => {});
        return { port: serverPort, lease: leaseClient };
      } catch (error) {
        if (attempt >= CONNECT_ATTEMPTS || !notReady(error)) throw error;
        await sleep(200);
      }
    }
  });

  const connection = connectionSettings(dataDir, port);
  let released = false;
  return {
    dataDir,
    connection,
    runtimeConnection: {
      ...connection,
      user: APP_ROLE,
      password: credentials(dataDir).appPassword,
    },
    notices,
    release: async () => {
      if (released) return;
      released = true;
      await lease.end().catch(() => {});
      await withStartLock(dataDir, async () => {
        const owner = readJson<Owner>(ownerFile);
        const mine = owner?.pid === process.pid;
        if (!mine && owner && !owner.handedOver && isAlive(owner.pid)) return;
        if (!livePostmaster(pgData)) return;
        // When the count cannot be read, leave the server running rather than cut others off.
        if ((await otherClients(connection).catch(() => 1)) > 0) {
          // Others still use it: the last of them stops it (they see the owner has handed over).
          if (mine) writeJsonAtomically(ownerFile, { ...owner, handedOver: true });
          return;
        }
        const result = await run(binaries, binaries.pgCtl, [
          'stop',
          '-D',
          pgData,
          '-m',
          'fast',
          '-w',
          '-s',
        ]);
        if (result.code !== 0)
          throw new JiaError(
            'DATABASE_UNAVAILABLE',
            `could not stop the embedded PostgreSQL: ${result.output.trim()}`,
          );
        rmSync(ownerFile, { force: true });
      });
    },
  };
}

function ownerRecord(port: number): Owner {
  return { pid: process.pid, port, startedAt: new Date().toISOString() };
}

function connectionSettings(dataDir: string, port: number): ConnectionSettings {
  return {
    host: '127.0.0.1',
    port,
    user: ROLE,
    password: credentials(dataDir).password,
    database: EMBEDDED_DATABASE,
  };
}
