/**
 * The rows against the trail (replay.ts) on both of its paths: a row whose JSON is still the
 * text its last event stored is settled by that text alone; a row whose text differs (a column
 * added since, another TimeZone's timestamps, a real change) is compared field by field over the
 * event's fields. The tamper cases of audit-trail.test.ts go through the second path; these tests
 * pin the boundary between the two.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { sealNow } from './sealer.js';
import { verifyAudit } from './verify-audit.js';

/** As the owner, a superuser, with every trigger off (the attacker of audit-trail.test.ts). */
async function asOwner(db: TestDatabase, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

const messages = async (db: TestDatabase) =>
  (await verifyAudit(db.store.pool)).problems.map((p) => `${p.path}: ${p.message}`);

describe('verify-audit replays the rows against their last events', () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase();
    await seedStudy(db.store.pool, 'R', ['P1']);
    await changeAs(db.store.pool, 'nurse', undefined, (c) =>
      c.query(`INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr)
               VALUES ('R', 'V1', 'P1', '2019-01-01', 40), ('R', 'V2', 'P1', '2019-02-01', 30)`),
    );
    await changeAs(db.store.pool, 'nurse', 'entered twice', (c) =>
      c.query("DELETE FROM visit WHERE visit_id = 'V2'"),
    );
    await sealNow(db.store.pool);
  });
  after(() => db.close());

  test('a row whose JSON is the text its event stored is intact', async () => {
    const text = await db.store.pool.query<{ same: boolean }>(
      `SELECT to_json(v)::text = (SELECT e.new_values::text FROM audit_event e
                                   WHERE e.table_name = 'visit' AND e.row_id = v.row_id
                                   ORDER BY e.event_id DESC LIMIT 1) AS same
         FROM visit v WHERE visit_id = 'V1'`,
    );
    assert.equal(text.rows[0]?.same, true, 'the shortcut applies to this row');
    assert.deepEqual(await messages(db), []);
  });

  test('a column added since its event makes the text differ but is no difference; a changed value beside it is', async () => {
    await asOwner(db, 'ALTER TABLE visit ADD COLUMN replay_note text');
    try {
      assert.deepEqual(await messages(db), [], 'a new column alone');
      await asOwner(db, "UPDATE visit SET replay_note = 'x' WHERE visit_id = 'V1'");
      assert.deepEqual(await messages(db), [], 'a value of the new column: not in the event');
      await asOwner(db, "UPDATE visit SET esr = 41 WHERE visit_id = 'V1'");
      assert.deepEqual(await messages(db), [
        'visit R/V1: differs from its last audit event without an event of its own: esr is 41, the trail says 40',
      ]);
    } finally {
      await asOwner(
        db,
        "UPDATE visit SET esr = 40 WHERE visit_id = 'V1'",
        'ALTER TABLE visit DROP COLUMN replay_note',
      );
    }
    assert.deepEqual(await messages(db), [], 'intact again once restored');
  });

  test('a value set to null behind the application is a difference', async () => {
    await asOwner(db, "UPDATE visit SET esr = NULL WHERE visit_id = 'V1'");
    try {
      assert.deepEqual(await messages(db), [
        'visit R/V1: differs from its last audit event without an event of its own: esr is null, the trail says 40',
      ]);
    } finally {
      await asOwner(db, "UPDATE visit SET esr = 40 WHERE visit_id = 'V1'");
    }
    assert.deepEqual(await messages(db), []);
  });

  test('a field of the last event that the row no longer has is a difference', async () => {
    await asOwner(db, 'ALTER TABLE visit ADD COLUMN replay_gone text');
    await changeAs(db.store.pool, 'nurse', 'note added', (c) =>
      c.query("UPDATE visit SET replay_gone = 'kept' WHERE visit_id = 'V1'"),
    );
    await sealNow(db.store.pool);
    assert.deepEqual(await messages(db), [], 'audited: intact');
    await asOwner(db, 'ALTER TABLE visit DROP COLUMN replay_gone');
    assert.deepEqual(await messages(db), [
      'visit R/V1: differs from its last audit event without an event of its own: replay_gone is (absent), the trail says "kept"',
    ]);
  });

  test('a deleted row put back behind the application is found', async () => {
    await asOwner(
      db,
      "INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr, row_id) SELECT 'R', 'V2', 'P1', '2019-02-01', 30, row_id FROM audit_event WHERE record_key = 'R/V2' AND operation = 'delete'",
    );
    assert.ok(
      (await messages(db)).includes(
        'visit R/V2: the audit trail says it was deleted, but the row exists',
      ),
    );
  });
});
