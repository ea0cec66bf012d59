/**
 * Versioned migrations: `migrations/NNNN_name.sql`, applied in order, each in its own
 * transaction, under an advisory lock so that two processes starting together apply each once.
 * A migration already applied whose file has since changed is an error: history is not rewritten,
 * a change is a new migration. They run as the owner role (docs/store.md, "Roles"); when they
 * bring the schema to this version's latest, the runtime role's privileges are granted anew in
 * the last one's transaction (runtime-role.ts), so that a schema change and its privileges are
 * committed together or not at all.
 */

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { grantRuntimePrivileges } from './runtime-role.js';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
/** Any constant: the key of the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 741_852_963;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly current: number;
}

export interface MigrateOptions {
  /** Stop after this version (tests of upgrades start from an older schema). Default: all. */
  readonly upTo?: number;
}

/** One migration in its own transaction, and its record in schema_migration. */
async function applyMigration(
  client: pg.PoolClient,
  migration: Migration,
  grant: boolean,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      'INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)',
      [migration.version, migration.name, migration.checksum],
    );
    if (grant) await grantRuntimePrivileges(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    if (error instanceof JiaError) throw error;
    const { code, hint } = error as { code?: string; hint?: string };
    const message = `migration ${migration.version}_${migration.name} failed: ${(error as Error).message}${hint ? ` (${hint})` : ''}`;
    // A role without a right the migration needs: the runtime role (migrations are the owner's),
    // or an owner that may not create the runtime role.
    if (code === '42501') throw ownerNeeded(message, error);
    throw new Error(message);
  }
}

/** A migration step refused for want of a privilege: migrations are the owner's. */
function ownerNeeded(message: string, cause: unknown): JiaError {
  return new JiaError(
    'PERMISSION_DENIED',
    `${message}; migrations run as the owner role (JIA_OWNER_DATABASE_URL, docs/store.md "Roles")`,
    { cause },
  );
}

export async function migrate(
  pool: pg.Pool,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    // Created only when missing: the runtime role alone (DATABASE_URL without an owner) may
    // open a database that is up to date, and may not create anything.
    const exists = await client.query<{ found: boolean }>(
      "SELECT to_regclass('schema_migration') IS NOT NULL AS found",
    );
    if (!exists.rows[0]?.found)
      await client
        .query(`CREATE TABLE IF NOT EXISTS schema_migration (
          version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now())`)
        .catch((error: { code?: string; message?: string }) => {
          throw error.code === '42501'
            ? ownerNeeded(`creating schema_migration: ${error.message}`, error)
            : error;
        });
    const done = new Map(
      (
        await client.query<{ version: number; name: string; checksum: string }>(
          'SELECT version, name, checksum FROM schema_migration',
        )
      ).rows.map((row) => [row.version, row]),
    );
    const all = listMigrations();
    const migrations = all.filter((m) => m.version <= (options.upTo ?? Number.POSITIVE_INFINITY));
    const known = new Set(all.map((m) => m.version));
    for (const version of done.keys())
      if (!known.has(version))
        throw new JiaError(
          'SCHEMA_MISMATCH',
          `the database has migration ${version}, which this version of jia-trial does not know: it was written by a newer version`,
        );
    const applied: string[] = [];
    const latest = all.at(-1)?.version;
    const pending = migrations.filter((m) => !done.has(m.version));
    for (const migration of migrations) {
      const previous = done.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum)
          throw new JiaError(
            'SCHEMA_MISMATCH',
            `migration ${migration.version}_${migration.name} was changed after it was applied (checksum ${previous.checksum.slice(0, 12)} in the database, ${migration.checksum.slice(0, 12)} on disk)`,
          );
        continue;
      }
      // The runtime role's privileges are granted with the last migration to this version's
      // latest schema, in its transaction.
      const grant = migration === pending.at(-1) && migration.version === latest;
      await applyMigration(client, migration, grant);
      applied.push(`${String(migration.version).padStart(4, '0')}_${migration.name}`);
    }
    return { applied, current: migrations.at(-1)?.version ?? 0 };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
