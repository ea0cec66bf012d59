/**
 * A data directory a failed command made (issue 16: "no command leaves an empty data directory
 * behind"). When a command finds no embedded data directory, opening the store creates one (a
 * whole database cluster); if the command then fails having stored nothing, the directory is
 * removed. Removed only when it is safe: the database held no study, no audit event and no
 * account when the command failed, and, once the store is closed, no server runs on it (another
 * jia-trial process that came to use it meanwhile keeps its server running, and so the folder).
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Store, StoreOptions } from '@jia-trial/store';

/** The embedded data directory these options would create, or null (it exists, or a URL). */
export function dataDirToCreate(options: StoreOptions): string | null {
  if (options.databaseUrl) return null;
  const dir = resolve(options.dataDir ?? 'data');
  return existsSync(dir) ? null : dir;
}

/** Whether the store holds nothing: no study, no audit event, no account. */
export async function holdsNothing(store: Store): Promise<boolean> {
  const found = await store.pool.query<{ n: string }>(
    'SELECT (SELECT count(*) FROM study) + (SELECT count(*) FROM audit_event) + (SELECT count(*) FROM app_user) AS n',
  );
  return Number(found.rows[0]?.n) === 0;
}

/** Removes the directory the command created, when no server runs on it (see the header). */
export function removeCreatedDataDir(dir: string): void {
  if (existsSync(join(dir, 'pg', 'postmaster.pid')) || existsSync(join(dir, 'start.lock'))) return;
  rmSync(dir, { recursive: true, force: true });
}
