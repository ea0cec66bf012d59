/**
 * "Nothing lost" under SIGKILL (scripts/crash-test.ts, shortened): writer processes share the
 * embedded server of a fresh data directory, and each round the writers and the postmaster are
 * killed with SIGKILL while they write. Every write a writer saw committed must be found after
 * the restart, and the audit trail must verify.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { it } from 'node:test';
import { runCrashTest } from '../../../scripts/crash-test.js';

it('loses no acknowledged write when writers and the postmaster are killed', async () => {
  const lines: string[] = [];
  const report = await runCrashTest({
    rounds: 2,
    writers: 3,
    minKillMs: 300,
    maxKillMs: 900,
    log: (line) => lines.push(line),
  });
  const output = lines.join('\n');
  assert.equal(report.failure, null, output);
  assert.equal(report.rounds.length, 3, `2 crash rounds and the orphan round:\n${output}`);
  for (const round of report.rounds) {
    assert.ok(round.postmasterPid !== null, `round ${round.round} found the postmaster`);
    assert.ok(round.inserts > 0, `round ${round.round} acknowledged writes:\n${output}`);
    assert.deepEqual(round.lost, [], `round ${round.round} lost nothing:\n${output}`);
    assert.equal(round.found, round.acknowledgedVisits);
    assert.ok(round.auditOk, `round ${round.round} audit:\n${output}`);
    assert.deepEqual(round.writerProblems, []);
    assert.equal(round.postmasterKilled, round.round <= 2);
    const expected = round.postmasterKilled
      ? /not shut down cleanly/
      : /^adopted the database server/;
    assert.ok(
      round.notices.some((notice) => expected.test(notice)),
      `the reopened store tells of the ${round.postmasterKilled ? 'crash' : 'orphaned server'}:\n${output}`,
    );
  }
  assert.equal(report.lost, 0);
  assert.equal(report.leftRunning, null, 'no PostgreSQL server is left running');
  assert.ok(report.ok, output);
  assert.ok(!existsSync(report.dataDir), 'the temporary data directory is removed');
});
