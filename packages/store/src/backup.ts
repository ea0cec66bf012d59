/**
 * `jia-trial backup` / `restore`: a consistent point-in-time copy of the whole database,
 * clinical tables and audit trail together, taken in one REPEATABLE READ snapshot while others
 * keep writing. A backup is a directory: one file per table in COPY's text format and a
 * manifest (schema version, row counts, each file's SHA-256, the audit chain head). Restore
 * checks the files against the manifest, loads them into an empty database in one transaction
 * (audit triggers suspended for it, so that the restored trail is the original one, not a new
 * record of the load), sets the id sequences, and then verifies the audit trail. It works the
 * same on the embedded and on an external server, across PostgreSQL versions, with no pg_dump.
 * A backup needs only the runtime role's rights (it reads); a restore needs the owner's
 * (Store.ownerPool: it suspends triggers and writes the audit tables; docs/store.md, "Roles").
 */

import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { type AuditAnchor, checkAnchors, type KeyOptions, signAnchor } from './audit/anchor.js';
import { AUDITED_TABLES } from './audit/audited-tables.js';
import { sealNow, sealPending } from './audit/sealer.js';
import { type AuditReport, inspectAudit, type VerifyOptions } from './audit/verify-audit.js';
import { translateDatabaseError } from './errors.js';
import { listMigrations } from './migrate.js';
import { withSnapshot } from './transaction.js';

/**
 * The sealed randomisation tables (migration 0026_random; ADR 0047), which the runtime role
 * cannot read: a backup copies them with the owner's pool (BackupOptions.sealed). They follow the
 * list's header and come before the allocations that refer to their entries.
 */
export const SEALED_TABLES = ['randomisation_seed', 'randomisation_entry'] as const;

/** Every table, parents before children (the load order). */
export const BACKUP_TABLES = [
  ...AUDITED_TABLES.flatMap((table) =>
    table === 'randomisation_list' ? [table, ...SEALED_TABLES] : [table],
  ),
  'user_credential',
  'password_history',
  'audit_event',
  'audit_block',
  'audit_head',
] as const;
const FORMAT = 'jia-trial-backup/1';

export interface BackupManifest {
  readonly format: string;
  readonly createdAt: string;
  readonly schemaVersion: number;
  readonly auditHead: { readonly blockSeq: string; readonly hash: string };
  /**
   * The same head signed with the anchor key (anchor.ts), when the backup was made with one: a
   * manifest edited to another head, consistently with edited files, no longer verifies.
   */
  readonly signedHead?: AuditAnchor;
  readonly tables: ReadonlyArray<{
    readonly table: string;
    readonly file: string;
    readonly rows: number;
    readonly sha256: string;
  }>;
}

export interface BackupResult {
  readonly dir: string;
  readonly tables: number;
  readonly rows: number;
  readonly auditHead: BackupManifest['auditHead'];
}

function hashing(hash: ReturnType<typeof createHash>) {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

export interface BackupOptions {
  /** Sign the head with the anchor key of this key directory; `database` names the source. */
  readonly sign?: KeyOptions & { readonly database: string };
  /**
   * The owner's pool (Store.ownerPool()), to copy the sealed randomisation tables when `pool`
   * (the runtime role) may not read them. Their rows never change once written, and are written
   * in the transaction that writes their list's header: copying those of the headers in the
   * snapshot, after it, gives the snapshot's own. Without it, a database holding an allocation
   * list is refused (PERMISSION_DENIED), not backed up without its list.
   */
  readonly sealed?: pg.Pool;
}

export async function backupDatabase(
  pool: pg.Pool,
  dir: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  if (existsSync(dir))
    throw new JiaError('TARGET_EXISTS', `${dir} exists; a backup is written to a new directory`);
  const partial = `${dir}.partial`;
  // A backup holds all clinical data and the credential hashes: readable by its owner only. The
  // directory is new (mkdir without `recursive` fails on any existing name, a link included), so
  // that no one else's directory, with its mode, is filled.
  mkdirSync(dirname(partial), { recursive: true });
  try {
    mkdirSync(partial, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new JiaError(
        'TARGET_EXISTS',
        `${partial} exists (left by an interrupted backup, or put there): a backup is written only to a directory it creates; remove it and back up again`,
      );
    throw error;
  }
  // Seal what is committed, so that the recorded head covers it (later work stays pending).
  await sealNow(pool);
  const manifest = await withSnapshot(pool, async (client): Promise<BackupManifest> => {
    const version = await client.query<{ v: number }>(
      'SELECT max(version) AS v FROM schema_migration',
    );
    const head = await client.query<{ block_seq: string; hash: string; events: string }>(
      `SELECT block_seq, encode(block_hash, 'hex') AS hash,
              (SELECT coalesce(sum(event_count), 0) FROM audit_block) AS events FROM audit_head`,
    );
    const tables: Array<BackupManifest['tables'][number]> = [];
    const lists = await client.query<{ study_id: string }>(
      'SELECT study_id FROM randomisation_list ORDER BY study_id',
    );
    const studies = lists.rows.map((r) => r.study_id);
    for (const table of BACKUP_TABLES) {
      const file = `${table}.copy`;
      const hash = createHash('sha256');
      const sealed = (SEALED_TABLES as readonly string[]).includes(table);
      const readable =
        !sealed ||
        (
          await client.query<{ yes: boolean }>("SELECT has_table_privilege($1, 'SELECT') AS yes", [
            table,
          ])
        ).rows[0]?.yes === true;
      const rows = readable
        ? await copyTable(client, `COPY ${table} TO STDOUT`, hash, join(partial, file))
        : await copySealed(options.sealed, table, studies, hash, join(partial, file));
      tables.push({ table, file, rows, sha256: hash.digest('hex') });
    }
    return {
      format: FORMAT,
      createdAt: new Date().toISOString(),
      schemaVersion: version.rows[0]?.v ?? 0,
      auditHead: { blockSeq: head.rows[0]?.block_seq ?? '0', hash: head.rows[0]?.hash ?? '' },
      ...(options.sign
        ? {
            signedHead: signAnchor(
              {
                blockSeq: Number(head.rows[0]?.block_seq ?? 0),
                hash: head.rows[0]?.hash ?? '',
                events: Number(head.rows[0]?.events ?? 0),
              },
              options.sign.database,
              options.sign,
            ),
          }
        : {}),
      tables,
    };
  });
  writeFileSync(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, {
    mode: 0o600,
  });
  renameSync(partial, dir);
  return {
    dir,
    tables: manifest.tables.length,
    rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0),
    auditHead: manifest.auditHead,
  };
}

async function copyTable(
  client: pg.ClientBase,
  statement: string,
  hash: ReturnType<typeof createHash>,
  path: string,
): Promise<number> {
  const copy = client.query(copyTo(statement));
  await pipeline(copy, hashing(hash), createWriteStream(path, { mode: 0o600 }));
  return copy.rowCount;
}

/** A sealed table's rows of the snapshot's lists, copied as the owner (BackupOptions.sealed). */
async function copySealed(
  owner: pg.Pool | undefined,
  table: string,
  studies: readonly string[],
  hash: ReturnType<typeof createHash>,
  path: string,
): Promise<number> {
  if (studies.length === 0) {
    writeFileSync(path, '', { mode: 0o600 });
    return 0;
  }
  const denied = () =>
    new JiaError(
      'PERMISSION_DENIED',
      `the database holds sealed allocation lists (${studies.join(', ')}), which the application's connection may not read: a backup needs the owner's connection for them (on an external server, set JIA_OWNER_DATABASE_URL; ADR 0047)`,
    );
  if (!owner) throw denied();
  const client = await owner.connect();
  try {
    const readable = await client.query<{ yes: boolean }>(
      "SELECT has_table_privilege($1, 'SELECT') AS yes",
      [table],
    );
    if (readable.rows[0]?.yes !== true) throw denied();
    const list = studies.map((s) => client.escapeLiteral(s)).join(', ');
    return await copyTable(
      client,
      `COPY (SELECT * FROM ${table} WHERE study_id IN (${list}) ORDER BY 1, 2) TO STDOUT`,
      hash,
      path,
    );
  } finally {
    client.release();
  }
}

export interface RestoreResult {
  /** False when the restored data did not verify: it was rolled back, nothing was restored. */
  readonly restored: boolean;
  readonly rows: number;
  readonly audit: AuditReport;
}

function readManifest(dir: string): BackupManifest {
  let manifest: BackupManifest;
  if (!existsSync(dir))
    throw new JiaError('BACKUP_INVALID', `there is no backup at ${dir}: no such directory`);
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch (error) {
    throw new JiaError(
      'BACKUP_INVALID',
      `${dir} is not a jia-trial backup: ${(error as Error).message}`,
    );
  }
  if (manifest.format !== FORMAT)
    throw new JiaError('BACKUP_INVALID', `${dir}: unknown backup format ${manifest.format}`);
  // The table names go into COPY statements: only our own tables, in our order, are accepted.
  const tables = manifest.tables?.map((t) => [t.table, t.file]) ?? [];
  const expected = BACKUP_TABLES.map((table) => [table, `${table}.copy`]);
  if (JSON.stringify(tables) !== JSON.stringify(expected))
    throw new JiaError(
      'BACKUP_INVALID',
      `${dir}/manifest.json does not list this version's tables (${BACKUP_TABLES.join(', ')}) in order: not a backup this jia-trial can restore`,
    );
  return manifest;
}

async function checkFiles(dir: string, manifest: BackupManifest): Promise<void> {
  for (const entry of manifest.tables) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(dir, entry.file))) hash.update(chunk as Buffer);
    if (hash.digest('hex') !== entry.sha256)
      throw new JiaError(
        'BACKUP_INVALID',
        `${join(dir, entry.file)} does not match the manifest (damaged or altered)`,
      );
  }
}

/** A backup folder that passed checkBackup: its manifest, read once. */
export interface CheckedBackup {
  readonly dir: string;
  readonly manifest: BackupManifest;
}

/**
 * Everything about a backup that needs no database: the folder exists and is readable, its
 * manifest is one this version restores, its signed head verifies with the trusted key, and
 * every file matches the manifest. BACKUP_INVALID otherwise. `jia-trial restore` checks this
 * before it opens (and so creates) a database (issue 16).
 */
export async function checkBackup(dir: string, options: KeyOptions = {}): Promise<CheckedBackup> {
  const manifest = readManifest(dir);
  checkSignedHead(dir, manifest, options);
  const current = listMigrations().at(-1)?.version ?? 0;
  if (manifest.schemaVersion !== current)
    throw new JiaError(
      'BACKUP_INVALID',
      `the backup has schema version ${manifest.schemaVersion}, this jia-trial has ${current}: restore with the version that made it`,
    );
  await checkFiles(dir, manifest);
  return { dir, manifest };
}

/**
 * Restores a backup into a database that holds no study data and no audit events. The head and
 * the whole audit trail are verified inside the restoring transaction: a backup that does not
 * verify is rolled back and the report says why. `pool` connects as the owner
 * (Store.ownerPool()); the runtime role is refused with PERMISSION_DENIED. The backup is checked
 * first (checkBackup), unless it is given checked.
 */
export async function restoreDatabase(
  pool: pg.Pool,
  backup: string | CheckedBackup,
  options: KeyOptions & Pick<VerifyOptions, 'unsealedAlertSeconds'> = {},
): Promise<RestoreResult> {
  const { dir, manifest } =
    typeof backup === 'string' ? await checkBackup(backup, options) : backup;
  const client = await pool.connect();
  let rows = 0;
  try {
    await client.query('BEGIN');
    const used = await client.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM study) + (SELECT count(*) FROM audit_event) + (SELECT count(*) FROM app_user) AS n',
    );
    if (Number(used.rows[0]?.n) > 0)
      throw new JiaError(
        'DATABASE_NOT_EMPTY',
        'the database is not empty: restore into a new data directory or database',
      );
    // Suspended in this transaction only (DDL is transactional): other sessions wait on the lock.
    for (const table of BACKUP_TABLES)
      await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await client.query('DELETE FROM audit_head');
    for (const entry of manifest.tables) {
      const copy = client.query(copyFrom(`COPY ${entry.table} FROM STDIN`));
      await pipeline(createReadStream(join(dir, entry.file)), copy);
      rows += copy.rowCount;
    }
    for (const table of BACKUP_TABLES)
      await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    await continueSequences(client);
    const head = await client.query<{ hash: string }>(
      "SELECT encode(block_hash, 'hex') AS hash FROM audit_head",
    );
    if (head.rows.length !== 1 || head.rows[0]?.hash !== manifest.auditHead.hash)
      throw new JiaError(
        'BACKUP_INVALID',
        'the restored audit chain head differs from the one recorded in the backup',
      );
    // Work that was committed but not sealed when the backup was taken is sealed now.
    await sealPending(client);
    const audit = await inspectAudit(client, {
      ...(options.unsealedAlertSeconds === undefined
        ? {}
        : { unsealedAlertSeconds: options.unsealedAlertSeconds }),
    });
    if (!audit.ok) {
      await client.query('ROLLBACK');
      return { restored: false, rows: 0, audit };
    }
    await client.query('COMMIT');
    return { restored: true, rows, audit };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw translateDatabaseError(error);
  } finally {
    client.release();
  }
}

/**
 * A signed head must be the manifest's head, signed with the trusted anchor key (the key
 * directory's public key); a backup without one is restored as before (its head is unsigned).
 */
function checkSignedHead(dir: string, manifest: BackupManifest, options: KeyOptions): void {
  const signed = manifest.signedHead;
  if (signed === undefined) return;
  const { heads, problems } = checkAnchors([signed], options);
  const head = heads[0];
  if (problems.length > 0 || !head)
    throw new JiaError(
      'BACKUP_INVALID',
      `${dir}/manifest.json: the signed audit head does not verify (${problems.map((p) => p.message).join('; ')})`,
    );
  if (
    String(head.blockSeq) !== manifest.auditHead.blockSeq ||
    head.hash !== manifest.auditHead.hash
  )
    throw new JiaError(
      'BACKUP_INVALID',
      `${dir}/manifest.json: the audit head (block ${manifest.auditHead.blockSeq}) is not the signed one (block ${head.blockSeq}): the manifest was edited`,
    );
}

/** Identity sequences and the batch sequence continue after the restored ids. */
async function continueSequences(client: pg.PoolClient): Promise<void> {
  const sequences = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const s of sequences.rows)
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${s.column_name}) FROM ${s.table_name}), 0) + 1, false)`,
      [s.table_name, s.column_name],
    );
  // New audit batches (transaction id + offset) must start above every restored one.
  await client.query('SELECT audit_continue_batches()');
}
