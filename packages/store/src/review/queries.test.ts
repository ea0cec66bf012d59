import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import {
  changeAs,
  openTestDatabase,
  seedStudy,
  type TestDatabase,
  testActor,
} from '../test-support.js';
import { type Transaction, withTransaction } from '../transaction.js';
import { saveVisit } from '../visits.js';
import {
  answerQuery,
  closeQuery,
  type DataQuery,
  listQueries,
  loadQuery,
  raiseQuery,
  reopenQuery,
} from './queries.js';

let db: TestDatabase;

/** Work in a transaction of the test actor `name`, with a reason for change. */
function as<T>(name: string, work: (tx: Transaction) => Promise<T>, reason = 'query step') {
  return withTransaction(db.store, testActor(name), reason, work);
}

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P2']);
  await seedStudy(db.store.pool, 'OTHER', ['P1']);
  // P2 moves to site B; its visit's id holds a slash, as record keys may.
  await changeAs(db.store.pool, 'setup', 'P2 is followed at site B', async (client) => {
    await client.query("INSERT INTO site (study_id, site_code) VALUES ('S', 'B')");
    await client.query(
      "UPDATE subject SET site_code = 'B' WHERE study_id = 'S' AND subject_id = 'P2'",
    );
  });
  const nurse = { actor: testActor('nurse') };
  await saveVisit(
    db.store.pool,
    'S',
    { visitId: 'V1', subjectId: 'P1', visitDate: '2020-01-01', esr: 20 },
    null,
    nurse,
  );
  await saveVisit(
    db.store.pool,
    'S',
    { visitId: 'P2/V1', subjectId: 'P2', visitDate: '2020-01-02' },
    null,
    nurse,
  );
  await changeAs(db.store.pool, 'nurse', undefined, (client) =>
    client.query(
      "INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited) VALUES ('S', 'V1', 'knee_l', true, false, false)",
    ),
  );
});
after(() => db.close());

describe('raising a query', () => {
  test('on a field of an existing record: open, numbered, with who and when, the subject and its site', async () => {
    const query = await as('monitor.mo', (tx) =>
      raiseQuery(tx, {
        studyId: 'S',
        table: 'visit',
        recordKey: 'S/V1',
        field: 'esr',
        question: ' ESR 20 or 2.0? ',
      }),
    );
    assert.deepEqual(
      { ...query, raised: { ...query.raised, at: typeof query.raised.at } },
      {
        studyId: 'S',
        queryId: 'Q-1',
        table: 'visit',
        recordKey: 'S/V1',
        field: 'esr',
        subjectId: 'P1',
        siteCode: 'A',
        question: 'ESR 20 or 2.0?',
        response: null,
        status: 'open',
        raised: { by: { id: 'test:monitor.mo', name: 'monitor.mo' }, at: 'string' },
        answered: null,
        closed: null,
        reopened: null,
        version: 1,
      },
    );
    assert.match(query.raised.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.deepEqual(await loadQuery(db.store.pool, 'S', 'Q-1'), query);
  });

  test("a record reached through its visit carries the visit's subject; a key may hold a slash", async () => {
    const joint = await as('monitor.mo', (tx) =>
      raiseQuery(tx, {
        studyId: 'S',
        table: 'joint_finding',
        recordKey: 'S/V1/knee_l',
        question: 'Swollen and not limited?',
      }),
    );
    assert.deepEqual([joint.subjectId, joint.siteCode, joint.field], ['P1', 'A', null]);
    const slashed = await as('monitor.mo', (tx) =>
      raiseQuery(tx, {
        studyId: 'S',
        table: 'visit',
        recordKey: 'S/P2/V1',
        question: 'No values at all?',
      }),
    );
    assert.deepEqual([slashed.subjectId, slashed.siteCode], ['P2', 'B']);
  });

  test('refused, raising nothing: a record that does not exist (or is another study’s), a table or field that is no record’s, an empty question', async () => {
    const raise = (input: Partial<Parameters<typeof raiseQuery>[1]>) =>
      as('monitor.mo', (tx) =>
        raiseQuery(tx, {
          studyId: 'S',
          table: 'visit',
          recordKey: 'S/V1',
          question: 'Why?',
          ...input,
        }),
      );
    const before = await listQueries(db.store.pool, 'S');
    for (const missing of [
      { recordKey: 'S/V9' },
      { recordKey: 'OTHER/V1' },
      { studyId: 'OTHER' },
      { recordKey: 'S' },
    ])
      await assert.rejects(
        raise(missing),
        (error) => isJiaError(error, 'NOT_FOUND'),
        JSON.stringify(missing),
      );
    for (const wrong of [
      { table: 'audit_event' },
      { table: 'data_query' },
      { field: 'no_such_field' },
      { question: '  ' },
    ])
      await assert.rejects(
        raise(wrong),
        (error) => isJiaError(error, 'VALIDATION_FAILED'),
        JSON.stringify(wrong),
      );
    assert.deepEqual(await listQueries(db.store.pool, 'S'), before);
  });

  test('concurrent raises in one study get distinct numbers', async () => {
    const raised = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        as(`monitor.${n}`, (tx) =>
          raiseQuery(tx, {
            studyId: 'S',
            table: 'subject',
            recordKey: 'S/P1',
            question: `Check ${n}`,
          }),
        ),
      ),
    );
    const ids = raised.map((q) => q.queryId).sort();
    assert.deepEqual(ids, ['Q-4', 'Q-5', 'Q-6', 'Q-7', 'Q-8']);
    const other = await as('monitor.mo', (tx) =>
      raiseQuery(tx, { studyId: 'OTHER', table: 'subject', recordKey: 'OTHER/P1', question: 'Q?' }),
    );
    assert.equal(other.queryId, 'Q-1', 'each study numbers its own');
  });
});

describe('the life of a query', () => {
  let query: DataQuery;
  before(async () => {
    query = await as('monitor.mo', (tx) =>
      raiseQuery(tx, {
        studyId: 'S',
        table: 'visit',
        recordKey: 'S/V1',
        field: 'visit_date',
        question: 'Date?',
      }),
    );
  });
  const step = { studyId: 'S' };

  test('answered, closed, reopened, answered again and closed: each step with who and when', async () => {
    const answered = await as('nurse.anna', (tx) =>
      answerQuery(tx, {
        ...step,
        queryId: query.queryId,
        basedOnVersion: 1,
        response: 'As on the source.',
      }),
    );
    assert.deepEqual(
      [answered.status, answered.version, answered.response, answered.answered?.by.id],
      ['answered', 2, 'As on the source.', 'test:nurse.anna'],
    );
    const closed = await as('monitor.mo', (tx) =>
      closeQuery(tx, { ...step, queryId: query.queryId, basedOnVersion: 2 }),
    );
    assert.deepEqual(
      [closed.status, closed.version, closed.closed?.by.name],
      ['closed', 3, 'monitor.mo'],
    );
    const reopened = await as('dm.dora', (tx) =>
      reopenQuery(tx, { ...step, queryId: query.queryId, basedOnVersion: 3 }),
    );
    assert.deepEqual(
      [reopened.status, reopened.closed, reopened.reopened?.by.id, reopened.response],
      ['open', null, 'test:dm.dora', 'As on the source.'],
      'reopened: no longer closed, the last answer kept',
    );
    const again = await as('nurse.anna', (tx) =>
      answerQuery(tx, {
        ...step,
        queryId: query.queryId,
        basedOnVersion: 4,
        response: 'Corrected.',
      }),
    );
    assert.equal(again.response, 'Corrected.');
    const reopenedAnswer = await as('dm.dora', (tx) =>
      reopenQuery(tx, { ...step, queryId: query.queryId, basedOnVersion: 5 }),
    );
    assert.equal(reopenedAnswer.status, 'open', 'an answer that does not resolve it');
    const withdrawn = await as('monitor.mo', (tx) =>
      closeQuery(tx, { ...step, queryId: query.queryId, basedOnVersion: 6 }),
    );
    assert.deepEqual(
      [withdrawn.status, withdrawn.version],
      ['closed', 7],
      'an open query withdrawn',
    );
    const times = [withdrawn.raised.at, withdrawn.answered?.at, withdrawn.closed?.at];
    assert.ok(times.every((t) => typeof t === 'string'));
    assert.deepEqual(times, [...times].sort(), 'raised, answered, closed: in that order');
  });

  test('steps the state machine does not allow are INVALID_TRANSITION and change nothing', async () => {
    const fresh = await as('monitor.mo', (tx) =>
      raiseQuery(tx, { studyId: 'S', table: 'visit', recordKey: 'S/V1', question: 'Again?' }),
    );
    const id = { ...step, queryId: fresh.queryId };
    const refused = async (work: (tx: Transaction) => Promise<unknown>, status: string) =>
      assert.rejects(as('someone', work), (error) => {
        assert.ok(isJiaError(error, 'INVALID_TRANSITION'), String(error));
        assert.equal(error.details?.status, status);
        return true;
      });
    await refused((tx) => reopenQuery(tx, { ...id, basedOnVersion: 1 }), 'open');
    await as('nurse.anna', (tx) => answerQuery(tx, { ...id, basedOnVersion: 1, response: 'Yes.' }));
    await refused(
      (tx) => answerQuery(tx, { ...id, basedOnVersion: 2, response: 'Twice.' }),
      'answered',
    );
    await as('monitor.mo', (tx) => closeQuery(tx, { ...id, basedOnVersion: 2 }));
    await refused(
      (tx) => answerQuery(tx, { ...id, basedOnVersion: 3, response: 'Late.' }),
      'closed',
    );
    await refused((tx) => closeQuery(tx, { ...id, basedOnVersion: 3 }), 'closed');
    const after = await loadQuery(db.store.pool, 'S', fresh.queryId);
    assert.deepEqual([after?.status, after?.version, after?.response], ['closed', 3, 'Yes.']);
  });

  test('a stale step is VERSION_CONFLICT, an unknown query NOT_FOUND, an empty answer VALIDATION_FAILED, a step without a reason REASON_REQUIRED', async () => {
    const fresh = await as('monitor.mo', (tx) =>
      raiseQuery(tx, { studyId: 'S', table: 'visit', recordKey: 'S/V1', question: 'Stale?' }),
    );
    const id = { ...step, queryId: fresh.queryId };
    await as('nurse.anna', (tx) =>
      answerQuery(tx, { ...id, basedOnVersion: 1, response: 'First.' }),
    );
    await assert.rejects(
      as('nurse.bob', (tx) => answerQuery(tx, { ...id, basedOnVersion: 1, response: 'Second.' })),
      (error) => isJiaError(error, 'VERSION_CONFLICT') && error.details?.currentVersion === 2,
    );
    await assert.rejects(
      as('monitor.mo', (tx) => closeQuery(tx, { ...step, queryId: 'Q-999', basedOnVersion: 1 })),
      (error) => isJiaError(error, 'NOT_FOUND'),
    );
    await assert.rejects(
      as('nurse.anna', (tx) => answerQuery(tx, { ...id, basedOnVersion: 2, response: ' ' })),
      (error) => isJiaError(error, 'VALIDATION_FAILED'),
    );
    await assert.rejects(
      as('monitor.mo', (tx) => closeQuery(tx, { ...id, basedOnVersion: 2 }), ''),
      (error) => isJiaError(error, 'REASON_REQUIRED'),
    );
    assert.equal((await loadQuery(db.store.pool, 'S', fresh.queryId))?.version, 2);
  });
});

describe('lists', () => {
  test("a subject's, some sites', the whole study's, by status, with counts of the scope by status", async () => {
    const all = await listQueries(db.store.pool, 'S');
    const count = (queries: readonly DataQuery[], status: string) =>
      queries.filter((q) => q.status === status).length;
    assert.deepEqual(all.counts, {
      open: count(all.queries, 'open'),
      answered: count(all.queries, 'answered'),
      closed: count(all.queries, 'closed'),
    });
    assert.ok(all.counts.open > 0 && all.counts.answered > 0 && all.counts.closed > 0);
    assert.deepEqual(
      all.queries.map((q) => q.queryId).slice(0, 3),
      ['Q-1', 'Q-2', 'Q-3'],
      'oldest first',
    );

    const siteB = await listQueries(db.store.pool, 'S', { sites: ['B'] });
    assert.deepEqual(
      siteB.queries.map((q) => [q.queryId, q.subjectId, q.siteCode]),
      [['Q-3', 'P2', 'B']],
    );
    assert.deepEqual(siteB.counts, { open: 1, answered: 0, closed: 0 });
    const both = await listQueries(db.store.pool, 'S', { sites: ['A', 'B'] });
    assert.equal(both.queries.length, all.queries.length);
    assert.deepEqual((await listQueries(db.store.pool, 'S', { sites: [] })).queries, []);

    const p1 = await listQueries(db.store.pool, 'S', { subjectId: 'P1' });
    assert.equal(p1.queries.length, all.queries.length - 1);
    const p1Open = await listQueries(db.store.pool, 'S', { subjectId: 'P1', status: 'open' });
    assert.ok(p1Open.queries.every((q) => q.status === 'open' && q.subjectId === 'P1'));
    assert.deepEqual(p1Open.counts, p1.counts, 'the counts ignore the status filter');
    assert.equal(p1Open.queries.length, p1.counts.open);

    assert.deepEqual((await listQueries(db.store.pool, 'OTHER')).counts, {
      open: 1,
      answered: 0,
      closed: 0,
    });
  });

  test("each step's audit event carries the query's study and its subject's site", async () => {
    const events = await db.store.pool.query(
      `SELECT DISTINCT record_key, site_code FROM audit_event
        WHERE table_name = 'data_query' AND study_id = 'S' AND record_key IN ('S/Q-1', 'S/Q-3') ORDER BY 1`,
    );
    assert.deepEqual(events.rows, [
      { record_key: 'S/Q-1', site_code: 'A' },
      { record_key: 'S/Q-3', site_code: 'B' },
    ]);
  });
});
