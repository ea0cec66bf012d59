/**
 * The review parts' pure rules, without a browser: record keys as the audit trail writes them,
 * the changed fields of an audit event, a query's thread and the steps its state allows, and
 * the report's numbers in words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AuditBody, auditRows, changedFields } from '../src/components/review/audit-view.js';
import {
  allowedSteps,
  type QueriesBody,
  queriesOfVisit,
  queryItems,
} from '../src/components/review/query-data.js';
import { fieldLabel, recordKeyOf } from '../src/components/review/record-keys.js';
import {
  proportionText,
  pText,
  ratioIntervalText,
  ratioText,
  summaryText,
} from '../src/components/review/report-format.js';

describe('record keys', () => {
  test('as the audit trail writes them (apps/server api.test.ts: demo/D01-W8)', () => {
    assert.equal(recordKeyOf('demo', 'visit', { visitId: 'D01-W8' }), 'demo/D01-W8');
    assert.equal(
      recordKeyOf('demo', 'infusion', { subjectId: 'D01', infusionDate: '2015-06-08' }),
      'demo/D01/2015-06-08',
    );
    assert.equal(recordKeyOf('demo', 'adverse_event', { aeId: 'AE-014' }), 'demo/AE-014');
    assert.throws(() => recordKeyOf('demo', 'infusion', { subjectId: 'D01' }), RangeError);
  });
  test('a field by its dictionary name reads as its label', () => {
    assert.match(fieldLabel('visit', 'visit_date'), /Visit date/);
    assert.equal(fieldLabel('visit', 'no_such_field'), 'no such field');
  });
});

describe('audit events', () => {
  test('only the fields that changed, the bookkeeping left out', () => {
    assert.deepEqual(
      changedFields(
        { esr: 14, crp: 4, version: 1, row_id: '7' },
        { esr: 99, crp: 4, version: 2, row_id: '7' },
      ),
      [{ field: 'esr', old: '14', new: '99' }],
    );
    assert.deepEqual(changedFields(null, { term: 'Fever', grade: null }), [
      { field: 'term', old: null, new: 'Fever' },
    ]);
  });
  test('who, when, what and why', () => {
    const body = {
      events: [
        {
          eventId: '5',
          at: '2017-12-31T10:00:00.123456Z',
          actor: { id: 'user:3', name: 'Test ivan' },
          operation: 'update',
          reason: 'transcription error',
          oldValues: { esr: '14' },
          newValues: { esr: '15' },
        },
      ],
    } as unknown as AuditBody;
    assert.deepEqual(auditRows(body), [
      {
        eventId: '5',
        at: '2017-12-31T10:00:00.123456Z',
        who: 'Test ivan',
        operation: 'update',
        reason: 'transcription error',
        changes: [{ field: 'esr', old: '14', new: '15' }],
      },
    ]);
  });
});

describe('queries', () => {
  const step = (name: string, at: string) => ({ by: { id: 'u', name }, at });
  const body = {
    counts: { open: 1, answered: 0, closed: 1 },
    queries: [
      {
        queryId: 'Q-1',
        status: 'open',
        table: 'visit',
        recordKey: 'demo/D01-W8',
        field: 'esr',
        siteCode: 'UMCU',
        question: 'Please confirm',
        response: 'Confirmed',
        version: 4,
        raised: step('Mona', '2017-12-31T09:00:00Z'),
        answered: step('Ivan', '2017-12-31T10:00:00Z'),
        closed: null,
        reopened: step('Dana', '2017-12-31T11:00:00Z'),
      },
      {
        queryId: 'Q-2',
        status: 'closed',
        table: 'joint_finding',
        recordKey: 'demo/D01-W8/knee_l',
        field: null,
        siteCode: 'UMCU',
        question: 'Swollen?',
        response: null,
        version: 2,
        raised: step('Mona', '2017-12-31T09:00:00Z'),
        answered: null,
        closed: step('Mona', '2017-12-31T09:30:00Z'),
        reopened: null,
      },
      { queryId: 'Q-3', status: 'open', table: 'infusion', recordKey: 'demo/D01-W8/x' },
    ],
  } as unknown as QueriesBody;

  test('a thread in time order, the question and answer with their steps', () => {
    const [q1] = queryItems(body);
    assert.deepEqual(
      q1?.thread.map((s) => [s.step, s.by, s.text]),
      [
        ['raised', 'Mona', 'Please confirm'],
        ['answered', 'Ivan', 'Confirmed'],
        ['reopened', 'Dana', null],
      ],
    );
    assert.equal(q1?.version, 4);
  });
  test("a visit's queries are on the visit or its parts, not on another record type", () => {
    assert.deepEqual(
      queriesOfVisit(queryItems(body), 'demo/D01-W8').map((q) => q.queryId),
      ['Q-1', 'Q-2'],
    );
  });
  test('the steps each state allows (packages/store review/queries.ts)', () => {
    assert.deepEqual(allowedSteps('open'), ['answer', 'close']);
    assert.deepEqual(allowedSteps('answered'), ['close', 'reopen']);
    assert.deepEqual(allowedSteps('closed'), ['reopen']);
  });
});

describe("the report's numbers in words", () => {
  test('p-values, summaries and proportions; a missing number is a dash', () => {
    assert.equal(pText(0.057373046875), '0.057');
    assert.equal(pText(0.0001), '< 0.001');
    assert.equal(pText(null), '—');
    assert.equal(
      summaryText({ n: 6, median: 8.5, q25: 7.25, q75: 11.25, min: 5, max: 16 }),
      '8.5 (7.25–11.25), range 5–16, n = 6',
    );
    assert.equal(
      proportionText({ x: 3, n: 6, estimate: 0.5, ci: [0.118, 0.882] }),
      '3 / 6 = 50% (95% CI 12%–88%)',
    );
  });
  test('an unbounded rate ratio reads as not estimable, its open bound as infinite', () => {
    assert.equal(
      ratioText({ estimate: null, notEstimable: 'no_aes_before' }),
      'not estimable (no AEs before, every one after: unbounded)',
    );
    assert.equal(ratioText({ estimate: 0.27, notEstimable: null }), '0.27');
    assert.equal(ratioIntervalText([0.66, null]), '0.66–∞');
    assert.equal(ratioIntervalText([0.05, 1.03]), '0.05–1.03');
    assert.equal(ratioIntervalText(null), '—');
  });
});
