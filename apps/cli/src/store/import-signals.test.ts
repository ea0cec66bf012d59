/**
 * An import stopped by a signal stops what it started. Ctrl-C (SIGINT) or SIGTERM: the running
 * statement is cancelled, the transaction rolled back, and the embedded PostgreSQL that the
 * command started is stopped (the command exits with INTERRUPTED). SIGKILL cannot be caught: the
 * server then ends the killed command's query within about a second (it checks that the client
 * is still there, client_connection_check_interval) instead of running it to its end.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, openEmbeddedServer } from '@jia-trial/store';
import pg from 'pg';
import { scratchDir } from '../test-support.js';
import { writeLargeBundle } from './large-bundle.js';

// Under the system temp dir: the postgres user must reach it when the tests run as root.
const dataDir = mkdtempSync(join(tmpdir(), 'jia-import-signals-'));
after(async () => {
  // Whatever a killed command left running is stopped (adopted, then released).
  const server = await openEmbeddedServer(dataDir);
  await server.release();
  rmSync(dataDir, { recursive: true, force: true });
});

function postmaster(): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    return isAlive(pid) ? { pid, port: Number(lines[3]) } : null;
  } catch {
    return null;
  }
}

/** A connection to the data directory's running server as its owner. */
async function ownerClient(): Promise<pg.Client> {
  const running = postmaster();
  assert.ok(running, 'the server runs');
  const { password } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
  const client = new pg.Client({
    host: '127.0.0.1',
    port: running.port,
    user: 'jia_trial',
    password,
    database: 'jia_trial',
  });
  await client.connect();
  return client;
}

function startImport(
  dir: string,
  study: string,
): {
  child: ChildProcess;
  output: Promise<{ code: number | null; signal: string | null; stderr: string }>;
} {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'cli-process.fixture.ts'),
      'import',
      dir,
      '--study',
      study,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JIA_DATA_DIR: dataDir, DATABASE_URL: '' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const output = new Promise<{ code: number | null; signal: string | null; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, output };
}

/** The pid of the backend running `pattern`, once the server is up and it runs (within 120 s). */
async function backendRunning(pattern: string): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (postmaster()) {
      const client = await ownerClient().catch(() => null);
      if (client)
        try {
          const found = await client.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query ~ $1",
            [pattern],
          );
          if (found.rows[0]) return found.rows[0].pid;
        } finally {
          await client.end();
        }
    }
    await sleep(50);
  }
  assert.fail(`no backend ran ${pattern} within 120 s`);
}

describe('an import stopped by a signal', () => {
  // 400,000 visits: an INSERT of several seconds, long enough to interrupt.
  const bundle = writeLargeBundle(join(scratchDir(), 'big'), 8000, 50);

  test('SIGINT: the statement is cancelled, nothing is stored, and the server the command started is stopped', {
    timeout: 240_000,
  }, async () => {
    const { child, output } = startImport(bundle, 'big');
    await backendRunning('^INSERT INTO visit');
    child.kill('SIGINT');
    const result = await output;
    assert.equal(result.signal, null, `ended by ${result.signal}, not by itself: ${result.stderr}`);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /jia-trial: interrupted by SIGINT: the running statement was cancelled and the transaction rolled back; nothing was imported/,
    );
    assert.equal(postmaster(), null, 'the embedded server was stopped');
    const server = await openEmbeddedServer(dataDir);
    try {
      const client = new pg.Client(server.connection);
      await client.connect();
      const found = await client.query(
        "SELECT count(*)::int AS n FROM study WHERE study_id = 'big'",
      );
      await client.end();
      assert.equal(found.rows[0].n, 0);
    } finally {
      await server.release();
    }
  });

  test("SIGKILL: the server ends the killed command's query within seconds, not at its end", {
    timeout: 240_000,
  }, async () => {
    const { child, output } = startImport(bundle, 'big');
    const pid = await backendRunning('^INSERT INTO visit');
    child.kill('SIGKILL');
    await output;
    const killedAt = Date.now();
    const client = await ownerClient();
    try {
      for (;;) {
        const left = await client.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (left.rowCount === 0) break;
        assert.ok(
          Date.now() - killedAt < 5_000,
          'the backend still runs 5 s after its client was killed',
        );
        await sleep(100);
      }
    } finally {
      await client.end();
    }
  });
});
