import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { saveVisit } from '../visits.js';
import { RECORD_EVENTS, recordHistory } from './history.js';

let db: TestDatabase;
const anna = { id: 'user:anna', name: 'Anna (research nurse)' };
const bob = { id: 'user:bob', name: 'Bob (data manager)' };

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1']);
  await seedStudy(db.store.pool, 'OTHER', ['P1']);
  const visit = { visitId: 'V1', subjectId: 'P1', visitDate: '2020-01-01', esr: 20 };
  await saveVisit(db.store.pool, 'S', visit, null, { actor: anna });
  await saveVisit(db.store.pool, 'S', { ...visit, esr: 25 }, 1, {
    actor: bob,
    reason: 'transcription error (source: lab report)',
  });
  await saveVisit(db.store.pool, 'OTHER', visit, null, { actor: anna });
});
after(() => db.close());

test("a record's history: who (account and name), when, what, from what to what, and why", async () => {
  const history = await recordHistory(db.store.pool, 'S', 'visit', 'S/V1');
  assert.deepEqual(
    history.map((e) => [e.operation, e.actor, e.reason, e.oldValues?.esr, e.newValues?.esr]),
    [
      ['insert', anna, null, undefined, 20],
      ['update', bob, 'transcription error (source: lab report)', 20, 25],
    ],
    "the study's own visit only, not OTHER's V1",
  );
  assert.ok(history.every((e) => e.recordKey === 'S/V1' && e.rowId === history[0]?.rowId));
  assert.match(history[0]?.at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.ok((history[0]?.at ?? '') < (history[1]?.at ?? ''));
  assert.equal((await recordHistory(db.store.pool, 'OTHER', 'visit', 'OTHER/V1')).length, 1);
});

test('a deleted record keeps its history', async () => {
  await changeAs(db.store.pool, 'nurse', undefined, (client) =>
    client.query(
      "INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited) VALUES ('S', 'V1', 'knee_l', true, false, false)",
    ),
  );
  await changeAs(db.store.pool, 'nurse', 'entered on the wrong visit', (client) =>
    client.query("DELETE FROM joint_finding WHERE study_id = 'S' AND visit_id = 'V1'"),
  );
  const history = await recordHistory(db.store.pool, 'S', 'joint_finding', 'S/V1/knee_l');
  assert.deepEqual(
    history.map((e) => [e.operation, e.actor.id, e.reason]),
    [
      ['insert', 'test:nurse', null],
      ['delete', 'test:nurse', 'entered on the wrong visit'],
    ],
  );
});

test('refused: a table that is not an audited table of a study; a record the study never had', async () => {
  for (const table of ['app_user', 'user_credential', 'audit_event', 'visit; DROP TABLE visit'])
    await assert.rejects(
      recordHistory(db.store.pool, 'S', table, 'S/V1'),
      (error) => isJiaError(error, 'VALIDATION_FAILED'),
      table,
    );
  for (const [study, key] of [
    ['S', 'S/V9'],
    ['S', 'OTHER/V1'],
    ['OTHER', 'S/V1'],
  ])
    await assert.rejects(
      recordHistory(db.store.pool, study as string, 'visit', key as string),
      (error) => isJiaError(error, 'NOT_FOUND'),
      `${study} ${key}`,
    );
});

test('the events are read through the index audit_event_record', async () => {
  // A trail of some size, so that the planner weighs its choices as it would in a study.
  await changeAs(db.store.pool, 'nurse', undefined, (client) =>
    client.query(
      `INSERT INTO visit (study_id, visit_id, subject_id, visit_date)
       SELECT 'S', 'B' || n, 'P1', date '2020-01-01' + n FROM generate_series(1, 3000) AS n`,
    ),
  );
  await db.store.ownerPool().query('ANALYZE audit_event');
  const client = await db.store.pool.connect();
  try {
    await client.query(`PREPARE history AS ${RECORD_EVENTS}`);
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN EXECUTE history('visit', '{1}', 'S')`,
    );
    assert.match(
      plan.rows.map((r) => r['QUERY PLAN']).join('\n'),
      /Index Scan using audit_event_record on audit_event .*\n\s+Index Cond: \(\(table_name = 'visit'::text\) AND \(row_id = ANY/,
    );
  } finally {
    client.release(true);
  }
});
