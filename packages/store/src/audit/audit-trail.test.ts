import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import pg from 'pg';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { AUDITED_TABLES } from './audited-tables.js';
import { sealNow } from './sealer.js';
import { verifyAudit } from './verify-audit.js';

const ACTOR = 'nurse.anna';

/**
 * Three transactions: the study and two subjects, two visits, then an edit of a visit; each
 * sealed before the next, so that each is a block of its own.
 */
async function seed(db: TestDatabase): Promise<void> {
  const { pool } = db.store;
  await seedStudy(pool, 'S', ['P1', 'P2'], ACTOR);
  await sealNow(pool);
  await changeAs(pool, ACTOR, undefined, (c) =>
    c.query(`INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr)
             VALUES ('S', 'V1', 'P1', '2019-01-01', 40), ('S', 'V2', 'P1', '2019-03-01', 20)`),
  );
  await sealNow(pool);
  await changeAs(pool, 'dr.bart', 'transcription error', (c) =>
    c.query("UPDATE visit SET esr = 25 WHERE visit_id = 'V2'"),
  );
  await sealNow(pool);
}

/** A superuser session with every trigger off: the attacker the chain is for. */
async function tamper(db: TestDatabase, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

async function firstProblem(db: TestDatabase) {
  const report = await verifyAudit(db.store.pool);
  assert.equal(report.ok, false, 'verify-audit must find the tampering');
  return report.problems[0];
}

describe('audit trail', () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase();
    await seed(db);
  });
  after(() => db.close());

  test("names each event's actor by id and name, and its record's study and site", async () => {
    const events = await db.store.pool.query(
      'SELECT table_name, actor, actor_id, study_id, site_code FROM audit_event ORDER BY event_id',
    );
    assert.deepEqual(
      events.rows.map((e) => [e.table_name, e.actor, e.actor_id, e.study_id, e.site_code]),
      [
        ['study', ACTOR, `test:${ACTOR}`, 'S', null],
        ['site', ACTOR, `test:${ACTOR}`, 'S', 'A'],
        ['subject', ACTOR, `test:${ACTOR}`, 'S', 'A'],
        ['subject', ACTOR, `test:${ACTOR}`, 'S', 'A'],
        ['visit', ACTOR, `test:${ACTOR}`, 'S', 'A'],
        ['visit', ACTOR, `test:${ACTOR}`, 'S', 'A'],
        ['visit', 'dr.bart', 'test:dr.bart', 'S', 'A'],
      ],
    );
  });

  test('records every insert and update with actor, reason, old and new values', async () => {
    const events = await db.store.pool.query(
      "SELECT actor, reason, operation, old_values, new_values FROM audit_event WHERE table_name = 'visit' ORDER BY event_id",
    );
    assert.deepEqual(
      events.rows.map((e) => [e.actor, e.reason, e.operation]),
      [
        ['nurse.anna', null, 'insert'],
        ['nurse.anna', null, 'insert'],
        ['dr.bart', 'transcription error', 'update'],
      ],
    );
    const update = events.rows[2];
    assert.equal(update.old_values.esr, 20);
    assert.equal(update.new_values.esr, 25);
    assert.equal(update.new_values.version, 2, 'the version is bumped by the database');
    await sealNow(db.store.pool);
    const blocks = await db.store.pool.query(
      'SELECT event_count FROM audit_block ORDER BY block_seq',
    );
    assert.deepEqual(
      blocks.rows.map((b) => b.event_count),
      [4, 2, 1],
      'one block per transaction',
    );
    const report = await verifyAudit(db.store.pool);
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
    assert.equal(report.events, 7);
  });

  test('a statement that changes nothing leaves no event', async () => {
    await sealNow(db.store.pool);
    const before = await db.store.pool.query('SELECT count(*)::int AS n FROM audit_block');
    await changeAs(db.store.pool, 'x', 'none', (c) =>
      c.query("UPDATE visit SET esr = 1 WHERE visit_id = 'nope'"),
    );
    await sealNow(db.store.pool);
    const after = await db.store.pool.query('SELECT count(*)::int AS n FROM audit_block');
    assert.equal(after.rows[0].n, before.rows[0].n);
  });

  test('refuses a change without an actor, and an update or delete without a reason', async () => {
    await assert.rejects(
      db.store.pool.query("UPDATE visit SET esr = 1 WHERE visit_id = 'V1'"),
      /without an actor/,
    );
    await assert.rejects(
      changeAs(db.store.pool, ACTOR, undefined, (c) =>
        c.query("UPDATE visit SET esr = 1 WHERE visit_id = 'V1'"),
      ),
      (error) => isJiaError(error, 'REASON_REQUIRED'),
    );
    await assert.rejects(
      changeAs(db.store.pool, ACTOR, undefined, (c) =>
        c.query("DELETE FROM visit WHERE visit_id = 'V1'"),
      ),
      (error) => isJiaError(error, 'REASON_REQUIRED'),
    );
    const esr = await db.store.pool.query("SELECT esr FROM visit WHERE visit_id = 'V1'");
    assert.equal(esr.rows[0].esr, '40', 'nothing changed');
  });

  test('the audit tables refuse UPDATE, DELETE and TRUNCATE, and clinical tables refuse TRUNCATE', async () => {
    // As the owner, who has the privileges: the triggers refuse (runtime-role.test.ts shows that
    // the application's role lacks the privileges in the first place).
    for (const sql of [
      "UPDATE audit_event SET actor = 'someone else'",
      'DELETE FROM audit_event',
      'TRUNCATE audit_event',
      'UPDATE audit_block SET event_count = 0',
      'DELETE FROM audit_block',
      'TRUNCATE audit_block CASCADE',
      'TRUNCATE visit CASCADE',
    ])
      await assert.rejects(db.store.ownerPool().query(sql), /append-only|TRUNCATE on/, sql);
    assert.equal((await verifyAudit(db.store.pool)).ok, true);
  });

  test('every table with audit triggers is in AUDITED_TABLES, and the reverse', async () => {
    const result = await db.store.pool.query<{ table: string }>(
      "SELECT DISTINCT tgrelid::regclass::text AS table FROM pg_trigger WHERE tgname = 'audit_insert' ORDER BY 1",
    );
    assert.deepEqual(
      result.rows.map((r) => r.table),
      [...AUDITED_TABLES].sort(),
    );
  });
});

describe('verify-audit finds tampering by a superuser with the triggers disabled', () => {
  const cases: Array<[string, string[], RegExp, RegExp]> = [
    [
      'an altered event',
      [
        "UPDATE audit_event SET new_values = jsonb_set(new_values::jsonb, '{esr}', '99')::json WHERE event_id = 6",
      ],
      /^event 6$/,
      /altered after it was written/,
    ],
    [
      'an event moved to another site',
      ["UPDATE audit_event SET site_code = 'B' WHERE event_id = 6"],
      /^event 6$/,
      /altered after it was written/,
    ],
    [
      'an event attributed to another account',
      ["UPDATE audit_event SET actor_id = 'test:someone.else' WHERE event_id = 7"],
      /^event 7$/,
      /altered after it was written/,
    ],
    [
      'an event stripped of its actor id, study and site (the older hash form)',
      [
        'UPDATE audit_event SET actor_id = NULL, study_id = NULL, site_code = NULL WHERE event_id = 7',
      ],
      /^event 7$/,
      /altered after it was written/,
    ],
    [
      'a removed event',
      ['DELETE FROM audit_event WHERE event_id = 5'],
      /^block 2$/,
      /1 of its 2 events/,
    ],
    [
      'a removed block',
      ['DELETE FROM audit_block WHERE block_seq = 2'],
      /^block 3$/,
      /block 2 is missing/,
    ],
    [
      'removed last block and its events',
      ['DELETE FROM audit_event WHERE event_id = 7', 'DELETE FROM audit_block WHERE block_seq = 3'],
      /^head$/,
      /not the last block/,
    ],
    [
      'an altered block',
      ['UPDATE audit_block SET sealed_at = now(), event_count = 3 WHERE block_seq = 1'],
      /^block 1$/,
      /altered/,
    ],
    [
      'a clinical value changed behind the application',
      ["UPDATE visit SET esr = 30 WHERE visit_id = 'V1'"],
      /^visit S\/V1$/,
      /esr is 30, the trail says 40/,
    ],
    [
      'a row inserted behind the application',
      [
        "INSERT INTO visit (study_id, visit_id, subject_id, visit_date) VALUES ('S', 'V9', 'P2', '2019-05-01')",
      ],
      /^visit row \d+$/,
      /no audit event/,
    ],
    [
      'a row deleted behind the application',
      ["DELETE FROM visit WHERE visit_id = 'V2'"],
      /^visit S\/V2$/,
      /removed without an audit event/,
    ],
  ];
  for (const [name, statements, where, message] of cases)
    test(name, async () => {
      const db = await openTestDatabase();
      try {
        await seed(db);
        assert.equal((await verifyAudit(db.store.pool)).ok, true, 'intact before');
        await tamper(db, ...statements);
        const problem = await firstProblem(db);
        assert.match(problem?.path ?? '', where);
        assert.match(problem?.message ?? '', message);
      } finally {
        await db.close();
      }
    });
});

describe('sealing follows the transaction horizon', () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase();
    await seedStudy(db.store.pool, 'H', ['P1']);
  });
  after(() => db.close());

  const insertVisit = (client: pg.ClientBase, id: string) =>
    client.query(
      `INSERT INTO visit (study_id, visit_id, subject_id, visit_date) VALUES ('H', $1, 'P1', '2020-01-01')`,
      [id],
    );
  const sealedBatches = async () =>
    (
      await db.store.pool.query<{ b: string }>(
        'SELECT unnest(batch_ids)::text AS b FROM audit_block',
      )
    ).rows.map((r) => r.b);
  const batchOf = async (visitId: string) =>
    (
      await db.store.pool.query<{ b: string }>(
        "SELECT batch_id::text AS b FROM audit_event WHERE table_name = 'visit' AND record_key = 'H/' || $1",
        [visitId],
      )
    ).rows[0]?.b;

  test('work committed while an older writer is open waits for it, is not an orphan, and is sealed in batch order', async () => {
    const older = await db.store.pool.connect();
    try {
      await older.query('BEGIN');
      await older.query("SELECT set_config('jia.actor', 'slow.writer', true)");
      await insertVisit(older, 'OLD');
      await changeAs(db.store.pool, ACTOR, undefined, (c) => insertVisit(c, 'NEW'));
      const newer = await batchOf('NEW');
      await sealNow(db.store.pool);
      assert.ok(
        !(await sealedBatches()).includes(newer ?? ''),
        'held back by the open older writer',
      );
      const report = await verifyAudit(db.store.pool);
      assert.deepEqual(report.problems, [], 'waiting work is not an orphan');
      await older.query('COMMIT');
    } finally {
      older.release();
    }
    await sealNow(db.store.pool);
    const sealed = await sealedBatches();
    const [oldBatch, newBatch] = [await batchOf('OLD'), await batchOf('NEW')];
    assert.ok(oldBatch && newBatch && BigInt(oldBatch) < BigInt(newBatch));
    assert.deepEqual(sealed.slice(-2), [oldBatch, newBatch], 'one block, in batch order');
    assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
  });

  test('a rolled-back writer leaves no event and holds nothing back once it ends', async () => {
    const aborted = await db.store.pool.connect();
    try {
      await aborted.query('BEGIN');
      await aborted.query("SELECT set_config('jia.actor', 'x', true)");
      await insertVisit(aborted, 'GONE');
      await changeAs(db.store.pool, ACTOR, undefined, (c) => insertVisit(c, 'KEPT'));
      await aborted.query('ROLLBACK');
    } finally {
      aborted.release();
    }
    await sealNow(db.store.pool);
    assert.equal(await batchOf('GONE'), undefined);
    assert.ok((await sealedBatches()).includes((await batchOf('KEPT')) ?? ''));
    assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
  });

  test('an event forged below the sealed horizon, in no block, is an orphan', async () => {
    await tamper(
      db,
      `INSERT INTO audit_event (batch_id, occurred_at, actor, table_name, row_id, record_key, operation, event_hash)
       VALUES (1, now(), 'forger', 'visit', 999, 'H/F', 'insert', '\\x00')`,
    );
    const report = await verifyAudit(db.store.pool);
    assert.match(
      report.problems.map((p) => p.message).join('\n'),
      /1 events belong to no sealed block/,
    );
  });
});

describe('the site of a record without a site of its own', () => {
  test("is its subject's, or its visit's subject's, at the time of the change", async () => {
    const db = await openTestDatabase();
    try {
      await seed(db);
      await changeAs(db.store.pool, ACTOR, undefined, async (c) => {
        await c.query(`INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited)
                       VALUES ('S', 'V1', 'knee_l', true, false, false)`);
        await c.query(`INSERT INTO medication (study_id, subject_id, drug, drug_class, start_date)
                       VALUES ('S', 'P2', 'methotrexate', 'csdmard', '2016-01-01')`);
      });
      const events = await db.store.pool.query(
        "SELECT table_name, study_id, site_code FROM audit_event WHERE table_name IN ('joint_finding', 'medication') ORDER BY event_id",
      );
      assert.deepEqual(
        events.rows.map((e) => [e.table_name, e.study_id, e.site_code]),
        [
          ['joint_finding', 'S', 'A'],
          ['medication', 'S', 'A'],
        ],
      );
      assert.equal((await verifyAudit(db.store.pool)).ok, true);
    } finally {
      await db.close();
    }
  });
});
