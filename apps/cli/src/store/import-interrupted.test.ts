/**
 * An import whose database goes away, or that is interrupted, ends cleanly: a lost connection is
 * DATABASE_UNAVAILABLE in the one error shape (no unhandled 'error' event with a stack trace).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';
import { writeLargeBundle } from './large-bundle.js';

const database = useTestDatabase();

/** Terminates the first backend seen running `statement` (a pattern), as a crashing server would. */
async function terminateWhenRunning(statement: string): Promise<boolean> {
  const owner = database().store.ownerPool();
  for (let attempt = 0; attempt < 600; attempt++) {
    const found = await owner.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
          AND query ~ $1`,
      [statement],
    );
    const pid = found.rows[0]?.pid;
    if (pid !== undefined) {
      await owner.query('SELECT pg_terminate_backend($1)', [pid]);
      return true;
    }
    await sleep(10);
  }
  return false;
}

describe('an import whose database connection dies', () => {
  for (const statement of ['^COPY stage_visit', '^INSERT INTO visit']) {
    test(`mid-import (${statement}): DATABASE_UNAVAILABLE, no unhandled error, nothing stored`, async () => {
      const dir = writeLargeBundle(join(scratchDir(), 'big'), 2000, 40);
      const [result, terminated] = await Promise.all([
        runCli('import', dir, '--study', 'big', '--json'),
        terminateWhenRunning(statement),
      ]);
      assert.ok(terminated, 'the import was seen running');
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const error = JSON.parse(result.stdout).error;
      assert.equal(error.code, 'DATABASE_UNAVAILABLE', error.message);
      assert.match(
        error.message,
        /^the connection to the database was lost \(.+\); the import is one transaction/,
      );
      assert.doesNotMatch(result.stderr, /Unhandled|at .*\.js:\d+/);
      const stored = await database().store.pool.query(
        "SELECT count(*)::int AS n FROM study WHERE study_id = 'big'",
      );
      assert.equal(stored.rows[0].n, 0);
    });
  }
});
