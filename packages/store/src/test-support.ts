/**
 * Real PostgreSQL for tests. Every test file gets its own new database, created from a migrated
 * template, on one embedded server shared by all test processes of the run (the same sharing
 * that jia-trial commands use: the first opener starts it, the last one stops it). With
 * JIA_TEST_DATABASE_URL set, the databases are created on that external server instead (CI runs
 * the suite against Debian's PostgreSQL 15 too).
 *
 * The store of a test database connects as the runtime role, as the application does, so that
 * the whole suite runs with least privilege (docs/store.md, "Roles"); its owner pool, and
 * `ownerUrl`, are the superuser the databases are made with: for tests that play an attacker with
 * full rights, or change the schema.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { storeClient, storePool } from './connection.js';
import { migrate } from './migrate.js';
import { RUNTIME_ROLE } from './runtime-role.js';
import { openEmbeddedServer } from './server/embedded-server.js';
import { openStore, type Store } from './store.js';
import { type Actor, withTransaction } from './transaction.js';

/**
 * The embedded test server's data directory. scripts/run-tests.mjs gives each run a private one
 * (JIA_TEST_DATA_DIR, in a temporary directory it removes at the end), shared by the run's test
 * processes and by no other run. A test file run on its own, without the runner, falls back to
 * one per process. Either is under the system temp dir, which the postgres user can reach.
 */
export const TEST_DATA_DIR = process.env.JIA_TEST_DATA_DIR ?? ownTestDataDir();

/** A data directory for this process (and the processes it starts), removed when it exits. */
function ownTestDataDir(): string {
  const dir = join(tmpdir(), `jia-trial-test-postgres-${process.pid}`);
  process.env.JIA_TEST_DATA_DIR = dir;
  process.once('exit', () => {
    // Only once the server is stopped (the last release stops it): never under a running one.
    if (!existsSync(join(dir, 'pg', 'postmaster.pid')))
      rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
const TEMPLATE = 'jia_trial_test_template';

export interface TestDatabase {
  /** The database as the application's (runtime) role: what DATABASE_URL would be. */
  readonly url: string;
  /** The database as a superuser: the owner of everything in it (JIA_OWNER_DATABASE_URL). */
  readonly ownerUrl: string;
  readonly store: Store;
  /** Closes the store and drops the database. */
  close(): Promise<void>;
}

interface Login {
  readonly user: string;
  readonly password: string;
}

interface TestServer {
  /** A superuser's URL. */
  readonly url: string;
  /** The application's login (a member of the runtime role); null: made with the template. */
  readonly runtime: Login | null;
  release(): Promise<void>;
}

async function testServer(): Promise<TestServer> {
  const external = process.env.JIA_TEST_DATABASE_URL;
  if (external) return { url: external, runtime: null, release: async () => {} };
  const server = await openEmbeddedServer(TEST_DATA_DIR);
  const c = server.connection;
  return {
    url: `postgres://${c.user}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${c.database}`,
    runtime: server.runtimeConnection,
    release: server.release,
  };
}

/** The login the tests use on an external server: its password derived from the admin URL. */
function externalTestLogin(adminUrl: string): Login {
  return {
    user: 'jia_trial_test_app',
    password: createHash('sha256').update(`jia_trial_test_app ${adminUrl}`).digest('base64url'),
  };
}

/** Makes the external server's test login (after the template made the runtime role). */
async function ensureExternalTestLogin(admin: pg.Client, login: Login): Promise<void> {
  const found = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.user]);
  const password = admin.escapeLiteral(login.password);
  if (found.rowCount === 0)
    await admin.query(
      `CREATE ROLE ${login.user} LOGIN PASSWORD ${password} IN ROLE ${RUNTIME_ROLE}`,
    );
  else await admin.query(`GRANT ${RUNTIME_ROLE} TO ${login.user}`);
}

function withLogin(url: string, login: Login): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(login.user);
  parsed.password = encodeURIComponent(login.password);
  return parsed.toString();
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Creates the migrated template once per server (under an advisory lock), then a copy (with the
 * runtime role's privileges, granted by the migrations). `login`: the external server's test
 * login, made once the template has made the runtime role.
 */
async function createFromTemplate(
  admin: pg.Client,
  url: string,
  name: string,
  login: Login | null,
): Promise<void> {
  await admin.query('SELECT pg_advisory_lock(424242)');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${TEMPLATE}`);
      const pool = storePool({ connectionString: withDatabase(url, TEMPLATE) });
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
    } else {
      // A template from an older schema (the migrations changed): migrate it forward.
      const pool = storePool({ connectionString: withDatabase(url, TEMPLATE) });
      try {
        await migrate(pool);
      } catch {
        await pool.end();
        await admin.query(`DROP DATABASE ${TEMPLATE}`);
        return createFromTemplate(admin, url, name, login);
      }
      await pool.end();
    }
    if (login) await ensureExternalTestLogin(admin, login);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(424242)');
  }
}

export interface TestDatabaseOptions {
  readonly poolSize?: number;
  /**
   * A database migrated only up to this version, not from the template, and a store that does
   * not migrate it further: for tests of an upgrade. Its store connects as the owner (the
   * runtime role's privileges come with the latest migration), and `url` is `ownerUrl`.
   */
  readonly migrateUpTo?: number;
}

export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const admin = await testServer();
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  let store: Store;
  const ownerUrl = withDatabase(admin.url, name);
  const login = admin.runtime ?? externalTestLogin(admin.url);
  const upgrade = options.migrateUpTo !== undefined;
  const url = upgrade ? ownerUrl : withLogin(ownerUrl, login);
  try {
    const client = storeClient({ connectionString: admin.url });
    await client.connect();
    try {
      if (!upgrade) await createFromTemplate(client, admin.url, name, admin.runtime ? null : login);
      else await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    if (upgrade) {
      const pool = storePool({ connectionString: ownerUrl });
      try {
        await migrate(pool, { upTo: options.migrateUpTo });
      } finally {
        await pool.end();
      }
    }
    store = await openStore({
      databaseUrl: url,
      ownerDatabaseUrl: ownerUrl,
      poolSize: options.poolSize ?? 10,
      migrate: !upgrade,
    });
  } catch (error) {
    // Release the shared server, or this process would wait on it forever.
    await admin.release();
    throw error;
  }
  return {
    url,
    ownerUrl,
    store,
    close: async () => {
      await store.close();
      const drop = storeClient({ connectionString: admin.url });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
      await admin.release();
    },
  };
}

/**
 * A study with one site (A) and the given subjects, inserted in one transaction (so one audit
 * batch of 2 + subjects events): the setup most store tests start from.
 */
export async function seedStudy(
  pool: pg.Pool,
  studyId: string,
  subjectIds: readonly string[],
  actor = 'test-setup',
): Promise<void> {
  await changeAs(pool, actor, undefined, async (client) => {
    await client.query('INSERT INTO study (study_id) VALUES ($1)', [studyId]);
    await client.query("INSERT INTO site (study_id, site_code) VALUES ($1, 'A')", [studyId]);
    await client.query(
      `INSERT INTO subject (study_id, subject_id, site_code, sex, birth_date, ilar_category,
                            diagnosis_date, enrolment_date)
       SELECT $1, id, 'A', 'F', '2010-04', 'systemic', '2015-01-01', '2019-01-01'
         FROM unnest($2::text[]) AS id`,
      [studyId, subjectIds],
    );
  });
}

/** A test's actor: a name, and the id `test:<name>`. */
export function testActor(name: string): Actor {
  return { id: `test:${name}`, name };
}

/** Runs `work` on the connection of a transaction by the test actor `name` (withTransaction). */
export function changeAs<T>(
  pool: pg.Pool,
  name: string,
  reason: string | undefined,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withTransaction(pool, testActor(name), reason, (tx) => work(tx.client));
}
