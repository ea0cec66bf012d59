/**
 * Locks in the store and the database's guard (migrations/0023_locks.sql): each scope and kind,
 * both sides (refused while in force, accepted once released), through the store's services and
 * through plain SQL as the runtime role, the lock's own record rules, and the audit trail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError, type JiaError } from '@jia-trial/errors';
import { alert } from '@jia-trial/protocol';
import { verifyAudit } from '../audit/verify-audit.js';
import { createMedication } from '../records/medications.js';
import { acknowledgeAlert } from '../review/alerts.js';
import { raiseQuery } from '../review/queries.js';
import { signRecord } from '../review/signatures.js';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { type Actor, type Transaction, withTransaction } from '../transaction.js';
import { saveVisit } from '../visits.js';
import { listLocks, placeLock, type RecordLock, releaseLock } from './locks.js';
import { signAndFreeze } from './sign-and-freeze.js';

let db: TestDatabase;
let manager: Actor;
let signer: Actor;
const nurse = { id: 'test:nurse', name: 'nurse' };

function as<T>(actor: Actor, reason: string | null, work: (tx: Transaction) => Promise<T>) {
  return withTransaction(db.store, actor, reason, work);
}
const lock = (scope: string, key: string, kind: string, reason = 'interim analysis') =>
  as(manager, reason, (tx) => placeLock(tx, { studyId: 'S', scope, key, kind, reason }));
const release = (lockId: string, reason = 'correction agreed with the monitor') =>
  as(manager, reason, (tx) => releaseLock(tx, { studyId: 'S', lockId, reason }));

/** The visit saved again with another ESR (a change of its data). */
async function editVisit(visitId: string, subjectId: string, esr: number) {
  const version = await db.store.pool.query<{ version: number }>(
    "SELECT version FROM visit WHERE study_id = 'S' AND visit_id = $1",
    [visitId],
  );
  return saveVisit(
    db.store.pool,
    'S',
    { visitId, subjectId, visitDate: '2020-01-01', esr },
    version.rows[0]?.version ?? null,
    { actor: nurse, reason: 'corrected' },
  );
}

/** Asserts RECORD_LOCKED naming `lockId` and the refused record. */
async function refusedBy(work: Promise<unknown>, lockId: string, record?: string) {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(isJiaError(error), String(error));
    const e = error as JiaError;
    assert.equal(e.code, 'RECORD_LOCKED', e.message);
    // Named as a listing names it: id, scope, key, kind, who, when, why.
    const named = e.details?.lock as RecordLock;
    assert.equal(named.lockId, lockId);
    assert.ok(named.reason.length > 0);
    assert.ok(named.locked.by.id && named.locked.by.name && named.locked.at);
    assert.ok(named.scope && named.key && named.kind);
    if (record)
      assert.ok(
        e.issues.some((i) => i.record === record),
        JSON.stringify(e.issues),
      );
    return true;
  });
}

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P2']);
  await changeAs(db.store.pool, 'admin', undefined, async (client) => {
    const users = await client.query<{ username: string; id: string }>(
      `INSERT INTO app_user (username, display_name, disabled) VALUES
         ('dora', 'Dora Data-Manager', false), ('ivy', 'Dr Ivy', false)
       RETURNING username, row_id::text AS id`,
    );
    const ids = Object.fromEntries(users.rows.map((u) => [u.username, u.id]));
    manager = { id: `user:${ids.dora}`, name: 'Dora Data-Manager' };
    signer = { id: `user:${ids.ivy}`, name: 'Dr Ivy' };
  });
  for (const [visitId, subjectId] of [
    ['V1', 'P1'],
    ['V2', 'P1'],
    ['W1', 'P2'],
  ] as const)
    await saveVisit(
      db.store.pool,
      'S',
      { visitId, subjectId, visitDate: '2020-01-01', esr: 20 },
      null,
      { actor: nurse },
    );
});
after(() => db?.close());

describe('a visit frozen', () => {
  let frozen: RecordLock;
  test('placing it: who, when, why, kind; its subject and visit', async () => {
    frozen = await lock('visit', 'V1', 'freeze', 'visit reviewed');
    assert.equal(frozen.lockId, 'L-1');
    assert.equal(frozen.scope, 'visit');
    assert.equal(frozen.kind, 'freeze');
    assert.equal(frozen.subjectId, 'P1');
    assert.equal(frozen.visitId, 'V1');
    assert.equal(frozen.locked.by.id, manager.id);
    assert.equal(frozen.reason, 'visit reviewed');
    assert.equal(frozen.siteCode, 'A');
    assert.equal(frozen.inForce, true);
  });

  test("refuses a change of the visit and of its joint findings, through the store and plain SQL; another visit's change passes", async () => {
    await refusedBy(editVisit('V1', 'P1', 30), frozen.lockId, 'S/V1');
    await refusedBy(
      changeAs(db.store.pool, 'nurse', undefined, (client) =>
        client.query(
          "INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited) VALUES ('S', 'V1', 'knee_l', true, false, false)",
        ),
      ),
      frozen.lockId,
      'S/V1/knee_l',
    );
    // The runtime role's plain UPDATE, no store service in between.
    await refusedBy(
      changeAs(db.store.pool, 'nurse', 'by hand', (client) =>
        client.query("UPDATE visit SET esr = 31 WHERE study_id = 'S' AND visit_id = 'V1'"),
      ),
      frozen.lockId,
    );
    const stored = await db.store.pool.query(
      "SELECT esr, version FROM visit WHERE study_id = 'S' AND visit_id = 'V1'",
    );
    assert.deepEqual(stored.rows[0], { esr: '20', version: 1 });
    // Not covered: another visit of the subject, and the subject's own records.
    const other = await editVisit('V2', 'P1', 25);
    assert.equal(other.version, 2);
    await as(nurse, null, (tx) =>
      createMedication(
        tx,
        'S',
        {
          subjectId: 'P1',
          drug: 'methotrexate',
          drugClass: 'csdmard',
          startDate: '2019-02-01',
        } as never,
        'all',
      ),
    );
  });

  test('a freeze still takes a query and a signature on the visit', async () => {
    const query = await as(manager, null, (tx) =>
      raiseQuery(tx, { studyId: 'S', table: 'visit', recordKey: 'S/V1', question: 'ESR?' }),
    );
    assert.equal(query.status, 'open');
    const signature = await as(signer, null, (tx) =>
      signRecord(tx, { studyId: 'S', subjectId: 'P1', visitId: 'V1', meaning: 'reviewed' }),
    );
    assert.equal(signature.visitId, 'V1');
  });

  test('a second lock of the same visit while it is in force is RECORD_LOCKED, naming the first', async () => {
    await refusedBy(lock('visit', 'V1', 'lock'), frozen.lockId);
  });

  test('release: needs a reason; then the change passes; a second release is INVALID_TRANSITION', async () => {
    await assert.rejects(
      as(manager, null, (tx) =>
        releaseLock(tx, { studyId: 'S', lockId: frozen.lockId, reason: ' ' }),
      ),
      (e: unknown) => isJiaError(e) && e.code === 'REASON_REQUIRED',
    );
    const released = await release(frozen.lockId);
    assert.equal(released.inForce, false);
    assert.equal(released.released?.reason, 'correction agreed with the monitor');
    assert.equal(released.released?.by.id, manager.id);
    const edited = await editVisit('V1', 'P1', 30);
    assert.equal(edited.version, 2);
    await assert.rejects(
      release(frozen.lockId),
      (e: unknown) => isJiaError(e) && e.code === 'INVALID_TRANSITION',
    );
  });
});

describe('a subject locked (database lock)', () => {
  let locked: RecordLock;
  test('refuses its data, its queries and signatures, its visit-level records; another subject passes', async () => {
    locked = await lock('subject', 'P2', 'lock');
    await refusedBy(editVisit('W1', 'P2', 40), locked.lockId, 'S/W1');
    await refusedBy(
      as(manager, null, (tx) =>
        raiseQuery(tx, { studyId: 'S', table: 'visit', recordKey: 'S/W1', question: 'ESR?' }),
      ),
      locked.lockId,
    );
    await refusedBy(
      as(signer, null, (tx) =>
        signRecord(tx, { studyId: 'S', subjectId: 'P2', visitId: null, meaning: 'approved' }),
      ),
      locked.lockId,
    );
    await refusedBy(
      changeAs(db.store.pool, 'nurse', 'moved', (client) =>
        client.query("UPDATE subject SET sex = 'M' WHERE study_id = 'S' AND subject_id = 'P2'"),
      ),
      locked.lockId,
      'S/P2',
    );
    assert.equal((await editVisit('V1', 'P1', 33)).version, 3);
  });

  test('a visit lock (lock) refuses a casebook signature of its subject; a freeze does not', async () => {
    const visitLock = await lock('visit', 'V2', 'lock');
    await refusedBy(
      as(signer, null, (tx) =>
        signRecord(tx, { studyId: 'S', subjectId: 'P1', visitId: null, meaning: 'approved' }),
      ),
      visitLock.lockId,
    );
    await release(visitLock.lockId);
    const visitFreeze = await lock('visit', 'V2', 'freeze');
    const casebook = await as(signer, null, (tx) =>
      signRecord(tx, { studyId: 'S', subjectId: 'P1', visitId: null, meaning: 'approved' }),
    );
    assert.equal(casebook.visitId, null);
    await release(visitFreeze.lockId);
  });

  test('after release the query and the signature pass', async () => {
    await release(locked.lockId);
    const query = await as(manager, null, (tx) =>
      raiseQuery(tx, { studyId: 'S', table: 'visit', recordKey: 'S/W1', question: 'ESR?' }),
    );
    assert.equal(query.status, 'open');
    assert.equal((await editVisit('W1', 'P2', 41)).version, 2);
  });
});

test('an alert acknowledgement: taken under a freeze of the casebook, refused under a lock', async () => {
  const acknowledge = (aeId: string) =>
    as(signer, null, (tx) =>
      acknowledgeAlert(tx, {
        studyId: 'S',
        subjectId: 'P2',
        alert: alert(
          'SAE_REPORT_DUE',
          'urgent',
          `serious AE ${aeId}`,
          { aeId, awarenessDate: '2020-05-10' },
          { source: 'test' },
        ),
        comment: 'PI informed',
        basedOnVersion: null,
      }),
    );
  const freeze = await lock('subject', 'P2', 'freeze');
  assert.equal((await acknowledge('AE1')).subjectId, 'P2');
  await release(freeze.lockId);
  const locked = await lock('subject', 'P2', 'lock');
  await refusedBy(acknowledge('AE2'), locked.lockId);
  await release(locked.lockId);
  assert.equal((await acknowledge('AE2')).subjectId, 'P2');
});

describe('the study locked', () => {
  test('refuses a new subject and every record; a freeze of the study takes queries', async () => {
    const studyLock = await lock('study', 'S', 'lock');
    await refusedBy(
      changeAs(db.store.pool, 'nurse', undefined, (client) =>
        client.query(
          `INSERT INTO subject (study_id, subject_id, site_code, sex, birth_date, ilar_category, diagnosis_date)
           VALUES ('S', 'P9', 'A', 'F', '2010-04', 'systemic', '2015-01-01')`,
        ),
      ),
      studyLock.lockId,
      'S/P9',
    );
    await release(studyLock.lockId);
    const studyFreeze = await lock('study', 'S', 'freeze');
    await refusedBy(editVisit('W1', 'P2', 42), studyFreeze.lockId);
    const query = await as(manager, null, (tx) =>
      raiseQuery(tx, { studyId: 'S', table: 'visit', recordKey: 'S/W1', question: 'again?' }),
    );
    assert.equal(query.status, 'open');
    await release(studyFreeze.lockId);
  });
});

describe('keys and the lock record', () => {
  test('a key the study does not have is NOT_FOUND; a bad scope or kind VALIDATION_FAILED', async () => {
    for (const [scope, key] of [
      ['visit', 'NOPE'],
      ['subject', 'NOPE'],
      ['study', 'OTHER'],
    ] as const)
      await assert.rejects(
        lock(scope, key, 'lock'),
        (e: unknown) => isJiaError(e) && e.code === 'NOT_FOUND',
      );
    await assert.rejects(lock('site', 'A', 'seal'), (e: unknown) => {
      assert.ok(isJiaError(e) && e.code === 'VALIDATION_FAILED');
      assert.deepEqual(
        e.issues.map((i) => i.path),
        ['scope', 'kind'],
      );
      return true;
    });
  });

  test('a lock is never deleted, and changed only by its release (JT014)', async () => {
    const l = await lock('visit', 'W1', 'freeze');
    await assert.rejects(
      changeAs(db.store.pool, 'dora', 'gone', (client) =>
        client.query("DELETE FROM record_lock WHERE study_id = 'S' AND lock_id = $1", [l.lockId]),
      ),
      (e: unknown) => isJiaError(e) && e.code === 'INVALID_TRANSITION',
    );
    await assert.rejects(
      changeAs(db.store.pool, 'dora', 'softer', (client) =>
        client.query("UPDATE record_lock SET reason = 'x' WHERE study_id = 'S' AND lock_id = $1", [
          l.lockId,
        ]),
      ),
      (e: unknown) => isJiaError(e) && e.code === 'INVALID_TRANSITION',
    );
    await release(l.lockId);
  });

  test('listing: in force or released, by scope and by subject (its own, its visits, the study)', async () => {
    const all = await listLocks(db.store.pool, 'S');
    assert.equal(all.length, 9);
    assert.equal((await listLocks(db.store.pool, 'S', { inForce: true })).length, 0);
    const p2 = await listLocks(db.store.pool, 'S', { subjectId: 'P2' });
    assert.ok(p2.every((l) => l.scope === 'study' || l.subjectId === 'P2'));
    assert.ok(p2.some((l) => l.scope === 'study'));
    assert.ok(
      (await listLocks(db.store.pool, 'S', { scope: 'visit' })).every((l) => l.scope === 'visit'),
    );
    assert.deepEqual(await listLocks(db.store.pool, 'S', { sites: ['B'], scope: 'visit' }), []);
  });
});

describe('signing may lock', () => {
  test('a visit signed with a freeze: the signature and the freeze in one; the data refused, then released', async () => {
    const { signature, lock: freeze } = await as(signer, null, (tx) =>
      signAndFreeze(tx, { studyId: 'S', subjectId: 'P1', visitId: 'V1', meaning: 'approved' }),
    );
    assert.equal(freeze.kind, 'freeze');
    assert.equal(freeze.signatureId, signature.signatureId);
    assert.equal(freeze.locked.by.id, signer.id);
    await refusedBy(editVisit('V1', 'P1', 50), freeze.lockId);
    // Signing again under the freeze: allowed, and the freeze in force is the one returned.
    const again = await as(signer, null, (tx) =>
      signAndFreeze(tx, { studyId: 'S', subjectId: 'P1', visitId: 'V1', meaning: 'reviewed' }),
    );
    assert.equal(again.lock.lockId, freeze.lockId);
    await release(freeze.lockId);
    assert.equal((await editVisit('V1', 'P1', 50)).version, 4);
  });
});

test('the audit trail: every lock and release is an event with its reason; verify-audit passes', async () => {
  const events = await db.store.pool.query<{ operation: string; reason: string | null }>(
    "SELECT operation, reason FROM audit_event WHERE table_name = 'record_lock' AND record_key = 'S/L-1' ORDER BY event_id",
  );
  assert.deepEqual(
    events.rows.map((e) => e.operation),
    ['insert', 'update'],
  );
  assert.equal(events.rows[1]?.reason, 'correction agreed with the monitor');
  assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
});
