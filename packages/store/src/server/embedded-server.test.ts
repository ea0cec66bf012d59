import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { isAlive, openEmbeddedServer } from './embedded-server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'jia-server-test-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function postmasterPid(): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Another process holding the server, as a second jia-trial command would. */
async function holder(): Promise<{ child: ChildProcessWithoutNullStreams; line: string }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'hold-server.fixture.ts'),
      dataDir,
    ],
    { stdio: 'pipe' },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return { child, line };
}

async function query(server: Awaited<ReturnType<typeof openEmbeddedServer>>, sql: string) {
  const client = new pg.Client(server.connection);
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded server of a data directory', () => {
  test('commands run one after the other each start and stop it', async () => {
    for (let i = 0; i < 2; i++) {
      const server = await openEmbeddedServer(dataDir);
      assert.deepEqual(await query(server, 'SELECT 1 AS one'), [{ one: 1 }]);
      assert.notEqual(postmasterPid(), null);
      await server.release();
      assert.equal(postmasterPid(), null, 'stopped when the last user is done');
    }
  });

  test('a command started while another holds the server shares it; the last one stops it', async () => {
    const { child } = await holder();
    const pid = postmasterPid();
    const server = await openEmbeddedServer(dataDir);
    assert.equal(postmasterPid(), pid, 'the same server');
    await server.release();
    assert.equal(postmasterPid(), pid, 'still running for the other process');
    child.stdin.end();
    await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(postmasterPid(), null);
  });

  test('a server orphaned by a killed process is adopted with a clear notice', async () => {
    const { child } = await holder();
    const pid = postmasterPid();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(postmasterPid(), pid, 'SIGKILL leaves the server running');
    const server = await openEmbeddedServer(dataDir);
    assert.match(
      server.notices.join('\n'),
      /adopted the database server .* left running by process \d+, which ended without stopping it/,
    );
    await server.release();
    assert.equal(postmasterPid(), null);
  });

  test('a server killed with SIGKILL is restarted, recovering from its log, with a notice', async () => {
    const first = await openEmbeddedServer(dataDir);
    await query(first, 'CREATE TABLE IF NOT EXISTS kept (n int)');
    await query(first, 'INSERT INTO kept VALUES (1)');
    process.kill(postmasterPid() as number, 'SIGKILL');
    await first.release().catch(() => {});
    const server = await openEmbeddedServer(dataDir);
    assert.match(server.notices.join('\n'), /not shut down cleanly/);
    assert.deepEqual(await query(server, 'SELECT count(*)::int AS n FROM kept'), [{ n: 1 }]);
    await query(server, 'DROP TABLE kept');
    await server.release();
  });

  test('several processes starting at once all get the same server', async () => {
    const holders = await Promise.all([holder(), holder(), holder()]);
    const ports = new Set(holders.map((h) => h.line.split(' ')[1]));
    assert.equal(ports.size, 1, 'one server');
    for (const h of holders) h.child.stdin.end();
    await Promise.all(holders.map((h) => new Promise((resolve) => h.child.on('exit', resolve))));
    assert.equal(postmasterPid(), null);
  });
});

describe('a damaged data directory', () => {
  test('is refused, not reinitialised, when PG_VERSION is missing', async () => {
    const server = await openEmbeddedServer(dataDir);
    await query(server, 'CREATE TABLE IF NOT EXISTS precious (n int)');
    await server.release();
    const { renameSync } = await import('node:fs');
    const version = join(dataDir, 'pg', 'PG_VERSION');
    renameSync(version, `${version}.moved`);
    try {
      await assert.rejects(
        openEmbeddedServer(dataDir),
        /not a complete PostgreSQL data directory \(PG_VERSION is missing\)/,
      );
    } finally {
      renameSync(`${version}.moved`, version);
    }
    const again = await openEmbeddedServer(dataDir);
    assert.deepEqual(
      await query(again, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'precious'"),
      [{ n: 1 }],
    );
    await query(again, 'DROP TABLE precious');
    await again.release();
  });
});

describe('the roles of the embedded server', () => {
  const rolesDir = mkdtempSync(join(tmpdir(), 'jia-server-roles-test-'));
  after(() => rmSync(rolesDir, { recursive: true, force: true }));
  const credentialsFile = join(rolesDir, 'credentials.json');

  async function runtimeRole(server: Awaited<ReturnType<typeof openEmbeddedServer>>) {
    const client = new pg.Client(server.runtimeConnection);
    await client.connect();
    try {
      return (
        await client.query(
          `SELECT current_user AS user, rolsuper AS super,
                  pg_has_role(current_user, 'jia_trial_runtime', 'USAGE') AS runtime
             FROM pg_roles WHERE rolname = current_user`,
        )
      ).rows[0];
    } finally {
      await client.end();
    }
  }

  test("are made for you: the owner, and the application's login in jia_trial_runtime, each with its password in credentials.json (0600)", async () => {
    const server = await openEmbeddedServer(rolesDir);
    try {
      assert.deepEqual(await runtimeRole(server), {
        user: 'jia_trial_app',
        super: false,
        runtime: true,
      });
      const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8'));
      assert.equal(credentials.password, server.connection.password);
      assert.equal(credentials.appPassword, server.runtimeConnection.password);
      assert.notEqual(credentials.password, credentials.appPassword);
      assert.equal(statSync(credentialsFile).mode & 0o777, 0o600);
    } finally {
      await server.release();
    }
  });

  test('a data directory from before the runtime role gains it on the next open', async () => {
    const server = await openEmbeddedServer(rolesDir);
    await query(server, 'DROP ROLE jia_trial_app');
    await server.release();
    const { password } = JSON.parse(readFileSync(credentialsFile, 'utf8'));
    writeFileSync(credentialsFile, JSON.stringify({ password }), { mode: 0o600 });

    const reopened = await openEmbeddedServer(rolesDir);
    try {
      assert.equal((await runtimeRole(reopened)).runtime, true);
      const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8'));
      assert.equal(credentials.password, password, "the owner's password is kept");
      assert.equal(credentials.appPassword, reopened.runtimeConnection.password);
    } finally {
      await reopened.release();
    }
  });
});
