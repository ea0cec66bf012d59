/**
 * The attacks of issue 15, replayed as the insider would: a database user with the owner's or a
 * superuser's rights who edits the trail and the rows with the triggers off. Each was undetected
 * before migration 0017 and ADR 0024 (`verify-audit` printed "audit trail intact" with the head
 * it printed before the attack); docs/audit-trail.md, "Threat model", names these tests.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import pg from 'pg';
import { backupDatabase, restoreDatabase } from '../backup.js';
import { storePool } from '../connection.js';
import { openStore } from '../store.js';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { checkAnchors, createAnchor, parseAnchors } from './anchor.js';
import { sealNow } from './sealer.js';
import { verifyAudit } from './verify-audit.js';

const ACTOR = 'nurse.anna';

/** A study, a visit, and two corrections of it: each transaction sealed into a block of its own. */
async function seedCorrections(db: TestDatabase): Promise<void> {
  const { pool } = db.store;
  await seedStudy(pool, 'S', ['P1'], ACTOR);
  await sealNow(pool);
  await changeAs(pool, ACTOR, undefined, (c) =>
    c.query(`INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr)
             VALUES ('S', 'V1', 'P1', '2019-01-01', 40)`),
  );
  await sealNow(pool);
  for (const [esr, reason] of [
    [25, 'transcription error'],
    [27, 'lab report corrected'],
  ] as const) {
    await changeAs(pool, 'dr.bart', reason, (c) =>
      c.query("UPDATE visit SET esr = $1 WHERE visit_id = 'V1'", [esr]),
    );
    await sealNow(pool);
  }
}

/** A superuser session with every trigger off: the attacker. */
async function asSuperuser<T>(db: TestDatabase, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    return await work(client);
  } finally {
    await client.end();
  }
}

const correctionIds = async (db: TestDatabase) =>
  (
    await db.store.pool.query<{ id: string }>(
      "SELECT event_id::text AS id FROM audit_event WHERE table_name = 'visit' AND operation = 'update' ORDER BY event_id",
    )
  ).rows.map((r) => r.id);

describe('attack 1: reordering events across batches', () => {
  test('swapping two corrections between their batches and reverting the row is found', async () => {
    const db = await openTestDatabase();
    try {
      await seedCorrections(db);
      const before = await verifyAudit(db.store.pool);
      assert.equal(before.ok, true, 'intact before');
      const [first, second] = await correctionIds(db);
      await asSuperuser(db, async (c) => {
        // The event ids exchanged: each event keeps its batch, content and hash.
        await c.query(
          'CREATE TEMP TABLE swapped AS SELECT * FROM audit_event WHERE event_id IN ($1, $2)',
          [first, second],
        );
        await c.query(
          'UPDATE swapped SET event_id = CASE WHEN event_id = $1 THEN $2::bigint ELSE $1::bigint END',
          [first, second],
        );
        await c.query('DELETE FROM audit_event WHERE event_id IN ($1, $2)', [first, second]);
        await c.query('INSERT INTO audit_event OVERRIDING SYSTEM VALUE SELECT * FROM swapped');
        // The row back to the first correction, which is now the "latest" event.
        await c.query("UPDATE visit SET esr = 25, version = 2 WHERE visit_id = 'V1'");
      });
      const after = await verifyAudit(db.store.pool);
      assert.equal(after.ok, false, 'the second correction cannot be erased unnoticed');
      const text = after.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      assert.match(text, /block \d+: its events .* were changed or replaced/);
      assert.match(text, /visit S\/V1: its version does not rise with its events/);
    } finally {
      await db.close();
    }
  });
});

describe('attack 2: a shadowed hash function', () => {
  test("a public.sha256 ahead of pg_catalog on the database's search_path does not hide a rewritten actor", async () => {
    const db = await openTestDatabase();
    let pool: pg.Pool | null = null;
    try {
      await seedCorrections(db);
      const [, second] = await correctionIds(db);
      await asSuperuser(db, async (c) => {
        const database = (await c.query<{ d: string }>('SELECT current_database() AS d')).rows[0]
          ?.d;
        // Returns the stored hash for any content that names the forger, the real one otherwise.
        await c.query(`CREATE FUNCTION public.sha256(bytea) RETURNS bytea LANGUAGE sql AS $$
          SELECT CASE WHEN position('\\x666f72676572'::bytea IN $1) > 0
                      THEN (SELECT event_hash FROM public.audit_event WHERE event_id = ${Number(second)})
                      ELSE pg_catalog.sha256($1) END $$`);
        await c.query(`ALTER DATABASE ${database} SET search_path = public, pg_catalog`);
        await c.query("UPDATE audit_event SET actor = 'forger' WHERE event_id = $1", [second]);
      });
      // New connections pick up the database's search_path.
      pool = storePool({ connectionString: db.url });
      const report = await verifyAudit(pool);
      assert.equal(report.ok, false);
      assert.equal(report.problems[0]?.path, `event ${second}`);
      assert.match(report.problems[0]?.message ?? '', /altered after it was written/);
    } finally {
      await pool?.end();
      await db.close();
    }
  });
});

describe('attack 3: cutting the tail', () => {
  test('a shorter chain verifies on its own, and a kept head (--expect-head) catches the cut', async () => {
    const db = await openTestDatabase();
    try {
      await seedCorrections(db);
      const kept = (await verifyAudit(db.store.pool)).head;
      await asSuperuser(db, async (c) => {
        await c.query(
          'DELETE FROM audit_event WHERE batch_id IN (SELECT unnest(batch_ids) FROM audit_block WHERE block_seq = $1)',
          [kept.blockSeq],
        );
        await c.query('DELETE FROM audit_block WHERE block_seq = $1', [kept.blockSeq]);
        await c.query(
          'UPDATE audit_head SET block_seq = b.block_seq, block_hash = b.block_hash FROM audit_block b WHERE b.block_seq = $1',
          [kept.blockSeq - 1],
        );
        await c.query("UPDATE visit SET esr = 25, version = 2 WHERE visit_id = 'V1'");
      });
      // What the docs say cannot be detected without an anchor: the chain is consistent.
      const alone = await verifyAudit(db.store.pool);
      assert.equal(alone.ok, true, 'without a kept head a consistent tail cut is not detectable');
      assert.equal(alone.head.blockSeq, kept.blockSeq - 1);

      const checked = await verifyAudit(db.store.pool, { expectHeads: [kept] });
      assert.equal(checked.ok, false);
      assert.deepEqual(
        checked.problems.map((p) => p.path),
        [`expected head ${kept.blockSeq}`],
      );
      assert.match(checked.problems[0]?.message ?? '', /the chain ends at block \d+, before it/);
    } finally {
      await db.close();
    }
  });

  test('an expected head that the chain holds passes; one with another hash at that block fails', async () => {
    const db = await openTestDatabase();
    try {
      await seedCorrections(db);
      const { head } = await verifyAudit(db.store.pool);
      await changeAs(db.store.pool, 'dr.bart', 'another', (c) =>
        c.query("UPDATE visit SET esr = 28 WHERE visit_id = 'V1'"),
      );
      // The chain grew past the kept head: still fine.
      const grown = await verifyAudit(db.store.pool, { expectHeads: [head] });
      assert.deepEqual(grown.problems, []);
      assert.ok(grown.head.blockSeq > head.blockSeq);
      const wrong = await verifyAudit(db.store.pool, {
        expectHeads: [{ blockSeq: head.blockSeq, hash: 'ab'.repeat(32) }],
      });
      assert.match(
        wrong.problems.map((p) => p.message).join('\n'),
        /block \d+ has hash [0-9a-f]{64}, not the expected abab/,
      );
    } finally {
      await db.close();
    }
  });

  test('a signed anchor, kept outside the database, catches the cut; an edited anchor is refused', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'jia-anchor-test-'));
    const db = await openTestDatabase();
    try {
      await seedCorrections(db);
      const anchor = await createAnchor(db.store.pool, { keyDir });
      const statements = parseAnchors(`${JSON.stringify(anchor)}\n`, 'anchors.jsonl');
      const good = checkAnchors(statements, { keyDir });
      assert.deepEqual(good.problems, []);
      assert.deepEqual(good.heads, [{ blockSeq: anchor.blockSeq, hash: anchor.hash }]);

      const edited = { ...anchor, blockSeq: anchor.blockSeq - 1 };
      const bad = checkAnchors([edited], { keyDir });
      assert.deepEqual(bad.heads, []);
      assert.match(bad.problems[0]?.message ?? '', /signature does not verify/);

      await asSuperuser(db, async (c) => {
        await c.query(
          'DELETE FROM audit_event WHERE batch_id IN (SELECT unnest(batch_ids) FROM audit_block WHERE block_seq = $1)',
          [anchor.blockSeq],
        );
        await c.query('DELETE FROM audit_block WHERE block_seq = $1', [anchor.blockSeq]);
        await c.query(
          'UPDATE audit_head SET block_seq = b.block_seq, block_hash = b.block_hash FROM audit_block b WHERE b.block_seq = $1',
          [anchor.blockSeq - 1],
        );
        await c.query("UPDATE visit SET esr = 25, version = 2 WHERE visit_id = 'V1'");
      });
      const report = await verifyAudit(db.store.pool, { expectHeads: good.heads });
      assert.equal(report.ok, false);
    } finally {
      await db.close();
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});

describe("attack 3 on a backup: the manifest's head", () => {
  test('is signed; a manifest edited to an older head is refused before anything is restored', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'jia-anchor-test-'));
    const source = await openTestDatabase();
    const target = await openTestDatabase();
    try {
      await seedCorrections(source);
      const dir = join(keyDir, 'backup'); // removed with the key folder
      const written = await backupDatabase(source.store.pool, dir, {
        sign: { keyDir, database: 'test' },
      });
      const manifestFile = join(dir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
      assert.equal(manifest.signedHead.hash, written.auditHead.hash);
      writeFileSync(
        manifestFile,
        JSON.stringify({ ...manifest, auditHead: { blockSeq: '1', hash: '00'.repeat(32) } }),
      );
      await assert.rejects(
        restoreDatabase(target.store.ownerPool(), dir, { keyDir }),
        (error) =>
          isJiaError(error, 'BACKUP_INVALID') && /is not the signed one/.test(error.message),
      );
    } finally {
      await source.close();
      await target.close();
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});

describe('attack 4: the unsealed window', () => {
  test('events held back by an open transaction are counted and aged, and the transaction is named', async () => {
    const db = await openTestDatabase();
    const holder = new pg.Client({
      connectionString: db.url,
      application_name: 'forgotten-report',
    });
    await holder.connect();
    try {
      await seedStudy(db.store.pool, 'S', ['P1'], ACTOR);
      await sealNow(db.store.pool);
      // An open transaction with a transaction id holds the sealed horizon back.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      await changeAs(db.store.pool, ACTOR, undefined, (c) =>
        c.query(`INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr)
                 VALUES ('S', 'V1', 'P1', '2019-01-01', 40)`),
      );
      await sealNow(db.store.pool);
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
        .rows[0]?.pid;

      // Below the limit: reported, no alert.
      const calm = await verifyAudit(db.store.pool, { unsealedAlertSeconds: 3600 });
      assert.equal(calm.ok, true);
      assert.equal(calm.unsealed.events, 1);
      assert.ok(calm.unsealed.oldestAgeSeconds !== null && calm.unsealed.oldestAgeSeconds >= 0);
      assert.equal(calm.unsealed.heldBy?.pid, holderPid);
      assert.equal(calm.unsealed.heldBy?.applicationName, 'forgotten-report');
      assert.deepEqual(calm.alerts, []);

      // Past the limit: an alert that names the transaction and says what to do.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const late = await verifyAudit(db.store.pool, { unsealedAlertSeconds: 1 });
      assert.equal(late.alerts.length, 1);
      assert.match(
        late.alerts[0]?.message ?? '',
        new RegExp(
          `1 audit events are not sealed.*pid ${holderPid}.*forgotten-report.*pg_terminate_backend`,
        ),
      );
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
      await db.close();
    }
  });

  test('with nothing held back, nothing is unsealed and nothing is named', async () => {
    const db = await openTestDatabase();
    try {
      await seedStudy(db.store.pool, 'S', ['P1'], ACTOR);
      const report = await verifyAudit(db.store.pool, { unsealedAlertSeconds: 0 });
      assert.deepEqual(report.unsealed, {
        events: 0,
        oldestAt: null,
        oldestAgeSeconds: null,
        heldBy: null,
      });
      assert.deepEqual(report.alerts, []);
    } finally {
      await db.close();
    }
  });
});

describe('least privilege: a superuser as the runtime role', () => {
  test('is refused when the owner is configured apart from it', async () => {
    const db = await openTestDatabase();
    try {
      // The test server's superuser as DATABASE_URL, the owner's URL apart.
      const superUrl = new URL(db.ownerUrl);
      superUrl.searchParams.set('application_name', 'jia-trial-superuser-as-runtime');
      await assert.rejects(
        openStore({ databaseUrl: superUrl.toString(), ownerDatabaseUrl: db.ownerUrl }),
        (error) => isJiaError(error, 'DATABASE_INSECURE') && /superuser/.test(error.message),
      );
    } finally {
      await db.close();
    }
  });
});
