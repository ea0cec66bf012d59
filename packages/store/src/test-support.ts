/**
 * Real PostgreSQL for tests. Every test file gets its own new database, created from a migrated
 * template, on one embedded server shared by all test processes of the run (the same sharing
 * that jia-trial commands use: the first opener starts it, the last one stops it). With
 * JIA_TEST_DATABASE_URL set, the databases are created on that external server instead (CI runs
 * the suite against Debian's PostgreSQL 15 too).
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from './migrate.js';
import { openEmbeddedServer } from './server/embedded-server.js';
import { openStore, type Store } from './store.js';
import { type Actor, withTransaction } from './transaction.js';

/** The embedded test server's data directory: under the system temp dir, which the postgres user can reach. */
export const TEST_DATA_DIR = join(tmpdir(), 'jia-trial-test-postgres');
const TEMPLATE = 'jia_trial_test_template';

export interface TestDatabase {
  readonly url: string;
  readonly store: Store;
  /** Closes the store and drops the database. */
  close(): Promise<void>;
}

async function adminUrl(): Promise<{ url: string; release: () => Promise<void> }> {
  const external = process.env.JIA_TEST_DATABASE_URL;
  if (external) return { url: external, release: async () => {} };
  const server = await openEmbeddedServer(TEST_DATA_DIR);
  const c = server.connection;
  return {
    url: `postgres://${c.user}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${c.database}`,
    release: server.release,
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates the migrated template once per server (under an advisory lock), then a copy. */
async function createFromTemplate(admin: pg.Client, url: string, name: string): Promise<void> {
  await admin.query('SELECT pg_advisory_lock(424242)');
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${TEMPLATE}`);
      const pool = new pg.Pool({ connectionString: withDatabase(url, TEMPLATE) });
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
    } else {
      // A template from an older schema (the migrations changed): migrate it forward.
      const pool = new pg.Pool({ connectionString: withDatabase(url, TEMPLATE) });
      try {
        await migrate(pool);
      } catch {
        await pool.end();
        await admin.query(`DROP DATABASE ${TEMPLATE}`);
        return createFromTemplate(admin, url, name);
      }
      await pool.end();
    }
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(424242)');
  }
}

export interface TestDatabaseOptions {
  readonly poolSize?: number;
  /**
   * A database migrated only up to this version, not from the template, and a store that does
   * not migrate it further: for tests of an upgrade.
   */
  readonly migrateUpTo?: number;
}

export async function openTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const admin = await adminUrl();
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  let store: Store;
  const url = withDatabase(admin.url, name);
  try {
    const client = new pg.Client({ connectionString: admin.url });
    await client.connect();
    try {
      if (options.migrateUpTo === undefined) await createFromTemplate(client, admin.url, name);
      else await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    if (options.migrateUpTo !== undefined) {
      const pool = new pg.Pool({ connectionString: url });
      try {
        await migrate(pool, { upTo: options.migrateUpTo });
      } finally {
        await pool.end();
      }
    }
    store = await openStore({
      databaseUrl: url,
      poolSize: options.poolSize ?? 10,
      migrate: options.migrateUpTo === undefined,
    });
  } catch (error) {
    // Release the shared server, or this process would wait on it forever.
    await admin.release();
    throw error;
  }
  return {
    url,
    store,
    close: async () => {
      await store.close();
      const drop = new pg.Client({ connectionString: admin.url });
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
