/**
 * The sealed allocation list in the store (migration 0026_random; ADR 0047): generated once,
 * unreadable by the runtime role, allocated in sequence through the owner's function only,
 * refused when a lock covers the subject, unblinded with a reason; the audit trail records
 * generation, allocation and unblinding without an arm; verify detects a changed list; a
 * backup carries the sealed list and restores it. Whether a subject is due is the protocol's
 * (@jia-trial/protocol randomisationDue, tested there) and is tested through the server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import {
  generateAllocationList,
  type ProtocolDefinition,
  type RandomisationSpec,
} from '@jia-trial/protocol';
import { verifyAudit } from '../audit/verify-audit.js';
import { backupDatabase, restoreDatabase } from '../backup.js';
import { placeLock } from '../locks/locks.js';
import { openTestDatabase, seedStudy, type TestDatabase, testActor } from '../test-support.js';
import { type Actor, type Transaction, withTransaction } from '../transaction.js';
import {
  generateAllocationListOf,
  listUnblindings,
  readAllocationList,
  readArms,
  readSubjectAllocation,
  unblindSubject,
} from './randomisation.js';
import { verifyAllocationList } from './verify-list.js';

const SPEC: RandomisationSpec = {
  arms: [
    { id: 'continue', label: 'Continue treatment', ratio: 1 },
    { id: 'withdraw', label: 'Placebo (withdrawal)', ratio: 1 },
  ],
  blockSizes: [2, 4],
  strata: [{ field: 'ilar_category', groups: { systemic: ['systemic'], other: ['psoriatic'] } }],
  step: { visit: 'W12' },
  listLengthPerStratum: 4,
  blindedRoles: ['investigator', 'nurse'],
  unblindingRoles: ['investigator'],
};
// Only what the services read of a protocol: its id, version and randomisation.
const PROTOCOL = { id: 'rand-test', version: '1.0', randomisation: SPEC } as ProtocolDefinition;
const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

let db: TestDatabase;
const manager: Actor = testActor('manager');
const investigator: Actor = testActor('investigator');
const as = <T>(actor: Actor, reason: string | null, work: (tx: Transaction) => Promise<T>) =>
  withTransaction(db.store, actor, reason, work);
/** randomisation_allocate as the runtime role, as allocateSubject calls it once the step is due. */
const allocate = (subject: string, stratum: string) =>
  as(investigator, null, async (tx) => {
    const found = await tx.client.query<{ stratum: string; sequence: number; arm: string }>(
      "SELECT * FROM randomisation_allocate('S', $1, $2)",
      [subject, stratum],
    );
    return found.rows[0];
  });
const code = (expected: string) => (error: unknown) => {
  assert.ok(isJiaError(error), String(error));
  assert.equal(error.code, expected, error.message);
  return true;
};

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P01', 'P02', 'P03', 'P04', 'P05', 'P06']);
  await seedStudy(db.store.pool, 'T', ['Q01']);
});
after(async () => db?.close());

describe('randomisation in the store', () => {
  test('the list is generated once from the seed, its header holds digests and counts', async () => {
    const header = await as(manager, null, (tx) =>
      generateAllocationListOf(tx, { studyId: 'S', protocol: PROTOCOL, seed: SEED }),
    );
    assert.equal(header.entryCount, 8);
    assert.deepEqual(
      header.strata.map((s) => [s.stratum, s.size, s.allocated, s.remaining]),
      [
        ['ilar_category=other', 4, 0, 4],
        ['ilar_category=systemic', 4, 0, 4],
      ],
    );
    assert.match(header.listDigest, /^[0-9a-f]{64}$/);
    assert.notEqual(header.seedDigest, SEED);
    assert.equal(header.generated.by.name, 'manager');
    await assert.rejects(
      as(manager, null, (tx) =>
        generateAllocationListOf(tx, { studyId: 'S', protocol: PROTOCOL, seed: SEED }),
      ),
      code('ALLOCATION_LIST_EXISTS'),
    );
    await assert.rejects(
      as(manager, null, (tx) =>
        generateAllocationListOf(tx, { studyId: 'T', protocol: PROTOCOL, seed: 'abc' }),
      ),
      code('VALIDATION_FAILED'),
    );
    assert.equal(await readAllocationList(db.store.pool, 'T'), null, 'nothing stored for T');
  });

  test('the runtime role cannot read the sealed entries or the seed, nor write the header', async () => {
    for (const sql of [
      'SELECT * FROM randomisation_entry',
      'SELECT * FROM randomisation_seed',
      "UPDATE randomisation_list SET list_digest = repeat('0', 64)",
      "INSERT INTO randomisation_allocation (study_id, subject_id, stratum, sequence, allocated_by, allocated_by_name, allocated_at) VALUES ('S', 'P06', 'ilar_category=systemic', 4, 'x', 'x', now())",
    ])
      await assert.rejects(
        as(investigator, 'peek', (tx) => tx.client.query(sql)),
        code('PERMISSION_DENIED'),
        sql,
      );
  });

  test('allocation takes the stratum entries in sequence; no arm is read before its turn', async () => {
    const expected = generateAllocationList(SPEC, SEED).filter(
      (e) => e.stratum === 'ilar_category=systemic',
    );
    assert.deepEqual(await readArms(db.store.pool, 'S'), new Map(), 'no arm before an allocation');
    const first = await allocate('P01', 'ilar_category=systemic');
    assert.deepEqual(first, {
      stratum: 'ilar_category=systemic',
      sequence: 1,
      arm: expected[0]?.arm,
    });
    const second = await allocate('P02', 'ilar_category=systemic');
    assert.equal(second?.sequence, 2);
    assert.equal(second?.arm, expected[1]?.arm);
    assert.deepEqual(
      await readArms(db.store.pool, 'S'),
      new Map([
        ['P01', expected[0]?.arm],
        ['P02', expected[1]?.arm],
      ]),
      'the arms of allocated subjects only',
    );
    const allocation = await readSubjectAllocation(db.store.pool, 'S', 'P01');
    assert.equal(allocation?.allocated.by.name, 'investigator');
    const header = await readAllocationList(db.store.pool, 'S');
    assert.deepEqual(
      header?.strata.find((s) => s.stratum === 'ilar_category=systemic'),
      { stratum: 'ilar_category=systemic', size: 4, allocated: 2, remaining: 2 },
    );
  });

  test('refusals: allocated already, no list, exhausted stratum, unknown stratum', async () => {
    await assert.rejects(allocate('P01', 'ilar_category=systemic'), code('ALREADY_RANDOMISED'));
    await assert.rejects(
      as(investigator, null, (tx) =>
        tx.client.query("SELECT * FROM randomisation_allocate('T', 'Q01', 'all')"),
      ),
      code('ALLOCATION_LIST_MISSING'),
    );
    await assert.rejects(
      allocate('P03', 'ilar_category=enthesitis'),
      code('ALLOCATION_LIST_EXHAUSTED'),
    );
    await allocate('P03', 'ilar_category=systemic');
    await allocate('P04', 'ilar_category=systemic');
    await assert.rejects(
      allocate('P05', 'ilar_category=systemic'),
      (error: unknown) =>
        code('ALLOCATION_LIST_EXHAUSTED')(error) && /all 4 entries allocated/.test(String(error)),
    );
  });

  test('allocations at the same time take consecutive entries, none twice', async () => {
    await seedStudy(db.store.pool, 'C', ['C1', 'C2', 'C3', 'C4', 'C5']);
    await as(manager, null, (tx) =>
      generateAllocationListOf(tx, { studyId: 'C', protocol: PROTOCOL, seed: SEED }),
    );
    const at = (subject: string) =>
      as(investigator, null, async (tx) => {
        const found = await tx.client.query<{ sequence: number }>(
          "SELECT sequence FROM randomisation_allocate('C', $1, 'ilar_category=systemic')",
          [subject],
        );
        return found.rows[0]?.sequence;
      });
    const taken = await Promise.allSettled(['C1', 'C2', 'C3', 'C4', 'C5'].map(at));
    const sequences = taken.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    assert.deepEqual([...sequences].sort(), [1, 2, 3, 4]);
    const refusedOne = taken.filter((t) => t.status === 'rejected');
    assert.equal(refusedOne.length, 1, 'the fifth finds the stratum used up');
    code('ALLOCATION_LIST_EXHAUSTED')((refusedOne[0] as PromiseRejectedResult).reason);
  });

  test('a lock in force over the subject refuses its allocation (RECORD_LOCKED)', async () => {
    await as(manager, 'hold', (tx) =>
      placeLock(tx, { studyId: 'S', scope: 'subject', key: 'P05', kind: 'freeze', reason: 'hold' }),
    );
    await assert.rejects(allocate('P05', 'ilar_category=other'), code('RECORD_LOCKED'));
    assert.equal(await readSubjectAllocation(db.store.pool, 'S', 'P05'), null);
  });

  test('an emergency unblinding needs a reason, records who and why, returns the arm', async () => {
    await assert.rejects(
      as(investigator, 'x', (tx) =>
        unblindSubject(tx, { studyId: 'S', subjectId: 'P06', role: 'investigator', reason: 'SAE' }),
      ),
      code('NOT_RANDOMISED'),
    );
    await assert.rejects(
      as(investigator, 'x', (tx) =>
        unblindSubject(tx, { studyId: 'S', subjectId: 'P01', role: 'investigator', reason: ' ' }),
      ),
      code('VALIDATION_FAILED'),
    );
    const reason = 'anaphylaxis: treating team must know the arm';
    const { unblinding, arm } = await as(investigator, reason, (tx) =>
      unblindSubject(tx, { studyId: 'S', subjectId: 'P01', role: 'investigator', reason }),
    );
    assert.equal(arm, (await readArms(db.store.pool, 'S', 'P01')).get('P01'));
    assert.equal(unblinding.unblindingId, 'U-1');
    assert.equal(unblinding.reason, reason);
    assert.equal(unblinding.unblinded.by.name, 'investigator');
    assert.deepEqual(
      (await listUnblindings(db.store.pool, 'S')).map((u) => u.unblindingId),
      ['U-1'],
    );
  });

  test('nothing of a randomisation changes, not even as the owner', async () => {
    const owner = db.store.ownerPool();
    for (const sql of [
      "UPDATE randomisation_entry SET arm = 'continue'",
      "DELETE FROM randomisation_allocation WHERE subject_id = 'P01'",
      "UPDATE randomisation_unblinding SET reason = 'none'",
    ])
      await assert.rejects(owner.query(sql), /never changed or deleted/, sql);
  });

  test('the audit trail records generation, allocation and unblinding, never an arm', async () => {
    const events = await db.store.pool.query<{
      table_name: string;
      study_id: string;
      text: string;
    }>(
      `SELECT table_name, study_id, coalesce(new_values::text, '') || coalesce(old_values::text, '') AS text
         FROM audit_event WHERE table_name LIKE 'randomisation%' ORDER BY event_id`,
    );
    assert.deepEqual([...new Set(events.rows.map((e) => e.table_name))].sort(), [
      'randomisation_allocation',
      'randomisation_list',
      'randomisation_unblinding',
    ]);
    assert.equal(
      events.rows.filter((e) => e.table_name === 'randomisation_allocation' && e.study_id === 'S')
        .length,
      4,
    );
    for (const event of events.rows)
      for (const arm of SPEC.arms) {
        assert.ok(!event.text.includes(`"${arm.id}"`), `${event.table_name}: ${event.text}`);
        assert.ok(!event.text.includes(arm.label), event.text);
      }
    const audit = await verifyAudit(db.store.pool);
    assert.equal(audit.ok, true, JSON.stringify(audit.problems));
  });

  test('verify recomputes the digest, checks the seed and regenerates; a changed list is found', async () => {
    const owner = db.store.ownerPool();
    const good = await verifyAllocationList(owner, 'S', PROTOCOL);
    assert.equal(good.ok, true, good.problems.join('; '));
    assert.equal(good.regenerated, true);
    await assert.rejects(verifyAllocationList(owner, 'T', PROTOCOL), code('NOT_FOUND'));
    // Tampering as the owner, with the guard disabled (what only a superuser or the owner could do).
    const client = await owner.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'ALTER TABLE randomisation_entry DISABLE TRIGGER randomisation_never_changes',
      );
      await client.query(
        "UPDATE randomisation_entry SET arm = CASE arm WHEN 'continue' THEN 'withdraw' ELSE 'continue' END WHERE sequence = 4",
      );
      const bad = await verifyAllocationList(client, 'S', PROTOCOL);
      assert.equal(bad.ok, false);
      assert.equal(bad.digestMatches, false);
      assert.match(bad.problems.join('; '), /changed after it was sealed/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  test('a backup carries the sealed list (through the owner) and a restore verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rand-backup-'));
    try {
      await assert.rejects(
        backupDatabase(db.store.pool, join(dir, 'no-owner')),
        code('PERMISSION_DENIED'),
      );
      const made = await backupDatabase(db.store.pool, join(dir, 'b'), {
        sealed: db.store.ownerPool(),
      });
      assert.ok(made.rows > 0);
      const target = await openTestDatabase();
      try {
        const restored = await restoreDatabase(target.store.ownerPool(), join(dir, 'b'));
        assert.equal(restored.restored, true, JSON.stringify(restored.audit));
        const verified = await verifyAllocationList(target.store.ownerPool(), 'S', PROTOCOL);
        assert.equal(verified.ok, true, verified.problems.join('; '));
        assert.deepEqual(
          await readArms(target.store.pool, 'S'),
          await readArms(db.store.pool, 'S'),
        );
      } finally {
        await target.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
