/**
 * Opening the trial database: the embedded server on a data directory by default, or an
 * external PostgreSQL when a connection URL is given (DATABASE_URL). Migrations are applied on
 * open. Every SQL statement of the application lives in this package.
 */
import pg from 'pg';
import { sealNow } from './audit/sealer.js';
import { type MigrationReport, migrate } from './migrate.js';
import { type EmbeddedServer, openEmbeddedServer } from './server/embedded-server.js';

// numeric and date columns stay text: exact decimals (docs/adr/0002) and calendar dates with
// no time zone. bigint (int8) stays text too, row ids are compared, never computed with.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export interface StoreOptions {
  /** External server (postgres://...). When absent, the embedded server on `dataDir`. */
  readonly databaseUrl?: string | undefined;
  /** Data directory of the embedded server (default ./data). */
  readonly dataDir?: string | undefined;
  /** Largest number of pooled connections (default 10). */
  readonly poolSize?: number;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean;
}

export interface Store {
  readonly pool: pg.Pool;
  /** Where the data lives, for messages: the data directory or the URL without password. */
  readonly location: string;
  readonly notices: readonly string[];
  readonly migrations: MigrationReport | null;
  /** A connection setting for a second pool or a plain client on the same database. */
  readonly connectionConfig: pg.ClientConfig;
  close(): Promise<void>;
}

/** The store's settings from the environment: DATABASE_URL, else JIA_DATA_DIR, else ./data. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.JIA_DATA_DIR || 'data',
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

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  let server: EmbeddedServer | null = null;
  let config: pg.ClientConfig;
  let location: string;
  if (options.databaseUrl) {
    config = { connectionString: options.databaseUrl };
    location = redactUrl(options.databaseUrl);
  } else {
    server = await openEmbeddedServer(options.dataDir ?? 'data');
    config = { ...server.connection };
    location = server.dataDir;
  }
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
  // A dropped idle connection (server restart) must not crash the process; the next query fails.
  pool.on('error', () => {});
  try {
    const migrations = options.migrate === false ? null : await migrate(pool);
    // Work a crashed process committed but did not seal yet.
    if (migrations) await sealNow(pool);
    return {
      pool,
      location,
      notices: server?.notices ?? [],
      migrations,
      connectionConfig: config,
      close: async () => {
        await sealNow(pool).catch(() => {});
        await pool.end();
        await server?.release();
      },
    };
  } catch (error) {
    await pool.end().catch(() => {});
    await server?.release().catch(() => {});
    throw error;
  }
}
