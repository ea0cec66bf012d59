/**
 * What readStudyForExchange reads besides the records' texts (those are compared with
 * PostgreSQL's own reading in trail-json.test.ts, and every export's output in the interop and
 * command line tests): the study's actors, found through migration 0027's index, each with its
 * latest name; and a reading of only some columns (the Transactional export's first pass).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileOf, textColumns } from '../records/record-texts.js';
import { openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { readStudyForExchange } from './read-for-exchange.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  const { pool } = db.store;
  await seedStudy(pool, 'S', ['s1', 's2'], 'setup');
  await seedStudy(pool, 'OTHER', ['o1'], 'someone-else');
  // The same actor id under two names, and a second actor between them in the trail.
  const visit = (id: string, subject: string, date: string) =>
    `INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr) VALUES ('S', '${id}', '${subject}', '${date}', 12)`;
  await withTransaction(pool, { id: 'user:ann', name: 'Ann Old' }, undefined, (tx) =>
    tx.client.query(visit('v1', 's1', '2020-01-01')),
  );
  await withTransaction(pool, { id: 'user:bob', name: 'Bob' }, undefined, (tx) =>
    tx.client.query(visit('v2', 's2', '2020-02-01')),
  );
  await withTransaction(pool, { id: 'user:ann', name: 'Ann New' }, undefined, (tx) =>
    tx.client.query(visit('v3', 's1', '2020-03-01')),
  );
});
after(() => db.close());

test("the study's actors: each id once, in order, with its latest name; other studies' not", async () => {
  const actors = await readStudyForExchange(db.store, 'S', async (study) => study.actors);
  assert.deepEqual(actors, [
    { id: 'test:setup', name: 'setup' },
    { id: 'user:ann', name: 'Ann New' },
    { id: 'user:bob', name: 'Bob' },
  ]);
  const plan = await db.store.pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN SELECT coalesce(actor_id, actor) FROM audit_event WHERE study_id = 'S'
      ORDER BY coalesce(actor_id, actor), event_id DESC LIMIT 1`,
  );
  assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /audit_event_study_actor/);
});

test('a reading of some columns of a record type reads those (and row_id), the others whole', async () => {
  const subjects = await readStudyForExchange(db.store, 'S', async (_study, read) => {
    const all = [];
    for await (const subject of read({
      types: ['subject', 'visit'],
      trail: false,
      columns: { visit: ['visit_id', 'subject_id', 'visit_date'] },
    }))
      all.push(subject);
    return all;
  });
  const s1 = subjects.find((s) => s.subjectId === 's1');
  const visits = s1?.records.get('visit') ?? [];
  assert.deepEqual(
    visits.map((v) => [...v.texts.keys()].sort()),
    [
      ['row_id', 'subject_id', 'visit_date', 'visit_id'],
      ['row_id', 'subject_id', 'visit_date', 'visit_id'],
    ],
  );
  assert.deepEqual(
    visits.map((v) => v.texts.get('visit_date')),
    ['2020-01-01', '2020-03-01'],
  );
  assert.equal(s1?.records.get('subject')?.[0]?.texts.get('ilar_category'), 'systemic');
});

test('a column that the record type does not have is refused, by name', () => {
  assert.throws(
    () => textColumns(fileOf('visit'), ['visit_id', 'visit_dat']),
    /visit has no column visit_dat to read/,
  );
});
