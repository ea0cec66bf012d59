import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReviewedEvent } from '@jia-trial/store';
import { parse } from 'csv-parse/sync';
import { auditTrailFile } from './audit-trail-file.js';

const event: ReviewedEvent = {
  eventId: '7',
  at: '2026-12-03T10:00:00.123456Z',
  actor: { id: 'user:3', name: '@evil' },
  studyId: 'S',
  siteCode: 'A',
  table: 'visit',
  recordKey: 'S/V1',
  rowId: '1',
  operation: 'update',
  reason: '=HYPERLINK("http://x","y")',
  oldValues: { esr: 40, note: 'a,"b"' },
  newValues: { esr: -1 },
  eventHash: 'ab'.repeat(32),
};

test('CSV: one header and one row per event, text cells neutralised, values as JSON', () => {
  const file = auditTrailFile('csv');
  const text = file.start() + file.events([event]) + file.events([]) + file.end();
  const [row, ...rest] = parse(text, { columns: true }) as Record<string, string>[];
  assert.equal(rest.length, 0);
  assert.equal(row?.reason, `'=HYPERLINK("http://x","y")`);
  assert.equal(row?.actor, "'@evil");
  assert.deepEqual(JSON.parse(row?.old_values ?? ''), event.oldValues);
  assert.equal(row?.new_values, '{"esr":-1}', 'a JSON object cell starts with { and is left alone');
  assert.equal(row?.site_code, 'A');
});

test('JSON: an array of the events as given, across pages', () => {
  const file = auditTrailFile('json');
  const text =
    file.start() + file.events([event]) + file.events([{ ...event, eventId: '8' }]) + file.end();
  assert.deepEqual(JSON.parse(text), [event, { ...event, eventId: '8' }]);
  const empty = auditTrailFile('json');
  assert.deepEqual(JSON.parse(empty.start() + empty.end()), []);
});
