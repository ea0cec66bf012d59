/**
 * The DATABASE_URL path, against a different PostgreSQL than the embedded one: Debian's
 * PostgreSQL (15 on this image; .ci/run installs the `postgresql` package when it is missing).
 * The same migrations, import, export, audit verification and backup/restore must work there:
 * with DATABASE_URL alone (a superuser, as before the roles), and with the two roles an
 * operator makes with the SQL of docs/store.md ("Roles"), run here as written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RECORD_TYPES, STUDY_FILE } from '@jia-trial/dictionary';
import { type EmbeddedServer, openEmbeddedServer } from '@jia-trial/store';
import pg from 'pg';
import { runCli, scratchDir } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
const DEBIAN_POSTGRES = '/usr/lib/postgresql';

function debianBinDir(): string {
  const versions = existsSync(DEBIAN_POSTGRES)
    ? readdirSync(DEBIAN_POSTGRES).filter((v) =>
        existsSync(join(DEBIAN_POSTGRES, v, 'bin', 'initdb')),
      )
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  assert.ok(
    newest,
    `no Debian PostgreSQL server under ${DEBIAN_POSTGRES}: apt-get install postgresql`,
  );
  return join(DEBIAN_POSTGRES, newest, 'bin');
}

let server: EmbeddedServer;
const dataDir = mkdtempSync(join(tmpdir(), 'jia-external-pg-'));

function urlFor(database: string): string {
  const c = server.connection;
  return `postgres://${c.user}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${database}`;
}

before(async () => {
  server = await openEmbeddedServer(dataDir, { binDir: debianBinDir() });
  const admin = new pg.Client(server.connection);
  await admin.connect();
  await admin.query('CREATE DATABASE restored');
  await admin.end();
});
after(async () => {
  delete process.env.DATABASE_URL;
  delete process.env.JIA_OWNER_DATABASE_URL;
  await server.release();
  rmSync(dataDir, { recursive: true, force: true });
});

test('on an external PostgreSQL: migrate, import, verify, export, backup and restore', async () => {
  process.env.DATABASE_URL = urlFor(server.connection.database);
  const version = await new pg.Client(server.connection);
  await version.connect();
  const major = (await version.query('SHOW server_version_num')).rows[0].server_version_num;
  await version.end();
  assert.notEqual(
    major.slice(0, 2),
    '18',
    'this test is about a PostgreSQL other than the embedded 18',
  );

  const migrate = await runCli('migrate');
  assert.equal(migrate.code, 0, migrate.stderr);
  assert.match(migrate.stdout, /schema version \d+; applied 0001_audit_trail, 0002_trial_schema/);
  assert.equal((await runCli('import', EXAMPLE, '--study', 'pilot')).code, 0);
  const verify = await runCli('verify-audit');
  assert.equal(verify.code, 0, verify.stdout);

  const out = join(scratchDir(), 'export');
  assert.equal((await runCli('export', '--out', out)).code, 0);
  assert.deepEqual(
    readdirSync(out).sort(),
    [...RECORD_TYPES.map((r) => r.file), STUDY_FILE].sort(),
  );
  const backup = join(scratchDir(), 'backup');
  assert.equal((await runCli('backup', backup)).code, 0);

  process.env.DATABASE_URL = urlFor('restored');
  const restored = await runCli('restore', backup);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /audit trail intact/);
  const again = join(scratchDir(), 'export-restored');
  assert.equal((await runCli('export', '--out', again)).code, 0);
  for (const file of readdirSync(out))
    assert.equal(
      readFileSync(join(again, file), 'utf8'),
      readFileSync(join(out, file), 'utf8'),
      file,
    );

  // Tampering on this server is found as well.
  const client = new pg.Client(urlFor('restored'));
  await client.connect();
  await client.query('SET session_replication_role = replica');
  await client.query("UPDATE visit SET esr = 1 WHERE visit_id = 'P03-V2'");
  await client.end();
  const broken = await runCli('verify-audit');
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /BROKEN visit pilot\/P03-V2: differs from its last audit event/);
});

/** The SQL blocks of docs/store.md's "Roles" section: the server's, then the new database's. */
function operatorSql(): string[] {
  const doc = readFileSync(join(import.meta.dirname, '../../../../docs/store.md'), 'utf8');
  const roles = doc.slice(doc.indexOf('## Roles'), doc.indexOf('## Migrations'));
  return [...roles.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

/** A statement's URL with another login and database. */
function urlAs(user: string, password: string, database: string): string {
  const c = server.connection;
  return `postgres://${user}:${encodeURIComponent(password)}@${c.host}:${c.port}/${database}`;
}

test('with the two roles of docs/store.md: the owner migrates and restores, the runtime role works and cannot disable the audit triggers', async () => {
  const [serverSql, databaseSql] = operatorSql();
  assert.ok(serverSql && databaseSql, 'docs/store.md, "Roles", has the two SQL blocks');
  const admin = new pg.Client(server.connection);
  await admin.connect();
  try {
    for (const statement of serverSql
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean))
      await admin.query(statement).catch((error: { code?: string }) => {
        // The embedded setup of this server made the runtime role already.
        if (!(error.code === '42710' && /jia_trial_runtime/.test(statement))) throw error;
      });
    await admin.query('CREATE DATABASE trial_restored OWNER jia_owner');
  } finally {
    await admin.end();
  }
  const inTrial = new pg.Client({ ...server.connection, database: 'trial' });
  await inTrial.connect();
  await inTrial.query(databaseSql);
  await inTrial.end();

  process.env.DATABASE_URL = urlAs('jia_app', 'change-me-app', 'trial');
  process.env.JIA_OWNER_DATABASE_URL = urlAs('jia_owner', 'change-me-owner', 'trial');
  const migrate = await runCli('migrate');
  assert.equal(migrate.code, 0, migrate.stderr);
  assert.match(migrate.stdout, /applied 0001_audit_trail, .*0008_runtime_role/);
  assert.equal(migrate.stderr, '', 'no notice: least privilege is in force');
  const imported = await runCli('import', EXAMPLE, '--study', 'pilot');
  assert.equal(imported.code, 0, imported.stderr);
  const verify = await runCli('verify-audit');
  assert.equal(verify.code, 0, verify.stdout);

  // The application's role, on its own connection: every way to stop or bypass the trail fails.
  const app = new pg.Client(process.env.DATABASE_URL);
  await app.connect();
  try {
    for (const sql of [
      'ALTER TABLE visit DISABLE TRIGGER ALL',
      'ALTER TABLE visit DISABLE TRIGGER audit_update',
      'DROP TRIGGER audit_update ON visit',
      'SET session_replication_role = replica',
      "UPDATE audit_event SET actor = 'someone else'",
      'DELETE FROM audit_event',
      'UPDATE audit_head SET block_seq = 0',
      'TRUNCATE visit CASCADE',
      'CREATE TABLE shadow (a integer)',
    ])
      await assert.rejects(
        app.query(sql),
        (error: { code?: string }) => error.code === '42501',
        sql,
      );
    const triggers = await app.query(
      "SELECT count(*)::int AS n FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'",
    );
    assert.equal(triggers.rows[0].n, 0, 'every trigger is still enabled');
  } finally {
    await app.end();
  }
  assert.equal((await runCli('verify-audit')).code, 0);

  const backup = join(scratchDir(), 'backup-roles');
  const backedUp = await runCli('backup', backup);
  assert.equal(backedUp.code, 0, backedUp.stderr);
  // Restoring needs the owner: refused with DATABASE_URL alone (the runtime role) ...
  process.env.DATABASE_URL = urlAs('jia_app', 'change-me-app', 'trial_restored');
  delete process.env.JIA_OWNER_DATABASE_URL;
  // (the owner migrates the new database first: the runtime role may not)
  const refusedMigration = await runCli('migrate');
  assert.equal(refusedMigration.code, 1);
  assert.match(refusedMigration.stderr, /PERMISSION_DENIED|permission denied/);
  process.env.JIA_OWNER_DATABASE_URL = urlAs('jia_owner', 'change-me-owner', 'trial_restored');
  const restored = await runCli('restore', backup);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /audit trail intact/);
});
