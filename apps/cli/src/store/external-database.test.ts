/**
 * The DATABASE_URL path, against a different PostgreSQL than the embedded one: Debian's
 * PostgreSQL (15 on this image; .ci/run installs the `postgresql` package when it is missing).
 * The same migrations, import, export, audit verification and backup/restore must work there.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
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
  assert.equal(readdirSync(out).length, 8);
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
