/**
 * Randomisation through the real server (docs/data-management.md, "Randomisation"; ADR 0047), on
 * the withdrawal-design example (examples/jia-withdrawal under protocols/jia-withdrawal, whose
 * blinded roles are the investigator, nurse, monitor, data manager and statistician, and whose
 * unblinding role is the investigator): the list generated once and answered without entries;
 * allocation refused when not due, when the list is missing, when a lock covers the subject, when
 * allocated already; the allocation is the concealed list's next entry; a blinded user's answers
 * on every route that reads the subject, the dashboard, the exports and the audit review hold no
 * arm; emergency unblinding by the protocol's role only, with a reason, audited and alerted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateAllocationList, stratumOf } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import {
  type ApiClient,
  exampleBundle,
  type Response,
  startTestServer,
  type TestServer,
} from './test-support.js';

const W = 'jia-withdrawal-demo';
/** The example's day on which W02 (AMS, systemic) is due and W05 (AMS) is not. */
const AS_OF = '2024-12-16';
const SEED = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SPEC = protocolById('jia-withdrawal').randomisation;
const ARM_TEXTS = (SPEC?.arms ?? []).flatMap((a) => [a.id, a.label]);
/** The protocol's own words (its title names the arms: "randomised to continue or placebo"). */
const PROTOCOL_TEXTS = [
  protocolById('jia-withdrawal').title,
  protocolById('jia-withdrawal').design,
];

let server: TestServer;
let dm: ApiClient;
let nurse: ApiClient;
let investigator: ApiClient;
let otherInvestigator: ApiClient;
let statistician: ApiClient;
let monitor: ApiClient;

const base = `/api/v1/studies/${W}`;
const subject = (id: string) => `${base}/subjects/${id}/randomisation`;

function refused(response: Response, status: number, code: string) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code, JSON.stringify(response.body));
}

/** No arm id or label, as a JSON string or a word of a text (CSV, XML), outside the protocol's own words. */
function assertNoArm(what: string, response: Response) {
  assert.ok(response.status < 400, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  let text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  for (const words of PROTOCOL_TEXTS) text = text.split(words).join('(protocol text)');
  for (const arm of ARM_TEXTS) {
    // A word of its own: "placebo-controlled" in a citation is not the arm.
    const word = new RegExp(
      `(^|[^A-Za-z_-])${arm.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z_-])`,
    );
    const found = word.exec(text);
    assert.ok(
      !found,
      `${what} holds the arm text ${JSON.stringify(arm)}: …${text.slice(Math.max(0, (found?.index ?? 0) - 120), (found?.index ?? 0) + 80)}…`,
    );
  }
}

before(async () => {
  assert.ok(SPEC, 'jia-withdrawal randomises');
  server = await startTestServer({
    today: AS_OF,
    studies: [{ studyId: W, bundle: exampleBundle('jia-withdrawal'), protocol: 'jia-withdrawal' }],
  });
  const users: Array<[string, Parameters<TestServer['addUser']>[1]]> = [
    ['rand-dm', [['data_manager', null]]],
    ['rand-nurse', [['nurse', 'AMS']]],
    ['rand-inv', [['investigator', 'AMS']]],
    ['rand-inv-gen', [['investigator', 'GEN']]],
    ['rand-stat', [['statistician', null]]],
    ['rand-monitor', [['monitor', null]]],
  ];
  for (const [name, roles] of users) await server.addUser(name, roles, W);
  const signed = await Promise.all(users.map(([name]) => server.client(name)));
  [dm, nurse, investigator, otherInvestigator, statistician, monitor] = signed as [
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
    ApiClient,
  ];
});
after(() => server?.close());

describe('randomisation through the API', () => {
  test('before the list: due or not and why; allocation refused without a list', async () => {
    const w02 = await nurse.request('GET', subject('W02'));
    assert.equal(w02.status, 200, JSON.stringify(w02.body));
    assert.deepEqual([w02.body.due.due, w02.body.due.code], [true, 'due']);
    assert.equal(w02.body.allocation, null);
    assert.equal(w02.body.blinded, true, 'the nurse holds a blinded role');
    assert.equal(w02.body.arm, null);
    assert.equal(w02.body.mayAllocate, true);
    const w05 = await nurse.request('GET', subject('W05'));
    assert.equal(w05.body.due.due, false);
    assert.equal(w05.body.due.code, 'requirement_undetermined', w05.body.due.reason);
    assert.ok(w05.body.due.missing.length > 0);
    refused(await nurse.request('POST', subject('W02')), 409, 'ALLOCATION_LIST_MISSING');
    const study = await dm.request('GET', `${base}/randomisation`);
    assert.equal(study.status, 200);
    assert.equal(study.body.list, null);
    assert.equal(study.body.blinded, true);
    assert.equal(study.body.blockSizes, null, 'a blinded user is not told the block sizes');
  });

  test('the list: generated by a data manager only, once, answered without entries', async () => {
    refused(await nurse.request('POST', `${base}/randomisation/list`, {}), 403, 'FORBIDDEN');
    refused(
      await dm.request('POST', `${base}/randomisation/list`, { seed: 'not hex' }),
      422,
      'VALIDATION_FAILED',
    );
    const made = await dm.request('POST', `${base}/randomisation/list`, { seed: SEED });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.match(made.body.listDigest, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(made.body).includes(SEED), 'the seed is not answered');
    assertNoArm('the generated list header', made);
    assert.equal(made.body.generated.by.name, 'Test rand-dm');
    assert.ok(
      made.body.strata.every((s: { remaining: number; size: number }) => s.remaining === s.size),
    );
    refused(
      await dm.request('POST', `${base}/randomisation/list`, {}),
      409,
      'ALLOCATION_LIST_EXISTS',
    );
  });

  test('allocation: not due, another site, a lock, then the next entry of the stratum', async () => {
    const notDue = await nurse.request('POST', subject('W05'));
    refused(notDue, 422, 'RANDOMISATION_NOT_DUE');
    assert.equal(notDue.body.error.details.due.due, false);
    refused(await otherInvestigator.request('POST', subject('W02')), 404, 'NOT_FOUND');
    const lock = await dm.request('POST', `${base}/locks`, {
      scope: 'subject',
      key: 'W02',
      kind: 'freeze',
      reason: 'source check',
    });
    assert.equal(lock.status, 201, JSON.stringify(lock.body));
    refused(await nurse.request('POST', subject('W02')), 423, 'RECORD_LOCKED');
    const released = await dm.request('DELETE', `${base}/locks/${lock.body.lockId}`, {
      reason: 'source checked',
    });
    assert.equal(released.status, 200, JSON.stringify(released.body));

    const allocated = await nurse.request('POST', subject('W02'));
    assert.equal(allocated.status, 201, JSON.stringify(allocated.body));
    assert.equal(allocated.body.blinded, true);
    assert.equal(allocated.body.arm, null);
    assertNoArm("the nurse's allocation", allocated);
    const spec = SPEC as NonNullable<typeof SPEC>;
    const stratum = stratumOf(spec, { ilar_category: 'systemic', sex: 'M' });
    assert.equal(allocated.body.allocation.stratum, stratum);
    assert.equal(allocated.body.allocation.sequence, 1);
    refused(await nurse.request('POST', subject('W02')), 409, 'ALREADY_RANDOMISED');
    const header = await dm.request('GET', `${base}/randomisation`);
    const counts = header.body.list.strata.find((s: { stratum: string }) => s.stratum === stratum);
    assert.deepEqual([counts.allocated, counts.remaining], [1, counts.size - 1]);
    // The entry is the sealed list's first of the stratum: the one the seed gives.
    const expected = generateAllocationList(spec, SEED).find(
      (e) => e.stratum === stratum && e.sequence === 1,
    );
    const arm = await server.db.store.pool.query<{ arm: string }>(
      "SELECT arm FROM randomisation_arms($1, 'W02')",
      [W],
    );
    assert.equal(arm.rows[0]?.arm, expected?.arm);
  });

  test('a blinded user sees no arm: subject, status, dashboard, exports, audit review', async () => {
    const reads: Array<[string, ApiClient, string]> = [
      ['nurse: randomisation', nurse, subject('W02')],
      ['investigator: randomisation', investigator, subject('W02')],
      ['monitor: randomisation', monitor, subject('W02')],
      ['statistician: randomisation', statistician, subject('W02')],
      ['data manager: randomisation', dm, subject('W02')],
      ['data manager: list header', dm, `${base}/randomisation`],
      ['nurse: subjects', nurse, `${base}/subjects`],
      ['nurse: subject', nurse, `${base}/subjects/W02`],
      ['nurse: status', nurse, `${base}/subjects/W02/status`],
      ['nurse: dashboard', nurse, `${base}/dashboard`],
      [
        'investigator: record audit',
        investigator,
        `${base}/audit?table=randomisation_allocation&key=${W}/W02`,
      ],
      ['data manager: dashboard', dm, `${base}/dashboard`],
      ['data manager: ODM export', dm, `${base}/export?format=odm`],
      ['data manager: ODM history', dm, `${base}/export?format=odm&transactional=true`],
      ['data manager: FHIR export', dm, `${base}/export?format=fhir`],
      ['data manager: audit events', dm, `${base}/audit/events?limit=500&table=randomisation_list`],
      ['data manager: audit export CSV', dm, `${base}/audit/export?format=csv`],
      ['data manager: audit export JSON', dm, `${base}/audit/export?format=json`],
      [
        'monitor: allocation events',
        monitor,
        `${base}/audit/events?table=randomisation_allocation`,
      ],
      ['statistician: pseudonymised', statistician, `${base}/pseudonymised`],
      // No report: jia-withdrawal has no analysis plan (the report route refuses it, 422).
    ];
    for (const [what, client, path] of reads) {
      const response = await client.request('GET', path);
      if (path === `${base}/randomisation`) {
        // The protocol's rule names its arms (that the trial has them is no secret); strip them.
        const { arms: _rule, ...rest } = response.body;
        assertNoArm(what, { ...response, body: rest });
      } else assertNoArm(what, response);
    }
    const events = await monitor.request(
      'GET',
      `${base}/audit/events?table=randomisation_allocation`,
    );
    assert.equal(events.body.events.length, 1, 'the allocation is in the trail');
  });

  test('emergency unblinding: the protocol role only, with a reason; audited, alerted', async () => {
    refused(
      await nurse.request('POST', `${subject('W02')}/unblind`, { reason: 'x' }),
      403,
      'FORBIDDEN',
    );
    const dmRefused = await dm.request('POST', `${subject('W02')}/unblind`, { reason: 'x' });
    refused(dmRefused, 403, 'FORBIDDEN');
    assert.match(dmRefused.body.error.message, /only investigator/);
    refused(
      await otherInvestigator.request('POST', `${subject('W02')}/unblind`, { reason: 'x' }),
      404,
      'NOT_FOUND',
    );
    refused(
      await investigator.request('POST', `${subject('W02')}/unblind`, { reason: '  ' }),
      422,
      'VALIDATION_FAILED',
    );
    refused(
      await investigator.request('POST', `${subject('W05')}/unblind`, { reason: 'SAE' }),
      409,
      'NOT_RANDOMISED',
    );
    const before = await investigator.request('GET', subject('W02'));
    assert.equal(before.body.unblindingRole, 'investigator');
    assert.equal(before.body.arm, null);
    const reason = 'suspected anaphylaxis: the emergency team needs the arm';
    const unblinded = await investigator.request('POST', `${subject('W02')}/unblind`, { reason });
    assert.equal(unblinded.status, 200, JSON.stringify(unblinded.body));
    const armIds = (SPEC?.arms ?? []).map((a) => a.id);
    assert.ok(armIds.includes(unblinded.body.arm.id));
    assert.equal(unblinded.body.unblinding.reason, reason);
    assert.equal(unblinded.body.unblinding.role, 'investigator');

    // The unblinding user sees the arm from then on; the others still do not.
    const mine = await investigator.request('GET', subject('W02'));
    assert.deepEqual(mine.body.arm, unblinded.body.arm);
    assert.equal(mine.body.blinded, false);
    const theirs = await nurse.request('GET', subject('W02'));
    assert.equal(theirs.body.arm, null);
    assert.equal(theirs.body.unblindings.length, 1);
    assertNoArm("the nurse's view after the unblinding", theirs);

    // Alerted on the dashboard, for the study's team, without the arm.
    const dashboard = await nurse.request('GET', `${base}/dashboard`);
    const alert = dashboard.body.alerts.find(
      (a: { code: string }) => a.code === 'EMERGENCY_UNBLINDING',
    );
    assert.ok(alert, JSON.stringify(dashboard.body.alerts));
    assert.equal(alert.severity, 'urgent');
    assert.match(alert.message, /U-1 .* by Test rand-inv \(investigator\): suspected anaphylaxis/);
    assertNoArm("the nurse's dashboard after the unblinding", dashboard);
    // Audited with the reason, without the arm.
    const events = await dm.request('GET', `${base}/audit/events?table=randomisation_unblinding`);
    assert.equal(events.body.events.length, 1);
    assert.equal(events.body.events[0].reason, reason);
    assertNoArm('the unblinding event', events);
    const study = await dm.request('GET', `${base}/randomisation`);
    assert.deepEqual(
      study.body.unblindings.map((u: { unblindingId: string }) => u.unblindingId),
      ['U-1'],
    );
  });
});
