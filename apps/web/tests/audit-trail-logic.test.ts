/**
 * The audit trail page's pure rules, without a browser (src/components/audit/audit-trail.ts):
 * the filter to and from the location, the API query it becomes (`until` a day included), the
 * record types it offers (every audited table), and an event in words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RECORD_TYPES } from '@jia-trial/dictionary';
import { AUDITED_TABLES } from '../../../packages/store/src/audit/audited-tables.js';
import {
  apiQueryOf,
  changesOf,
  filterOf,
  isFiltered,
  NO_FILTER,
  queryOf,
  subjectOf,
  TABLES,
  type TrailEvent,
  whatText,
} from '../src/components/audit/audit-trail.js';
import { hrefOf, routeOf } from '../src/routes.js';

const event = (over: Partial<TrailEvent>): TrailEvent => ({
  eventId: '1',
  at: '2026-12-03T10:00:00.000000Z',
  actor: { id: 'user:1', name: 'Dana' },
  studyId: 'demo',
  siteCode: 'UMCU',
  table: 'subject',
  recordKey: 'demo/D01',
  rowId: '1',
  operation: 'update',
  reason: 'typo',
  oldValues: null,
  newValues: null,
  eventHash: 'ab',
  ...over,
});

describe('the filter in the location', () => {
  test('round trip, empty filters left out, unknown names ignored', () => {
    const filter = { ...NO_FILTER, subject: 'D01', what: 'update', until: '2026-12-03' };
    assert.equal(queryOf(filter), 'subject=D01&what=update&until=2026-12-03');
    assert.deepEqual(filterOf(`${queryOf(filter)}&page=9`), filter);
    assert.equal(queryOf(NO_FILTER), '');
    assert.equal(isFiltered(NO_FILTER), false);
    assert.equal(isFiltered({ ...NO_FILTER, user: ' ' }), false);
  });

  test('the route keeps the query; a page without one is unchanged', () => {
    const route = routeOf('#/studies/demo/audit?subject=D%2001&what=sign_in_failed');
    assert.deepEqual(route, {
      page: 'audit',
      studyId: 'demo',
      query: 'subject=D%2001&what=sign_in_failed',
    });
    assert.equal(filterOf(route.page === 'audit' ? route.query : '').subject, 'D 01');
    assert.equal(hrefOf(route), '#/studies/demo/audit?subject=D%2001&what=sign_in_failed');
    assert.equal(hrefOf({ page: 'audit', studyId: 'demo', query: '' }), '#/studies/demo/audit');
    assert.deepEqual(routeOf('#/studies/demo/quality'), { page: 'quality', studyId: 'demo' });
  });
});

describe("the API's query", () => {
  test('an operation or a security event kind; until is the next midnight, excluded', () => {
    assert.deepEqual(apiQueryOf({ ...NO_FILTER, what: 'delete', from: '2026-01-01' }), {
      operation: 'delete',
      from: '2026-01-01',
    });
    assert.deepEqual(apiQueryOf({ ...NO_FILTER, what: 'sign_in_failed' }), {
      kind: 'sign_in_failed',
    });
    assert.deepEqual(apiQueryOf({ ...NO_FILTER, until: '2026-02-28' }), { to: '2026-03-01' });
    assert.deepEqual(apiQueryOf({ ...NO_FILTER, until: '2024-12-31' }), { to: '2025-01-01' });
  });

  test('a value the API refuses is passed as typed, for its refusal to name it', () => {
    assert.deepEqual(apiQueryOf({ ...NO_FILTER, until: '3 Dec' }), { to: '3 Dec' });
    assert.deepEqual(apiQueryOf({ ...NO_FILTER, what: 'upsert' }), { operation: 'upsert' });
  });
});

test('the record types offered are every audited table, each once', () => {
  const offered = TABLES.map((t) => t.value);
  assert.deepEqual([...offered].sort(), [...AUDITED_TABLES].sort());
  assert.equal(new Set(offered).size, offered.length);
  assert.ok(RECORD_TYPES.every((r) => offered.includes(r.id)));
});

describe('an event in words', () => {
  test('a change: labelled fields, coded values in words, bookkeeping left out', () => {
    const changed = event({
      oldValues: { sex: 'M', version: 1, subject_id: 'D01' },
      newValues: { sex: 'F', version: 2, subject_id: 'D01' },
    });
    assert.deepEqual(changesOf(changed), [{ field: 'Sex', old: 'Male', new: 'Female' }]);
    assert.equal(whatText(changed), 'Changed');
    assert.equal(subjectOf('demo', changed), 'D01');
  });

  test('a security event: its kind in words, its facts as new values', () => {
    const failed = event({
      table: 'security_event',
      recordKey: 'dora',
      siteCode: null,
      operation: 'insert',
      reason: null,
      newValues: { kind: 'sign_in_failed', username: 'dora', outcome: 'invalid' },
    });
    assert.equal(whatText(failed), 'Failed sign-in');
    assert.deepEqual(changesOf(failed), [
      { field: 'username', old: null, new: 'dora' },
      { field: 'outcome', old: null, new: 'invalid' },
    ]);
    assert.equal(subjectOf('demo', failed), null);
  });

  test("a visit names its subject; the subject record's key is the subject", () => {
    assert.equal(
      subjectOf(
        'demo',
        event({ table: 'visit', recordKey: 'demo/D02-BL', newValues: { subject_id: 'D02' } }),
      ),
      'D02',
    );
    assert.equal(subjectOf('demo', event({ recordKey: 'demo/D07' })), 'D07');
  });
});
