import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { verifyAudit } from '../audit/verify-audit.js';
import {
  changeAs,
  openTestDatabase,
  seedStudy,
  type TestDatabase,
  testActor,
} from '../test-support.js';
import { withSnapshot, withTransaction } from '../transaction.js';
import { saveVisit } from '../visits.js';
import { sdvOutstanding, sdvProgress } from './sdv-progress.js';
import { markVerified, type SdvTarget, subjectSdvItems } from './verifications.js';

let db: TestDatabase;
const monitor = testActor('monitor.mia');
const nurse = { actor: testActor('nurse.nina'), reason: 'source corrected' };
const VISIT = {
  visitId: 'V1',
  subjectId: 'P1',
  visitDate: '2020-01-01',
  esr: 20,
  crp: 3.1,
  crpUnit: 'mg/dL',
} as const;

const mark = (
  target: SdvTarget,
  reason: string | null = 'source data verified',
  sites: readonly string[] | 'all' = 'all',
) => withTransaction(db.store, monitor, reason, (tx) => markVerified(tx, 'S', target, sites));
const items = (subjectId = 'P1') =>
  withSnapshot(db.store, (c) => subjectSdvItems(c, 'S', subjectId));
const stateOf = async (table: string, field: string, subjectId = 'P1') =>
  (await items(subjectId)).find((i) => i.table === table && i.field === field);
const visitVersion = async () =>
  (
    await db.store.pool.query<{ version: number }>(
      "SELECT version FROM visit WHERE visit_id = 'V1'",
    )
  ).rows[0]?.version as number;

async function rejects(work: Promise<unknown>, code: string) {
  await assert.rejects(work, (e) => isJiaError(e) && e.code === code);
}

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P2']);
  await changeAs(db.store.pool, 'setup', 'P2 is followed at B', async (client) => {
    await client.query("INSERT INTO site (study_id, site_code) VALUES ('S', 'B')");
    await client.query("UPDATE subject SET site_code = 'B' WHERE subject_id = 'P2'");
  });
  await saveVisit(db.store.pool, 'S', VISIT, null, nurse);
  await saveVisit(
    db.store.pool,
    'S',
    { visitId: 'W1', subjectId: 'P2', visitDate: '2020-01-02', esr: 5 },
    null,
    nurse,
  );
  await changeAs(db.store.pool, 'nurse', undefined, async (client) => {
    await client.query(
      `INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited)
       VALUES ('S', 'V1', 'knee_l', true, false, false)`,
    );
    await client.query(
      `INSERT INTO medication (study_id, subject_id, drug, drug_class, start_date)
       VALUES ('S', 'P1', 'methotrexate', 'csdmard', '2018-01-01')`,
    );
  });
});
after(() => db.close());

describe('the items of a casebook', () => {
  test('each filled value is one item; identity, links, the site and units are not items', async () => {
    const all = await items();
    const visit = all.filter((i) => i.table === 'visit').map((i) => `${i.field}=${i.value}`);
    assert.deepEqual(
      visit.sort(),
      ['crp=3.1 mg/dL', 'esr=20 mm/h', 'visit_date=2020-01-01'].sort(),
    );
    const joint = all.filter((i) => i.table === 'joint_finding').map((i) => i.field);
    assert.deepEqual(joint.sort(), ['limited', 'swollen', 'tender']);
    const subject = all.filter((i) => i.table === 'subject').map((i) => i.field);
    assert.ok(!subject.includes('site') && !subject.includes('subject_id'), subject.join());
    assert.ok(subject.includes('birth_date'));
    // A medication's key (drug, start date) is corrected by row id: its values are items.
    const medication = all.filter((i) => i.table === 'medication').map((i) => i.field);
    assert.ok(medication.includes('drug') && medication.includes('start_date'), medication.join());
    assert.ok(all.every((i) => i.state === 'pending'));
  });
});

describe('marking verified and clearing on change', () => {
  test('a field is verified with who, when and the version; the others stay pending', async () => {
    const result = await mark({
      scope: 'field',
      subjectId: 'P1',
      table: 'visit',
      recordKey: 'S/V1',
      field: 'esr',
    });
    assert.deepEqual(
      result.verified.map((i) => i.field),
      ['esr'],
    );
    const esr = await stateOf('visit', 'esr');
    assert.equal(esr?.state, 'verified');
    assert.equal(esr?.verification?.verifiedBy.name, 'monitor.mia');
    assert.equal(esr?.verification?.verifiedVersion, await visitVersion());
    assert.equal((await stateOf('visit', 'crp'))?.state, 'pending');
    const again = await mark({
      scope: 'field',
      subjectId: 'P1',
      table: 'visit',
      recordKey: 'S/V1',
      field: 'esr',
    });
    assert.deepEqual([again.verified.length, again.alreadyVerified], [0, 1], 'verified once');
  });

  test('a change of another field of the record leaves the verification alone', async () => {
    await saveVisit(db.store.pool, 'S', { ...VISIT, crp: 4 }, await visitVersion(), nurse);
    assert.equal((await stateOf('visit', 'esr'))?.state, 'verified');
  });

  test('saving the same value again leaves it verified (12 and 12.0 are one number)', async () => {
    await saveVisit(
      db.store.pool,
      'S',
      { ...VISIT, crp: 4, esr: 20.0 },
      await visitVersion(),
      nurse,
    );
    assert.equal((await stateOf('visit', 'esr'))?.state, 'verified');
  });

  test("a change of the value clears it, and the audit trail says so with the change's reason", async () => {
    await saveVisit(db.store.pool, 'S', { ...VISIT, crp: 4, esr: 21 }, await visitVersion(), nurse);
    const esr = await stateOf('visit', 'esr');
    assert.equal(esr?.state, 'pending');
    assert.equal(esr?.verification?.status, 'cleared');
    assert.equal(esr?.verification?.clearedBecause, 'changed: esr');
    const events = await db.store.pool.query<{
      operation: string;
      reason: string;
      actor: string;
      status: string;
    }>(
      `SELECT operation, reason, actor, new_values->>'status' AS status FROM audit_event
        WHERE table_name = 'sdv_verification' AND record_key = $1 ORDER BY event_id`,
      [`S/visit/${esr?.rowId}/esr`],
    );
    assert.deepEqual(
      events.rows.map((e) => [e.operation, e.status, e.actor, e.reason]),
      [
        ['insert', 'verified', 'monitor.mia', 'source data verified'],
        ['update', 'cleared', 'nurse.nina', 'source corrected'],
      ],
    );
  });

  test('a change by any path clears it: SQL as the import writes it', async () => {
    await mark({
      scope: 'field',
      subjectId: 'P1',
      table: 'joint_finding',
      recordKey: 'S/V1/knee_l',
      field: 'swollen',
    });
    assert.equal((await stateOf('joint_finding', 'swollen'))?.state, 'verified');
    await changeAs(db.store.pool, 'importer', 'bundle re-imported', (c) =>
      c.query(
        "UPDATE joint_finding SET swollen = false WHERE visit_id = 'V1' AND joint_code = 'knee_l'",
      ),
    );
    assert.equal(
      (await stateOf('joint_finding', 'swollen'))?.verification?.clearedBecause,
      'changed: swollen',
    );
  });

  test('a cleared value is verified anew (an update: it needs a reason)', async () => {
    const target: SdvTarget = {
      scope: 'field',
      subjectId: 'P1',
      table: 'visit',
      recordKey: 'S/V1',
      field: 'esr',
    };
    await rejects(mark(target, null), 'REASON_REQUIRED');
    await mark(target);
    assert.equal((await stateOf('visit', 'esr'))?.state, 'verified');
  });

  test('a visit marks its own values and its joint findings; a casebook every value', async () => {
    await mark({ scope: 'visit', subjectId: 'P1', visitId: 'V1' });
    const all = await items();
    assert.ok(
      all.filter((i) => i.visitId === 'V1').every((i) => i.state === 'verified'),
      'every value of V1',
    );
    assert.ok(
      all.some((i) => i.table === 'medication' && i.state === 'pending'),
      'not the medication',
    );
    await mark({ scope: 'casebook', subjectId: 'P1' });
    assert.ok((await items()).every((i) => i.state === 'verified'));
  });

  test('deleting a record clears its verifications', async () => {
    await changeAs(db.store.pool, 'dm', 'entered in error', (c) =>
      c.query("DELETE FROM medication WHERE subject_id = 'P1'"),
    );
    const cleared = await db.store.pool.query<{ cleared_because: string }>(
      "SELECT cleared_because FROM sdv_verification WHERE table_name = 'medication'",
    );
    assert.ok(cleared.rows.length > 0);
    assert.ok(cleared.rows.every((r) => r.cleared_because === 'the record was deleted'));
  });

  test('refusals: an old version, an unknown field, an empty one, another site, no such visit', async () => {
    const record = { subjectId: 'P1', table: 'visit', recordKey: 'S/V1' } as const;
    await rejects(mark({ scope: 'record', ...record, version: 1 }), 'VERSION_CONFLICT');
    await rejects(mark({ scope: 'field', ...record, field: 'nonsense' }), 'VALIDATION_FAILED');
    await rejects(mark({ scope: 'field', ...record, field: 'ferritin' }), 'NOT_FOUND');
    await rejects(mark({ scope: 'casebook', subjectId: 'P1' }, 'x', ['B']), 'NOT_FOUND');
    await rejects(mark({ scope: 'visit', subjectId: 'P1', visitId: 'W1' }), 'NOT_FOUND');
  });

  test('the trail verifies: every verification and clearing is an audited event', async () => {
    const report = await verifyAudit(db.store.pool);
    assert.deepEqual(report.problems, []);
  });
});

describe('progress and what is left', () => {
  test('counts by site, subject and visit, and the list of pending values over the sites asked', async () => {
    await saveVisit(db.store.pool, 'S', { ...VISIT, crp: 4, esr: 22 }, await visitVersion(), nurse);
    const progress = await withSnapshot(db.store, (c) => sdvProgress(c, 'S', { sites: 'all' }));
    const p1 = progress.bySubject.find((s) => s.subjectId === 'P1');
    const p1Items = (await items()).length;
    assert.deepEqual(p1, {
      subjectId: 'P1',
      site: 'A',
      items: p1Items,
      verified: p1Items - 1,
      percent: Math.round(((p1Items - 1) / p1Items) * 1000) / 10,
    });
    const v1 = progress.byVisit.find((v) => v.visitId === 'V1');
    assert.equal(v1?.visitDate, '2020-01-01');
    assert.equal((v1?.items ?? 0) - (v1?.verified ?? 0), 1);
    assert.equal(
      progress.total.items,
      progress.bySite.reduce((n, s) => n + s.items, 0),
    );
    const left = await withSnapshot(db.store, (c) =>
      sdvOutstanding(c, 'S', { sites: 'all', subjectId: 'P1' }),
    );
    assert.deepEqual(
      left.map((i) => `${i.table}.${i.field}`),
      ['visit.esr'],
    );
    const none = await withSnapshot(db.store, (c) => sdvProgress(c, 'S', { sites: ['B'] }));
    assert.ok(none.bySubject.every((s) => s.site === 'B'));
    assert.ok(!none.bySubject.some((s) => s.subjectId === 'P1'), 'not another site');
  });
});
