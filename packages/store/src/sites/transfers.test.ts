import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { verifyAudit } from '../audit/verify-audit.js';
import { translateDatabaseError } from '../errors.js';
import { listSubjects } from '../records/subject-reads.js';
import {
  changeAs,
  openTestDatabase,
  seedStudy,
  type TestDatabase,
  testActor,
} from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { transferSubject, transfersOf } from './transfers.js';

let db: TestDatabase;
const dataManager = testActor('dm.dora');

const transfer = (
  toSite: string,
  basedOnVersion: number,
  reason: string | null = 'family moved',
  sites: readonly string[] | 'all' = 'all',
) =>
  withTransaction(db.store, dataManager, reason, (tx) =>
    transferSubject(tx, { studyId: 'S', subjectId: 'P1', toSite, basedOnVersion }, sites),
  );
async function rejects(work: Promise<unknown>, code: string) {
  await assert.rejects(work, (e) => isJiaError(e) && e.code === code);
}
const version = async () =>
  (
    await db.store.pool.query<{ version: number }>(
      "SELECT version FROM subject WHERE subject_id = 'P1'",
    )
  ).rows[0]?.version as number;

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1']);
  await changeAs(db.store.pool, 'setup', undefined, (c) =>
    c.query("INSERT INTO site (study_id, site_code) VALUES ('S', 'B')"),
  );
});
after(() => db.close());

test('a transfer moves the subject, is kept with who, when and why, and access follows the site', async () => {
  const done = await transfer('B', await version());
  assert.deepEqual(
    { ...done, transferredAt: typeof done.transferredAt },
    {
      subjectId: 'P1',
      transferNo: 1,
      fromSite: 'A',
      toSite: 'B',
      reason: 'family moved',
      transferredBy: dataManager,
      transferredAt: 'string',
      version: 2,
    },
  );
  assert.deepEqual(
    (await listSubjects(db.store, 'S', ['A'])).map((s) => s.subjectId),
    [],
  );
  assert.deepEqual(
    (await listSubjects(db.store, 'S', ['B'])).map((s) => s.subjectId),
    ['P1'],
  );
  const kept = await transfersOf(db.store.pool, 'S', 'P1');
  assert.deepEqual(
    kept.map((t) => [t.transferNo, t.fromSite, t.toSite, t.reason]),
    [[1, 'A', 'B', 'family moved']],
  );
  const events = await db.store.pool.query<{ table_name: string; reason: string }>(
    "SELECT table_name, reason FROM audit_event WHERE table_name IN ('subject', 'subject_transfer') AND reason = 'family moved'",
  );
  assert.deepEqual(events.rows.map((e) => e.table_name).sort(), ['subject', 'subject_transfer']);
});

test('refusals: no reason, the same site, no such site, an old version, a subject outside the sites', async () => {
  await rejects(transfer('A', await version(), null), 'REASON_REQUIRED');
  await rejects(transfer('B', await version()), 'VALIDATION_FAILED');
  await rejects(transfer('NOWHERE', await version()), 'NOT_FOUND');
  await rejects(transfer('A', 1), 'VERSION_CONFLICT');
  await rejects(transfer('A', await version(), 'x', ['A']), 'NOT_FOUND');
  assert.equal((await transfersOf(db.store.pool, 'S', 'P1')).length, 1, 'nothing refused was kept');
});

test('a transfer is never changed or deleted: the runtime role may not, and the trigger refuses the owner', async () => {
  await rejects(
    changeAs(db.store.pool, 'app', 'rewrite', (c) =>
      c.query("UPDATE subject_transfer SET reason = 'other'"),
    ),
    'PERMISSION_DENIED',
  );
  for (const sql of [
    "UPDATE subject_transfer SET reason = 'other'",
    'DELETE FROM subject_transfer',
  ])
    await assert.rejects(
      db.store.ownerPool().query(sql),
      (error) => isJiaError(translateDatabaseError(error), 'AUDIT_APPEND_ONLY'),
      sql,
    );
  assert.deepEqual(
    (await transfersOf(db.store.pool, 'S', 'P1')).map((t) => t.reason),
    ['family moved'],
  );
  assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
});
