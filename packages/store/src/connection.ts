/**
 * How the store connects. Every pool and client this package makes parses values with
 * STORE_TYPES, given to it through pg's per-connection `types` option: pg's process-wide
 * parsers (pg.types.setTypeParser) are left alone, so that another pg client in the same
 * process (a caller's own, a library's) keeps pg's defaults.
 */
import pg from 'pg';

const keepText = (value: string): string => value;

/**
 * pg's parsers, except that a date stays its 'YYYY-MM-DD' text: a calendar date has no time
 * zone, and pg's default would make it a Date at local midnight. numeric and bigint (int8)
 * already stay text with pg's defaults: exact decimals (docs/adr/0002), and row ids are
 * compared, never computed with.
 */
export const STORE_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.DATE && (format ?? 'text') === 'text'
      ? keepText
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A lost connection is reported by the query that was using it (it fails, and the store turns
 * the failure into DATABASE_UNAVAILABLE, errors.ts). node-postgres also emits it as an 'error'
 * event on the client, which without a listener ends the process with a stack trace ("Unhandled
 * 'error' event"): every client of the store has this listener.
 */
const reportedByTheQuery = (): void => {};

/**
 * A pool of the store's: its parsers, and no crash when the server drops a connection (idle, or
 * in use: the query fails instead).
 */
export function storePool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ ...config, types: STORE_TYPES });
  // A dropped idle connection (server restart) must not crash the process; the next query fails.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', reportedByTheQuery));
  return pool;
}

/** A single client of the store's (administration: databases, roles, the server's lease). */
export function storeClient(config: pg.ClientConfig): pg.Client {
  const client = new pg.Client({ ...config, types: STORE_TYPES });
  client.on('error', reportedByTheQuery);
  return client;
}
