/**
 * Data-quality checks through the real server and PostgreSQL (docs/data-management.md, "Data-
 * quality checks"): each rule kind on both sides of its condition, after a save and on demand;
 * an exclusion that holds while the data are unchanged and lapses when they change; a
 * discrepancy turned into a data query in one step; paging, filters, sites and permissions.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_RULE_SET, DEVIATION_ALERTS } from '@jia-trial/dictionary/quality';
import {
  type ApiClient,
  HOME_SUBJECT,
  OTHER_SUBJECT,
  STUDY,
  startTestServer,
  type TestServer,
} from './test-support.js';

let server: TestServer;
let nurse: ApiClient;
let manager: ApiClient;
let monitor: ApiClient;
let otherMonitor: ApiClient;
const base = `/api/v1/studies/${STUDY}`;

before(async () => {
  server = await startTestServer();
  await server.addUser('nora', [['nurse', 'UMCU']]);
  await server.addUser('dana', [['data_manager', null]]);
  await server.addUser('mona', [['monitor', 'UMCU']]);
  await server.addUser('otis', [['monitor', 'OTHER']]);
  await server.addUser('ivy', [['investigator', 'UMCU']]);
  nurse = await server.client('nora');
  manager = await server.client('dana');
  monitor = await server.client('mona');
  otherMonitor = await server.client('otis');
  // A study's own plausibility range, narrower than the dictionary's (ESR 0-200 mm/h).
  const stored = await manager.request(
    'PUT',
    `${base}/quality/rules`,
    {
      ruleSet: {
        ...DEFAULT_RULE_SET,
        title: 'test checks',
        rules: [
          ...DEFAULT_RULE_SET.rules,
          {
            kind: 'range',
            id: 'esr_plausible',
            limits: { recordType: 'visit', field: 'esr', min: null, max: 100 },
            source: 'test: an ESR above 100 mm/h is checked against the source',
          },
        ],
      },
      reason: 'study checks agreed with the sponsor',
    },
    { 'if-match': '0' },
  );
  assert.equal(stored.status, 200, JSON.stringify(stored.body));
  assert.equal(stored.body.version, 1);
});
after(() => server?.close());

/** A complete visit of D01 (every core-set value), after the first infusion's W8 window. */
const visit = (overrides: Record<string, unknown> = {}) => ({
  subjectId: HOME_SUBJECT,
  visitDate: '2016-03-01',
  physicianGlobal: 2,
  parentGlobal: 3,
  chaqDi: 0.5,
  activeJoints: 1,
  limitedJoints: 1,
  esr: 20,
  ...overrides,
});

/** Creates or replaces a visit as the nurse; returns its new version. */
async function saveVisit(id: string, fields: Record<string, unknown>, version?: number) {
  const saved = await nurse.request(
    'PUT',
    `${base}/visits/${id}`,
    version === undefined ? fields : { ...fields, reason: 'corrected against the source' },
    version === undefined ? {} : { 'if-match': String(version) },
  );
  assert.ok([200, 201].includes(saved.status), JSON.stringify(saved.body));
  // The check runs right after the response: wait for it, as a person reading the list does.
  await server.app.qualityChecksSettled();
  return saved.body.version as number;
}

/** The discrepancies of one rule on one visit (every status). */
async function onVisit(ruleId: string, visitId: string, client = manager) {
  await server.app.qualityChecksSettled();
  const listed = await client.request('GET', `${base}/discrepancies?ruleId=${ruleId}&pageSize=200`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the JSON it got
  return listed.body.discrepancies.filter((d: any) => d.recordKey === `${STUDY}/${visitId}`);
}

async function openOn(ruleId: string, visitId: string) {
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the JSON it got
  return (await onVisit(ruleId, visitId)).filter((d: any) => d.status === 'open');
}

test('the rule set: the default until stored, then versioned; a bad one is refused with paths', async () => {
  const rules = await monitor.request('GET', `${base}/quality/rules`);
  assert.equal(rules.status, 200);
  assert.equal(rules.body.isDefault, false);
  assert.equal(rules.body.version, 1);
  const bad = await manager.request(
    'PUT',
    `${base}/quality/rules`,
    {
      ruleSet: {
        title: 'bad',
        rules: [
          {
            kind: 'range',
            id: 'x',
            limits: { recordType: 'visit', field: 'visit_date', min: 1, max: 0 },
            source: 's',
          },
          { kind: 'expected', id: 'x', recordType: 'visit', fields: ['no_such'], source: 's' },
        ],
      },
      reason: 'test',
    },
    { 'if-match': '1' },
  );
  assert.equal(bad.status, 422);
  const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
  assert.deepEqual(paths.sort(), [
    'rules.0.limits.field',
    'rules.0.limits.max',
    'rules.1.fields.0',
    'rules.1.id',
  ]);
  const stale = await manager.request(
    'PUT',
    `${base}/quality/rules`,
    { ruleSet: DEFAULT_RULE_SET, reason: 'test' },
    { 'if-match': '0' },
  );
  assert.equal(stale.status, 409);
  const forbidden = await monitor.request(
    'PUT',
    `${base}/quality/rules`,
    { ruleSet: DEFAULT_RULE_SET, reason: 'test' },
    { 'if-match': '1' },
  );
  assert.equal(forbidden.status, 403);
});

test('range: a study limit, on both sides, found after the save that crosses it', async () => {
  const v = await saveVisit('Q-RANGE', visit({ esr: 100 }));
  assert.equal((await openOn('esr_plausible', 'Q-RANGE')).length, 0);
  await saveVisit('Q-RANGE', visit({ esr: 101 }), v);
  const [found] = await openOn('esr_plausible', 'Q-RANGE');
  assert.equal(found.field, 'esr');
  assert.equal(found.kind, 'range');
  assert.deepEqual(found.observed, { esr: 101 });
  assert.match(found.message, /101 is above 100/);
});

test('cross-field: a visit before the birth month, before consent, PhGA 0 with active joints', async () => {
  // D01 was born 2002-04 and enrolled 2015-05-18 without a consent date.
  await saveVisit('Q-BIRTH-IN', visit({ visitDate: '2002-04-01' }));
  await saveVisit('Q-BIRTH-OUT', visit({ visitDate: '2002-03-31' }));
  assert.equal((await openOn('visit_after_birth', 'Q-BIRTH-IN')).length, 0);
  assert.equal((await openOn('visit_after_birth', 'Q-BIRTH-OUT')).length, 1);

  await saveVisit('Q-CONSENT-IN', visit({ visitDate: '2015-05-18' }));
  await saveVisit('Q-CONSENT-OUT', visit({ visitDate: '2015-05-17' }));
  assert.equal((await openOn('visit_after_consent', 'Q-CONSENT-IN')).length, 0);
  const [consent] = await openOn('visit_after_consent', 'Q-CONSENT-OUT');
  assert.match(consent.message, /enrolment_date 2015-05-18/);

  await saveVisit('Q-PHGA-IN', visit({ physicianGlobal: 0, activeJoints: 0 }));
  await saveVisit('Q-PHGA-OUT', visit({ physicianGlobal: 0, activeJoints: 1 }));
  assert.equal((await openOn('physician_global_zero_means_no_activity', 'Q-PHGA-IN')).length, 0);
  assert.equal((await openOn('physician_global_zero_means_no_activity', 'Q-PHGA-OUT')).length, 1);
});

test('cross-field: the joints listed as active and the limited count against the examination', async () => {
  await saveVisit(
    'Q-JOINTS',
    visit({ activeJoints: 1, activeJointCodes: ['knee_l'], limitedJoints: 0 }),
  );
  const finding = await nurse.request('POST', `${base}/visits/Q-JOINTS/joints`, {
    jointCode: 'knee_l',
    swollen: false,
    tender: true,
    limited: false,
  });
  assert.equal(finding.status, 201, JSON.stringify(finding.body));
  const [listed] = await openOn('active_joints_match_findings', 'Q-JOINTS');
  assert.equal(listed.occasion, 'knee_l');
  assert.equal((await openOn('limited_count_covers_findings', 'Q-JOINTS')).length, 0);
  // Limited with pain: active by its examination (the list agrees), and now limited (count 0 does not).
  const corrected = await nurse.request(
    'PUT',
    `${base}/visits/Q-JOINTS/joints/knee_l`,
    { swollen: false, tender: true, limited: true, reason: 'examined again' },
    { 'if-match': String(finding.body.version) },
  );
  assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
  const after = await onVisit('active_joints_match_findings', 'Q-JOINTS');
  assert.deepEqual(
    after.map((d: { status: string }) => d.status),
    ['resolved'],
  );
  assert.equal((await openOn('limited_count_covers_findings', 'Q-JOINTS')).length, 1);
});

test('expected-but-missing: a core-set value left empty is found, and resolved once recorded', async () => {
  const { esr: _left, ...withoutEsr } = visit();
  const v = await saveVisit('Q-MISSING', withoutEsr);
  const [missing] = await openOn('core_set_recorded', 'Q-MISSING');
  assert.equal(missing.field, 'esr');
  assert.equal(missing.kind, 'expected');
  await saveVisit('Q-MISSING', visit(), v);
  const after = await onVisit('core_set_recorded', 'Q-MISSING');
  assert.equal(after[0].status, 'resolved');
  assert.ok(after[0].resolvedAt);
});

test('visit window and deviations: the engine finds them, the check takes them as status shows them', async () => {
  const status = await manager.request('GET', `${base}/subjects/${HOME_SUBJECT}/status`);
  assert.equal(status.status, 200);
  const deviationCodes = new Set<string>(DEVIATION_ALERTS);
  const engine = status.body.alerts
    .filter((a: { code: string }) => deviationCodes.has(a.code))
    .map((a: { code: string; message: string }) => `${a.code}: ${a.message}`)
    .sort();
  const checked = await manager.request('POST', `${base}/quality/check`, {});
  assert.equal(checked.status, 200, JSON.stringify(checked.body));
  const listed = await manager.request(
    'GET',
    `${base}/discrepancies?subjectId=${HOME_SUBJECT}&kind=protocol_deviation&status=open&pageSize=200`,
  );
  assert.deepEqual(
    listed.body.discrepancies.map((d: { message: string }) => d.message).sort(),
    engine,
  );
  // D01 has no W1 visit after its first infusion (2015-06-08): missed.
  assert.ok(
    engine.some((m: string) => m.startsWith('VISIT_MISSED') && /W1 \(infusion 1\)/.test(m)),
    engine.join('\n'),
  );

  // W1's window is 2015-06-13 to 06-17; 06-18 is in no window, within the 14-day grace: late.
  await saveVisit('Q-W1-IN', visit({ visitDate: '2015-06-17' }));
  assert.equal((await openOn('visit_in_window', 'Q-W1-IN')).length, 0);
  const afterIn = await manager.request(
    'GET',
    `${base}/discrepancies?subjectId=${HOME_SUBJECT}&kind=protocol_deviation&pageSize=200`,
  );
  const w1 = afterIn.body.discrepancies.filter(
    (d: { message: string }) =>
      d.message.startsWith('VISIT_MISSED') && /W1 \(infusion 1\)/.test(d.message),
  );
  assert.ok(
    w1.length >= 1 && w1.every((d: { status: string }) => d.status === 'resolved'),
    JSON.stringify(
      afterIn.body.discrepancies.map((d: { message: string; status: string }) => [
        d.status,
        d.message,
      ]),
    ),
  );

  const nurseIvy = await server.client('ivy');
  // The in-window visit dated again a day later: now late.
  const current = await nurseIvy.request('GET', `${base}/subjects/${HOME_SUBJECT}`);
  const stored = current.body.visits.find(
    (x: { record: { visitId: string } }) => x.record.visitId === 'Q-W1-IN',
  );
  await saveVisit('Q-W1-IN', visit({ visitDate: '2015-06-18' }), stored.version);
  const [late] = await openOn('visit_in_window', 'Q-W1-IN');
  assert.equal(late.kind, 'visit_window');
  assert.deepEqual(late.observed, {
    visit_date: '2015-06-18',
    window_start: '2015-06-13',
    window_end: '2015-06-17',
  });
});

test('an exclusion holds while the data are unchanged, lapses when they change, and is audited', async () => {
  const v = await saveVisit('Q-EXCL', visit({ esr: 150 }));
  const [found] = await openOn('esr_plausible', 'Q-EXCL');
  const path = `${base}/discrepancies/${found.discrepancyId}/exclusion`;
  const noReason = await monitor.request('POST', path, { reason: ' ' }, { 'if-match': '1' });
  assert.equal(noReason.status, 422);
  const byNurse = await nurse.request('POST', path, { reason: 'confirmed' }, { 'if-match': '1' });
  assert.equal(byNurse.status, 403);
  const elsewhere = await otherMonitor.request('POST', path, { reason: 'x' }, { 'if-match': '1' });
  assert.equal(elsewhere.status, 404);
  const excluded = await monitor.request(
    'POST',
    path,
    { reason: 'confirmed in the laboratory report' },
    { 'if-match': String(found.version) },
  );
  assert.equal(excluded.status, 200, JSON.stringify(excluded.body));
  assert.equal(excluded.body.status, 'excluded');
  assert.equal(excluded.body.exclusion.reason, 'confirmed in the laboratory report');
  assert.equal(excluded.body.exclusion.by.name, 'Test mona');

  // Checked again with the same value (on demand, and after an unrelated change): still excluded.
  await manager.request('POST', `${base}/quality/check`, {});
  const v2 = await saveVisit('Q-EXCL', visit({ esr: 150, parentGlobal: 4 }), v);
  const [still] = await onVisit('esr_plausible', 'Q-EXCL');
  assert.equal(still.status, 'excluded');
  // The value that raised it changes: open again.
  await saveVisit('Q-EXCL', visit({ esr: 160, parentGlobal: 4 }), v2);
  const [reopened] = await onVisit('esr_plausible', 'Q-EXCL');
  assert.equal(reopened.status, 'open');
  assert.equal(reopened.exclusion, null);

  const trail = await manager.request(
    'GET',
    `${base}/audit?table=discrepancy&key=${encodeURIComponent(`${STUDY}/${found.discrepancyId}`)}`,
  );
  assert.equal(trail.status, 200, JSON.stringify(trail.body));
  const reasons = trail.body.events.map((e: { reason: string | null }) => e.reason);
  assert.ok(reasons.includes('confirmed in the laboratory report'), reasons.join(' | '));
  assert.ok(reasons.includes('data-quality checks after a save'), reasons.join(' | '));
});

test('a discrepancy becomes a data query on its record and field in one step, and shows it', async () => {
  await saveVisit('Q-QUERY', visit({ esr: 120 }));
  const [found] = await openOn('esr_plausible', 'Q-QUERY');
  const path = `${base}/discrepancies/${found.discrepancyId}/query`;
  const byNurse = await nurse.request('POST', path, {}, { 'if-match': String(found.version) });
  assert.equal(byNurse.status, 403);
  const made = await monitor.request('POST', path, {}, { 'if-match': String(found.version) });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.equal(made.body.query.status, 'open');
  const query = await manager.request('GET', `${base}/queries?subjectId=${HOME_SUBJECT}`);
  const raised = query.body.queries.find(
    (q: { queryId: string }) => q.queryId === made.body.query.queryId,
  );
  assert.equal(raised.table, 'visit');
  assert.equal(raised.recordKey, `${STUDY}/Q-QUERY`);
  assert.equal(raised.field, 'esr');
  assert.match(
    raised.question,
    /Erythrocyte sedimentation rate \(Westergren\): 120 is above 100 mm\/h/,
  );
  const again = await monitor.request('POST', path, {}, { 'if-match': String(made.body.version) });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'INVALID_TRANSITION');
});

test('the list: paged, filtered, by site and subject, only the sites a user reads', async () => {
  const all = await manager.request('GET', `${base}/discrepancies?pageSize=200`);
  assert.ok(all.body.total >= 5);
  const first = await manager.request('GET', `${base}/discrepancies?pageSize=2&page=1`);
  const second = await manager.request('GET', `${base}/discrepancies?pageSize=2&page=2`);
  assert.equal(first.body.discrepancies.length, 2);
  assert.equal(first.body.total, all.body.total);
  assert.deepEqual(
    [...first.body.discrepancies, ...second.body.discrepancies].map(
      (d: { discrepancyId: string }) => d.discrepancyId,
    ),
    all.body.discrepancies.slice(0, 4).map((d: { discrepancyId: string }) => d.discrepancyId),
  );
  const sites = all.body.discrepancies.map((d: { siteCode: string }) => d.siteCode);
  assert.deepEqual(sites, [...sites].sort());
  // A monitor of a site sees that site's discrepancies only.
  const home = await monitor.request('GET', `${base}/discrepancies?pageSize=200`);
  assert.ok(home.body.total > 0);
  assert.ok(home.body.discrepancies.every((d: { siteCode: string }) => d.siteCode === 'UMCU'));
  const away = await otherMonitor.request('GET', `${base}/discrepancies?pageSize=200`);
  assert.ok(away.body.discrepancies.every((d: { siteCode: string }) => d.siteCode === 'OTHER'));
  const hidden = await otherMonitor.request(
    'GET',
    `${base}/discrepancies/${home.body.discrepancies[0].discrepancyId}`,
  );
  assert.equal(hidden.status, 404);
  const bySubject = await manager.request(
    'GET',
    `${base}/discrepancies?subjectId=${OTHER_SUBJECT}&pageSize=200`,
  );
  assert.ok(
    bySubject.body.discrepancies.every((d: { subjectId: string }) => d.subjectId === OTHER_SUBJECT),
  );
  const open = await manager.request('GET', `${base}/discrepancies?status=open&pageSize=200`);
  assert.ok(open.body.discrepancies.every((d: { status: string }) => d.status === 'open'));
  assert.equal(open.body.total, open.body.counts.open);
  const bad = await manager.request('GET', `${base}/discrepancies?pageSize=1000`);
  assert.equal(bad.status, 422);
});
