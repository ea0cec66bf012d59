/**
 * Hash format 2 (migration 0017, ADR 0024) on a trail written before it: the old blocks verify
 * under format 1 as they were sealed, a head kept before the upgrade is still in the chain, new
 * blocks are of format 2, and a format-2 block passed off as format 1 is found.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { migrate } from '../migrate.js';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { sealNow } from './sealer.js';
import { verifyAudit } from './verify-audit.js';

/** A study, a visit and two corrections, each sealed on its own, at migration 14. */
async function writeOldTrail(db: TestDatabase): Promise<{ blockSeq: number; hash: string }> {
  const { pool } = db.store;
  await seedStudy(pool, 'S', ['P1']);
  await changeAs(pool, 'nurse', undefined, (c) =>
    c.query(`INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr)
             VALUES ('S', 'V1', 'P1', '2019-01-01', 40)`),
  );
  for (const esr of [25, 27]) {
    await sealNow(pool);
    await changeAs(pool, 'dr.bart', 'correction', (c) =>
      c.query("UPDATE visit SET esr = $1 WHERE visit_id = 'V1'", [esr]),
    );
  }
  await sealNow(pool);
  const head = await pool.query<{ seq: string; hash: string }>(
    "SELECT block_seq AS seq, encode(block_hash, 'hex') AS hash FROM audit_head",
  );
  return { blockSeq: Number(head.rows[0]?.seq), hash: head.rows[0]?.hash ?? '' };
}

async function asSuperuser(db: TestDatabase, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('a trail written before hash format 2 (migration 14)', () => {
  test('verifies under format 1 after the upgrade, keeps its head, and new blocks are of format 2', async () => {
    const db = await openTestDatabase({ migrateUpTo: 14 });
    try {
      const kept = await writeOldTrail(db);
      await migrate(db.store.pool);
      const upgraded = await verifyAudit(db.store.pool, { expectHeads: [kept] });
      assert.deepEqual(upgraded.problems, []);
      assert.equal(upgraded.head.hash, kept.hash, 'the upgrade re-seals nothing');

      await changeAs(db.store.pool, 'dr.bart', 'another', (c) =>
        c.query("UPDATE visit SET esr = 28 WHERE visit_id = 'V1'"),
      );
      await sealNow(db.store.pool);
      const formats = await db.store.pool.query<{ f: number }>(
        'SELECT hash_format AS f FROM audit_block ORDER BY block_seq',
      );
      assert.deepEqual(
        formats.rows.map((r) => r.f),
        [...Array(kept.blockSeq).fill(1), 2],
      );
      assert.deepEqual((await verifyAudit(db.store.pool, { expectHeads: [kept] })).problems, []);

      // A later block passed off as format 1 (whose digest does not cover ids): refused as a
      // downgrade, and its hash no longer matches.
      await changeAs(db.store.pool, 'dr.bart', 'yet another', (c) =>
        c.query("UPDATE visit SET esr = 29 WHERE visit_id = 'V1'"),
      );
      await sealNow(db.store.pool);
      await asSuperuser(
        db,
        `UPDATE audit_block SET hash_format = 1 WHERE block_seq = ${kept.blockSeq + 2}`,
      );
      const downgraded = await verifyAudit(db.store.pool);
      const lastEvent = (
        await db.store.pool.query<{ id: string }>(
          'SELECT max(event_id)::text AS id FROM audit_event',
        )
      ).rows[0]?.id;
      assert.deepEqual(
        downgraded.problems.map((p) => `${p.path}: ${p.message}`),
        [
          `block ${kept.blockSeq + 2}: is of hash format 1 after a block of format 2: formats only rise, so blocks were rewritten`,
          `block ${kept.blockSeq + 2}: was altered: its hash does not match its content`,
          `block ${kept.blockSeq + 2}: its events (ids ${lastEvent}-${lastEvent}) were changed or replaced after it was sealed`,
        ],
      );
    } finally {
      await db.close();
    }
  });

  test('the reordering attack on format-1 blocks is found by the versions alone', async () => {
    const db = await openTestDatabase({ migrateUpTo: 14 });
    try {
      await writeOldTrail(db);
      await migrate(db.store.pool);
      const ids = (
        await db.store.pool.query<{ id: string }>(
          "SELECT event_id::text AS id FROM audit_event WHERE operation = 'update' ORDER BY event_id",
        )
      ).rows.map((r) => r.id);
      const [first, second] = ids;
      await asSuperuser(
        db,
        `CREATE TEMP TABLE swapped AS SELECT * FROM audit_event WHERE event_id IN (${first}, ${second})`,
        `UPDATE swapped SET event_id = CASE WHEN event_id = ${first} THEN ${second} ELSE ${first} END`,
        `DELETE FROM audit_event WHERE event_id IN (${first}, ${second})`,
        'INSERT INTO audit_event OVERRIDING SYSTEM VALUE SELECT * FROM swapped',
        "UPDATE visit SET esr = 25, version = 2 WHERE visit_id = 'V1'",
      );
      const report = await verifyAudit(db.store.pool);
      assert.deepEqual(
        report.problems.map((p) => `${p.path}: ${p.message}`),
        [
          `visit S/V1: its version does not rise with its events: event ${second} says version 2 after version 3 (events were reordered)`,
        ],
      );
    } finally {
      await db.close();
    }
  });
});
