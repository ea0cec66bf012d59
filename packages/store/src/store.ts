/**
 * Opening the trial database: the embedded server on a data directory by default, or an
 * external PostgreSQL when a connection URL is given (DATABASE_URL). Migrations are applied on
 * open. Every SQL statement of the application lives in this package.
 *
 * Two roles (docs/store.md, "Roles"): the store's pool connects as the runtime role, which
 * reads and writes the trial's data but cannot change the schema, disable a trigger or write
 * the audit trail; the owner connects only to migrate (on open) and to restore. Embedded, both
 * are made by the server's setup; external, DATABASE_URL is the runtime role and
 * JIA_OWNER_DATABASE_URL the owner. With DATABASE_URL alone, that one role does everything.
 */
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { sealNow } from './audit/sealer.js';
import { STORE_TYPES, storeClient, storePool } from './connection.js';
import { type MigrationReport, migrate } from './migrate.js';
import { RUNTIME_ROLE } from './runtime-role.js';
import { type EmbeddedServer, openEmbeddedServer } from './server/embedded-server.js';

export interface StoreOptions {
  /**
   * External server (postgres://...) as the application's role. When absent, the embedded
   * server on `dataDir`.
   */
  readonly databaseUrl?: string | undefined;
  /**
   * The same database as the owner role, for migrations and restore (external servers only).
   * When absent, `databaseUrl` is used for everything.
   */
  readonly ownerDatabaseUrl?: string | undefined;
  /** Data directory of the embedded server (default ./data). */
  readonly dataDir?: string | undefined;
  /** Largest number of pooled connections (default 10). */
  readonly poolSize?: number;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
}

export interface Store {
  /** The application's connections: the runtime role. */
  readonly pool: pg.Pool;
  /** Where the data lives, for messages: the data directory or the URL without password. */
  readonly location: string;
  readonly notices: readonly string[];
  readonly migrations: MigrationReport | null;
  /** A connection setting for a second pool or a plain client on the same database, as `pool`. */
  readonly connectionConfig: pg.ClientConfig;
  /** The same as the owner role (equal to connectionConfig when one role does everything). */
  readonly ownerConnectionConfig: pg.ClientConfig;
  /**
   * Connections as the owner role, for what the runtime role may not do: restore (it suspends
   * the triggers and loads the audit tables), and tests playing an attacker with full rights.
   * Made on first use and ended by close; `pool` itself when one role does everything.
   */
  ownerPool(): pg.Pool;
  /**
   * Cancels the statements the store's pool is running (pg_cancel_backend from a connection of
   * its own): each fails with query_canceled, and its transaction is rolled back by its caller.
   * For a command interrupted by a signal.
   */
  cancelRunning(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store's settings from the environment: DATABASE_URL (and JIA_OWNER_DATABASE_URL), else
 * JIA_DATA_DIR, else ./data.
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const poolSize = Number(env.JIA_POOL_SIZE);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    ownerDatabaseUrl: env.JIA_OWNER_DATABASE_URL || undefined,
    dataDir: env.JIA_DATA_DIR || 'data',
    // The server's concurrent database work (docs/server.md); a bad value keeps the default.
    ...(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 500 ? { poolSize } : {}),
  };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

interface Connections {
  readonly runtime: pg.ClientConfig;
  /** Null: the runtime settings serve as the owner's too (DATABASE_URL alone). */
  readonly owner: pg.ClientConfig | null;
  readonly location: string;
  readonly server: EmbeddedServer | null;
}

async function connections(options: StoreOptions): Promise<Connections> {
  if (options.databaseUrl)
    return {
      runtime: { connectionString: options.databaseUrl, types: STORE_TYPES },
      owner:
        options.ownerDatabaseUrl && options.ownerDatabaseUrl !== options.databaseUrl
          ? { connectionString: options.ownerDatabaseUrl, types: STORE_TYPES }
          : null,
      location: redactUrl(options.databaseUrl),
      server: null,
    };
  if (options.ownerDatabaseUrl)
    throw new JiaError(
      'USAGE_ERROR',
      'JIA_OWNER_DATABASE_URL is set but DATABASE_URL is not: set both (the application role and the owner role of one external database), or neither for the embedded server',
    );
  const server = await openEmbeddedServer(options.dataDir ?? 'data');
  return {
    runtime: { ...server.runtimeConnection, types: STORE_TYPES },
    owner: { ...server.connection, types: STORE_TYPES },
    location: server.dataDir,
    server,
  };
}

/**
 * With two roles: the runtime role must be a member of jia_trial_runtime (else nothing would
 * work: say how to fix it), must not be a superuser (refused: DATABASE_INSECURE), and should not
 * be able to do what the owner does (else least privilege is not in force: a notice says so).
 */
async function checkRuntimeRole(pool: pg.Pool, notices: string[]): Promise<void> {
  const result = await pool.query<{
    user: string;
    member: boolean | null;
    superuser: boolean | null;
    privileged: boolean | null;
  }>(
    `SELECT current_user AS user,
            (SELECT pg_has_role(current_user, oid, 'USAGE') FROM pg_roles WHERE rolname = $1) AS member,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
            (SELECT pg_has_role(current_user, relowner, 'MEMBER') FROM pg_class
                 WHERE oid = to_regclass('audit_event'))
            OR has_schema_privilege(current_schema(), 'CREATE') AS privileged`,
    [RUNTIME_ROLE],
  );
  const row = result.rows[0];
  if (!row?.member)
    throw new JiaError(
      'PERMISSION_DENIED',
      `the database role ${row?.user ?? '(unknown)'} of DATABASE_URL is not a member of ${RUNTIME_ROLE}, which holds the application's rights: the owner or a superuser runs GRANT ${RUNTIME_ROLE} TO ${row?.user ?? 'the role'} (docs/store.md, "Roles")`,
    );
  // A superuser can do everything the audit trail guards against, undetected inside the
  // database (docs/security.md): with the owner configured apart, it is a mistake, refused.
  if (row.superuser)
    throw new JiaError(
      'DATABASE_INSECURE',
      `the database role ${row.user} of DATABASE_URL is a superuser: the application must connect as a role with only ${RUNTIME_ROLE}'s rights, the owner (JIA_OWNER_DATABASE_URL) apart (docs/security.md)`,
    );
  if (row.privileged)
    notices.push(
      `the database role ${row.user} of DATABASE_URL can change the schema (it owns the tables, or may create in the schema): least privilege is not in force; connect as a role with only ${RUNTIME_ROLE}'s rights (docs/store.md, "Roles")`,
    );
}

/** The server process ids of the pool's connections. */
function trackBackends(pool: pg.Pool): Set<number> {
  const backends = new Set<number>();
  const pidOf = (client: pg.PoolClient) => (client as { processID?: number }).processID;
  pool.on('connect', (client) => {
    const pid = pidOf(client);
    if (pid) backends.add(pid);
  });
  pool.on('remove', (client) => {
    const pid = pidOf(client);
    if (pid) backends.delete(pid);
  });
  return backends;
}

async function cancelBackends(config: pg.ClientConfig, backends: ReadonlySet<number>) {
  if (backends.size === 0) return;
  // A role may cancel its own sessions' statements (no privilege needed).
  const client = storeClient(config);
  try {
    await client.connect();
    await client.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [
      [...backends],
    ]);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const { runtime, owner, location, server } = await connections(options);
  const pool = storePool({ ...runtime, max: options.poolSize ?? 10 });
  const backends = trackBackends(pool);
  let ownerPool: pg.Pool | null = null;
  const ownerPoolOf = (): pg.Pool => {
    if (!owner) return pool;
    // Few connections: a migration, a restore, a test's attacker.
    ownerPool ??= storePool({ ...owner, max: 2 });
    return ownerPool;
  };
  const notices = [...(server?.notices ?? [])];
  try {
    const migrations = options.migrate === false ? null : await migrate(ownerPoolOf());
    if (owner) await checkRuntimeRole(pool, notices);
    // Work a crashed process committed but did not seal yet.
    if (migrations) await sealNow(pool);
    // The owner's connections are not kept for a store's lifetime: made again when needed.
    await (ownerPool as pg.Pool | null)?.end();
    ownerPool = null;
    return {
      pool,
      location,
      notices,
      migrations,
      connectionConfig: runtime,
      ownerConnectionConfig: owner ?? runtime,
      ownerPool: ownerPoolOf,
      cancelRunning: () => cancelBackends(runtime, backends),
      close: async () => {
        await sealNow(pool).catch(() => {});
        await pool.end();
        await (ownerPool as pg.Pool | null)?.end();
        await server?.release();
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    await (ownerPool as pg.Pool | null)?.end().catch(() => {});
    await server?.release().catch(() => {});
    throw error;
  }
}
