/**
 * Issue 18 through the real server: source data verification (marking, clearing on change, the
 * audit trail, progress, what is left), the form status grid, and site transfers with access
 * following the site.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formStatus } from '@jia-trial/dictionary';
import { evaluate } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import { loadSubjectTimeline } from '@jia-trial/store';
import {
  type ApiClient,
  HOME_SITE,
  HOME_SUBJECT,
  OTHER_SITE,
  OTHER_SUBJECT,
  STUDY,
  startTestServer,
  type TestServer,
  TODAY,
} from './test-support.js';

let server: TestServer;
let monitor: ApiClient;
let dataManager: ApiClient;
let nurse: ApiClient;
const base = `/api/v1/studies/${STUDY}`;
const VISIT = 'D01-BL';

before(async () => {
  server = await startTestServer();
  await server.addUser('mo', [['monitor', HOME_SITE]]);
  await server.addUser('mo-other', [['monitor', OTHER_SITE]]);
  await server.addUser('dm', [['data_manager', null]]);
  await server.addUser('nu', [['nurse', HOME_SITE]]);
  await server.addUser('nu-other', [['nurse', OTHER_SITE]]);
  await server.addUser('ad', [['admin', null]]);
  await server.addUser('both', [
    ['nurse', HOME_SITE],
    ['monitor', OTHER_SITE],
  ]);
  monitor = await server.client('mo');
  dataManager = await server.client('dm');
  nurse = await server.client('nu');
});
after(() => server?.close());

const items = async (client: ApiClient, query: string) =>
  (await client.request('GET', `${base}/sdv/items?${query}`)).body.items as Array<{
    table: string;
    field: string;
    fieldKey: string;
    visitId: string | null;
    recordKey: string;
    state: string;
    verification: { status: string; clearedBecause: string | null } | null;
  }>;

describe('source data verification', () => {
  test('a monitor marks a visit verified: each of its values, once', async () => {
    const marked = await monitor.request('POST', `${base}/sdv`, {
      scope: 'visit',
      subjectId: HOME_SUBJECT,
      visitId: VISIT,
    });
    assert.equal(marked.status, 200, JSON.stringify(marked.body));
    const ofVisit = await items(monitor, `subjectId=${HOME_SUBJECT}&visitId=${VISIT}&state=all`);
    assert.ok(ofVisit.length > 5);
    assert.equal(marked.body.verified.length, ofVisit.length);
    assert.ok(ofVisit.every((i) => i.state === 'verified'));
    const again = await monitor.request('POST', `${base}/sdv`, {
      scope: 'visit',
      subjectId: HOME_SUBJECT,
      visitId: VISIT,
    });
    assert.deepEqual([again.body.verified.length, again.body.alreadyVerified], [0, ofVisit.length]);
  });

  test("a nurse's correction of a value clears its verification, and the audit trail says so", async () => {
    const subject = (await nurse.request('GET', `${base}/subjects/${HOME_SUBJECT}`)).body;
    const stored = subject.visits.find(
      (v: { record: { visitId: string } }) => v.record.visitId === VISIT,
    );
    const { visitId: _, ...record } = stored.record;
    const saved = await nurse.request(
      'PUT',
      `${base}/visits/${VISIT}`,
      { ...record, esr: (record.esr as number) + 1, reason: 'transcription error' },
      { 'if-match': String(stored.version) },
    );
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const ofVisit = await items(monitor, `subjectId=${HOME_SUBJECT}&visitId=${VISIT}&state=all`);
    const esr = ofVisit.find((i) => i.fieldKey === 'esr');
    assert.equal(esr?.state, 'pending');
    assert.deepEqual(esr?.verification, {
      ...esr?.verification,
      status: 'cleared',
      clearedBecause: 'changed: esr',
    });
    assert.ok(
      ofVisit.filter((i) => i.fieldKey !== 'esr').every((i) => i.state === 'verified'),
      'the other values stay verified',
    );
    const left = await items(monitor, `subjectId=${HOME_SUBJECT}&visitId=${VISIT}`);
    assert.deepEqual(
      left.map((i) => i.fieldKey),
      ['esr'],
    );
    const rowId = (
      await server.db.store.pool.query<{ row_id: string }>(
        "SELECT row_id::text FROM visit WHERE visit_id = 'D01-BL'",
      )
    ).rows[0]?.row_id;
    const trail = await monitor.request(
      'GET',
      `${base}/audit?table=sdv_verification&key=${encodeURIComponent(`${STUDY}/visit/${rowId}/esr`)}`,
    );
    assert.equal(trail.status, 200, JSON.stringify(trail.body));
    const events = trail.body.events as Array<{
      operation: string;
      reason: string | null;
      newValues: { status: string };
    }>;
    assert.deepEqual(
      events.map((e) => [e.operation, e.newValues.status, e.reason]),
      [
        ['insert', 'verified', 'source data verified'],
        ['update', 'cleared', 'transcription error'],
      ],
    );
  });

  test('progress by site, subject and visit; the data manager reads it, the nurse does not', async () => {
    const progress = await dataManager.request('GET', `${base}/sdv/progress`);
    assert.equal(progress.status, 200);
    const visit = progress.body.byVisit.find((v: { visitId: string }) => v.visitId === VISIT);
    assert.equal(visit.items - visit.verified, 1);
    assert.equal(visit.percent, Math.round((visit.verified / visit.items) * 1000) / 10);
    const sites = progress.body.bySite.map((s: { site: string }) => s.site);
    assert.deepEqual(sites, [OTHER_SITE, HOME_SITE].sort());
    const fromMonitor = await monitor.request('GET', `${base}/sdv/progress`);
    assert.deepEqual(
      fromMonitor.body.bySite.map((s: { site: string }) => s.site),
      [HOME_SITE],
      "a monitor of one site sees that site's progress",
    );
    assert.equal((await nurse.request('GET', `${base}/sdv/progress`)).status, 403);
  });

  test('refusals: the data manager may not mark; a monitor of another site gets 404; an unknown field 422', async () => {
    const target = { scope: 'casebook', subjectId: HOME_SUBJECT };
    assert.equal((await dataManager.request('POST', `${base}/sdv`, target)).status, 403);
    const other = await server.client('mo-other');
    assert.equal((await other.request('POST', `${base}/sdv`, target)).status, 404);
    const unknown = await monitor.request('POST', `${base}/sdv`, {
      scope: 'field',
      subjectId: HOME_SUBJECT,
      table: 'visit',
      recordKey: `${STUDY}/${VISIT}`,
      field: 'nonsense',
    });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error.code, 'VALIDATION_FAILED');
  });
});

describe('the form status grid', () => {
  test("every recorded visit appears once, with the engine's schedule and each status from its facts", async () => {
    const grid = (await dataManager.request('GET', `${base}/form-status`)).body;
    assert.deepEqual(
      grid.forms.map((f: { id: string }) => f.id),
      [
        'visit_core',
        'joint_examination',
        'chaq',
        'laboratory',
        'medications',
        'adverse_events',
        'eligibility',
        'infusions',
      ],
    );
    const protocol = protocolById('msc-jia');
    for (const row of grid.rows) {
      const timeline = await loadSubjectTimeline(server.db.store, STUDY, row.subjectId);
      const schedule = evaluate(protocol, timeline as NonNullable<typeof timeline>, TODAY).schedule;
      assert.deepEqual(
        row.visits.map((v: { name: string; scheduleStatus: string }) => [v.name, v.scheduleStatus]),
        schedule.map((v) => [v.name, v.status]),
        row.subjectId,
      );
      const shown = [
        ...row.visits.flatMap((v: { visitId: string | null }) => (v.visitId ? [v.visitId] : [])),
        ...row.unscheduled.map((v: { visitId: string }) => v.visitId),
      ].sort();
      assert.deepEqual(shown, (timeline?.visits.map((v) => v.visitId) ?? []).sort(), row.subjectId);
      for (const cell of [
        ...row.visits.flatMap((v: { forms: unknown[] }) => v.forms),
        ...row.unscheduled.flatMap((v: { forms: unknown[] }) => v.forms),
        ...row.subjectForms,
      ])
        assert.equal(cell.status, formStatus(cell.facts));
    }
  });

  test('a site asks for its own subjects; a form of a verified visit reads verified', async () => {
    const grid = (await monitor.request('GET', `${base}/form-status?site=${HOME_SITE}`)).body;
    assert.ok(grid.rows.every((r: { site: string }) => r.site === HOME_SITE));
    const visit = grid.rows
      .find((r: { subjectId: string }) => r.subjectId === HOME_SUBJECT)
      .visits.find((v: { visitId: string }) => v.visitId === VISIT);
    const status = (form: string) =>
      visit.forms.find((f: { form: string }) => f.form === form).status;
    assert.equal(status('visit_core'), 'verified');
    assert.equal(status('laboratory'), 'complete', 'its ESR was changed since');
    const none = (await monitor.request('GET', `${base}/form-status?site=${OTHER_SITE}`)).body;
    assert.deepEqual(none.rows, [], 'not a site of the monitor');
  });

  test("a visit under a freeze reads locked and may be verified, the subject's forms are not locked; a database lock refuses verification", async () => {
    const formsOf = async () => {
      const grid = (await monitor.request('GET', `${base}/form-status?site=${HOME_SITE}`)).body;
      const row = grid.rows.find((r: { subjectId: string }) => r.subjectId === HOME_SUBJECT);
      const visit = row.visits.find((v: { visitId: string }) => v.visitId === VISIT);
      return {
        visit: visit.forms.map((f: { status: string }) => f.status) as string[],
        subject: row.subjectForms.map((f: { status: string }) => f.status) as string[],
      };
    };
    const before = await formsOf();
    assert.ok(!before.visit.includes('locked'));
    // A database lock stops verification (the visit's changed ESR is still to verify).
    const locked = await dataManager.request('POST', `${base}/locks`, {
      scope: 'visit',
      key: VISIT,
      kind: 'lock',
      reason: 'visit cleaned',
    });
    assert.equal(locked.status, 201, JSON.stringify(locked.body));
    const refused = await monitor.request('POST', `${base}/sdv`, {
      scope: 'field',
      subjectId: HOME_SUBJECT,
      table: 'visit',
      recordKey: `${STUDY}/${VISIT}`,
      field: 'esr',
    });
    assert.equal(refused.status, 423, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'RECORD_LOCKED');
    await dataManager.request('DELETE', `${base}/locks/${locked.body.lockId}`, { reason: 'done' });
    const placed = await dataManager.request('POST', `${base}/locks`, {
      scope: 'visit',
      key: VISIT,
      kind: 'freeze',
      reason: 'visit cleaned',
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const frozen = await formsOf();
    assert.ok(
      frozen.visit.every((s) => s === 'locked'),
      frozen.visit.join(),
    );
    // Verification is review: a freeze allows it.
    const mark = { scope: 'visit', subjectId: HOME_SUBJECT, visitId: VISIT };
    assert.equal((await monitor.request('POST', `${base}/sdv`, mark)).status, 200);
    assert.deepEqual(frozen.subject, before.subject, 'a visit lock leaves the casebook forms');
    const lockId = placed.body.lockId;
    const released = await dataManager.request('DELETE', `${base}/locks/${lockId}`, {
      reason: 'query raised',
    });
    assert.ok(released.status < 300, JSON.stringify(released.body));
    // Released: nothing reads locked (the mark under the freeze verified what was left).
    const after = await formsOf();
    assert.ok(![...after.visit, ...after.subject].includes('locked'));
    assert.deepEqual(after.subject, before.subject);
  });
});

describe('site transfers', () => {
  test('a user with roles at two sites sees both sites’ subjects together', async () => {
    const both = await server.client('both');
    const subjects = (await both.request('GET', `${base}/subjects`)).body.subjects as Array<{
      subjectId: string;
      site: string;
    }>;
    assert.ok(subjects.some((s) => s.subjectId === OTHER_SUBJECT));
    assert.ok(subjects.some((s) => s.subjectId === HOME_SUBJECT));
  });

  test('a data manager transfers a subject; access follows the site', async () => {
    const nurseOther = await server.client('nu-other');
    const path = `${base}/subjects/${OTHER_SUBJECT}`;
    assert.equal((await nurseOther.request('GET', path)).status, 200);
    assert.equal((await nurse.request('GET', path)).status, 404);
    const version = (await dataManager.request('GET', path)).body.subject.version;
    const body = { toSite: HOME_SITE, reason: 'family moved to Utrecht' };
    const admin = await server.client('ad');
    assert.equal(
      (await admin.request('POST', `${path}/transfer`, body, { 'if-match': String(version) }))
        .status,
      403,
    );
    assert.equal((await dataManager.request('POST', `${path}/transfer`, body)).status, 428);
    const noReason = await dataManager.request(
      'POST',
      `${path}/transfer`,
      { ...body, reason: ' ' },
      { 'if-match': String(version) },
    );
    assert.equal(noReason.body.error?.code, 'REASON_REQUIRED');
    const moved = await dataManager.request('POST', `${path}/transfer`, body, {
      'if-match': String(version),
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual([moved.body.fromSite, moved.body.toSite], [OTHER_SITE, HOME_SITE]);
    assert.equal(
      (await nurseOther.request('GET', path)).status,
      404,
      'the old site no longer sees it',
    );
    const list = (await nurseOther.request('GET', `${base}/subjects`)).body.subjects;
    assert.ok(!list.some((s: { subjectId: string }) => s.subjectId === OTHER_SUBJECT));
    assert.equal((await nurse.request('GET', path)).status, 200, 'the new site does');
    const transfers = (await nurse.request('GET', `${path}/transfers`)).body.transfers;
    assert.deepEqual(
      transfers.map((t: { fromSite: string; toSite: string; reason: string }) => [
        t.fromSite,
        t.toSite,
        t.reason,
      ]),
      [[OTHER_SITE, HOME_SITE, 'family moved to Utrecht']],
    );
  });
});
