/**
 * `jia-trial audit show` (issue 16, "Command line"): a record's audit trail, or a subject's,
 * printed without psql: who, when, what changed from what to what, and why.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
describe('jia-trial audit show', () => {
  useTestDatabase();

  before(async () => {
    const imported = await runCli('import', EXAMPLE, '--study', 'pilot', '--actor', 'nurse-a');
    assert.equal(imported.code, 0, imported.stderr);
    // P01-V1's active joints corrected from 9 to 7, with a reason.
    const changed = join(scratchDir(), 'msc-pilot');
    cpSync(EXAMPLE, changed, { recursive: true });
    const visits = join(changed, 'visits.csv');
    const text = readFileSync(visits, 'utf8');
    const edited = text.replace(
      /^(P01,P01-V1,2019-03-04,,polyarticular_rf_negative,6\.2,5\.0,1\.5,)9,/m,
      '$17,',
    );
    assert.notEqual(edited, text, 'the fixture row was found');
    writeFileSync(visits, edited);
    const corrected = await runCli(
      'import',
      changed,
      '--study',
      'pilot',
      '--actor',
      'monitor-b',
      '--reason',
      'source data verification: 7 active joints in the chart',
    );
    assert.equal(corrected.code, 0, corrected.stderr);
  });

  test("a record's trail: each event with when, who, what and why, oldest first", async () => {
    const run = await runCli(
      'audit',
      'show',
      '--study',
      'pilot',
      '--table',
      'visit',
      '--key',
      'pilot/P01-V1',
    );
    assert.equal(run.code, 0, run.stderr);
    const insert = run.stdout.indexOf('insert');
    const update = run.stdout.indexOf('update');
    assert.ok(insert >= 0 && update > insert, run.stdout);
    assert.match(run.stdout, /visit pilot\/P01-V1/);
    assert.match(run.stdout, /by nurse-a/);
    assert.match(run.stdout, /by monitor-b/);
    assert.match(run.stdout, /reason: source data verification: 7 active joints in the chart/);
    assert.match(run.stdout, /active_joints: 9 -> 7/);
    assert.match(run.stdout, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/);
  });

  test('--json prints the events as data', async () => {
    const run = await runCli(
      'audit',
      'show',
      '--study',
      'pilot',
      '--table',
      'visit',
      '--key',
      'pilot/P01-V1',
      '--json',
    );
    assert.equal(run.code, 0, run.stderr);
    const events = JSON.parse(run.stdout);
    assert.deepEqual(
      events.map((e: { operation: string }) => e.operation),
      ['insert', 'update'],
    );
    assert.equal(events[1].reason, 'source data verification: 7 active joints in the chart');
  });

  test("a subject's trail: every record of the subject, its visits' joints and CHAQ too", async () => {
    const run = await runCli('audit', 'show', '--study', 'pilot', '--subject', 'P01', '--json');
    assert.equal(run.code, 0, run.stderr);
    const events: Array<{ table: string; recordKey: string }> = JSON.parse(run.stdout);
    const tables = new Set(events.map((e) => e.table));
    for (const table of ['subject', 'visit', 'medication', 'infusion', 'joint_finding'])
      assert.ok(tables.has(table), `${table} in ${[...tables].join(', ')}`);
    assert.ok(
      events.every((e) => !/P0[2-6]/.test(e.recordKey)),
      'no other subject',
    );
  });

  test('bad requests: an unknown record, an unknown table, neither or both of --key and --subject', async () => {
    const missing = await runCli(
      'audit',
      'show',
      '--study',
      'pilot',
      '--table',
      'visit',
      '--key',
      'pilot/NOPE',
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /visit pilot\/NOPE has no audit history in study pilot/);
    const table = await runCli(
      'audit',
      'show',
      '--study',
      'pilot',
      '--table',
      'nope',
      '--key',
      'x',
    );
    assert.notEqual(table.code, 0);
    assert.match(table.stderr, /nope is not an audited table/);
    const neither = await runCli('audit', 'show', '--study', 'pilot');
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /give --table and --key, or --subject/);
    const subject = await runCli('audit', 'show', '--study', 'pilot', '--subject', 'P99');
    assert.equal(subject.code, 1);
    assert.match(subject.stderr, /subject P99 has no audit history in study pilot/);
  });
});
