/**
 * The API against a real listening server and real PostgreSQL: sessions, CSRF, the error shape
 * on every kind of failure, visits with versions, and status as the command line gives it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { grantRole, withTransaction } from '@jia-trial/store';
import { seedStudy } from '@jia-trial/store/test-support';
import {
  ApiClient,
  HOME_SITE,
  HOME_SUBJECT,
  OTHER_SUBJECT,
  PASSWORD,
  STUDY,
  startTestServer,
  type TestServer,
  TODAY,
} from './test-support.js';

let server: TestServer;
const CLI = fileURLToPath(new URL('../../cli/bin/jia-trial.js', import.meta.url));

before(async () => {
  server = await startTestServer();
  await server.addUser('ivy', [['investigator', null]]);
  await server.addUser('nora', [['nurse', 'UMCU']]);
  await server.addUser('otto', [['nurse', 'OTHER']]);
});
after(() => server?.close());

const visitPath = (id: string) => `/api/v1/studies/${STUDY}/visits/${id}`;
const newVisit = (overrides: Record<string, unknown> = {}) => ({
  subjectId: HOME_SUBJECT,
  visitDate: '2017-06-01',
  physicianGlobal: 2.5,
  parentGlobal: 3,
  chaqDi: 0.5,
  activeJoints: 2,
  activeJointCodes: ['knee_l', 'knee_r'],
  esr: 12,
  crp: 4,
  ...overrides,
});

/** The error shape of every failure: a code, a message and issues; no stack, no SQL. */
function assertError(body: unknown, code: string): void {
  const error = (body as { error: { code: string; message: string; issues: unknown[] } }).error;
  assert.equal(error.code, code, JSON.stringify(body));
  assert.equal(typeof error.message, 'string');
  assert.ok(Array.isArray(error.issues));
  assert.doesNotMatch(JSON.stringify(body), /\bat \S+:\d+:\d+|SELECT |INSERT |node_modules/);
}

describe('sessions', () => {
  test('sign-in sets an HttpOnly, SameSite=Strict cookie and returns the CSRF token', async () => {
    const client = new ApiClient(server.url);
    const response = await client.signIn('ivy');
    assert.equal(response.status, 200);
    assert.equal(response.body.user.username, 'ivy');
    assert.ok(response.body.csrfToken.length >= 32);
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.doesNotMatch(cookie, /Secure/, 'not Secure unless configured for HTTPS');
    const session = await client.request('GET', '/api/v1/session');
    assert.equal(session.status, 200);
    assert.equal(session.body.csrfToken, response.body.csrfToken);
  });

  test('an unknown user and a wrong password get the same 401', async () => {
    const unknown = await new ApiClient(server.url).signIn('nobody-here', PASSWORD);
    const wrong = await new ApiClient(server.url).signIn('nora', 'not the password at all');
    for (const r of [unknown, wrong]) {
      assert.equal(r.status, 401);
      assertError(r.body, 'INVALID_CREDENTIALS');
    }
    assert.equal(unknown.body.error.message, wrong.body.error.message);
  });

  test('repeated failures are throttled with 429 and Retry-After', async () => {
    await server.addUser('tess', [['monitor', null]]);
    const client = new ApiClient(server.url);
    let last = await client.signIn('tess', 'wrong password 0');
    for (let i = 1; i < 8 && last.status !== 429; i++)
      last = await client.signIn('tess', `wrong password ${i}`);
    assert.equal(last.status, 429);
    assertError(last.body, 'TOO_MANY_ATTEMPTS');
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });

  test('signing out ends the session', async () => {
    const client = await server.client('ivy');
    assert.equal((await client.request('DELETE', '/api/v1/session')).status, 204);
    const after = await client.request('GET', '/api/v1/studies');
    assert.equal(after.status, 401);
    assertError(after.body, 'UNAUTHENTICATED');
  });

  test('a state change without the CSRF token is refused and changes nothing', async () => {
    const client = await server.client('ivy');
    const token = client.csrfToken;
    client.csrfToken = null;
    const refused = await client.request('PUT', visitPath('csrf-1'), newVisit());
    assert.equal(refused.status, 403);
    assertError(refused.body, 'CSRF_TOKEN_INVALID');
    const wrong = await client.request('PUT', visitPath('csrf-1'), newVisit(), {
      'x-csrf-token': `${token}x`,
    });
    assertError(wrong.body, 'CSRF_TOKEN_INVALID');
    client.csrfToken = token;
    const stored = await server.db.store.pool.query(
      "SELECT 1 FROM visit WHERE study_id = $1 AND visit_id = 'csrf-1'",
      [STUDY],
    );
    assert.equal(stored.rowCount, 0);
  });
});

describe('the error shape on every kind of failure', () => {
  test('unknown route 404, malformed JSON 400, oversized body 413, unknown field 422', async () => {
    const client = await server.client('ivy');
    const unknown = await client.request('GET', '/api/v1/no/such/route');
    assert.equal(unknown.status, 404);
    assertError(unknown.body, 'NOT_FOUND');
    const malformed = await client.request('PUT', visitPath('v-bad'), '{"subjectId": ');
    assert.equal(malformed.status, 400);
    assertError(malformed.body, 'MALFORMED_REQUEST');
    const huge = await client.request('PUT', visitPath('v-big'), {
      ...newVisit(),
      reason: 'x'.repeat(300_000),
    });
    assert.equal(huge.status, 413);
    assertError(huge.body, 'PAYLOAD_TOO_LARGE');
    const extra = await client.request('PUT', visitPath('v-extra'), { ...newVisit(), dose: 3 });
    assert.equal(extra.status, 422);
    assertError(extra.body, 'VALIDATION_FAILED');
    assert.deepEqual(
      extra.body.error.issues.map((i: { path: string }) => i.path),
      ['dose'],
    );
  });

  test('every invalid field of a visit is listed by its path', async () => {
    const client = await server.client('ivy');
    const response = await client.request(
      'PUT',
      visitPath('v-invalid'),
      newVisit({
        physicianGlobal: 11,
        esr: -1,
        visitDate: '2017-02-30',
        activeJointCodes: ['elbow_x'],
      }),
    );
    assert.equal(response.status, 422);
    assertError(response.body, 'VALIDATION_FAILED');
    const paths = response.body.error.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ['activeJointCodes[0]', 'esr', 'physicianGlobal', 'visitDate']);
  });
});

describe('visits', () => {
  test('create 201, replace needs If-Match (428), a stale one 409 with the current record', async () => {
    const client = await server.client('nora');
    const created = await client.request('PUT', visitPath('v-1'), newVisit());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.version, 1);
    assert.deepEqual(created.body.visit.activeJointCodes, ['knee_l', 'knee_r']);
    assert.equal(typeof created.body.scores, 'object');
    const again = await client.request('PUT', visitPath('v-1'), newVisit());
    assert.equal(again.status, 428);
    assertError(again.body, 'PRECONDITION_REQUIRED');
    const noReason = await client.request('PUT', visitPath('v-1'), newVisit({ esr: 14 }), {
      'if-match': '1',
    });
    assert.equal(noReason.status, 422);
    assertError(noReason.body, 'REASON_REQUIRED');
    const changed = await client.request(
      'PUT',
      visitPath('v-1'),
      { ...newVisit({ esr: 14 }), reason: 'transcription error' },
      { 'if-match': '"1"' },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.version, 2);
    assert.equal(changed.headers.get('etag'), '"2"');
    const stale = await client.request(
      'PUT',
      visitPath('v-1'),
      { ...newVisit({ esr: 99 }), reason: 'late edit' },
      { 'if-match': '1' },
    );
    assert.equal(stale.status, 409);
    assertError(stale.body, 'VERSION_CONFLICT');
    assert.equal(stale.body.error.details.current.version, 2);
    assert.equal(stale.body.error.details.current.visit.esr, 14);
    // An If-Match for a visit that is not stored is a conflict with nothing, never a create.
    const gone = await client.request(
      'PUT',
      visitPath('v-never'),
      { ...newVisit(), reason: 'edit' },
      { 'if-match': '1' },
    );
    assert.equal(gone.status, 409, JSON.stringify(gone.body));
    assertError(gone.body, 'VERSION_CONFLICT');
    assert.equal(gone.body.error.details.current, null);
  });

  test('the audit trail names the signed-in account, not a shared name', async () => {
    const events = await server.db.store.pool.query(
      "SELECT actor, actor_id, reason FROM audit_event WHERE table_name = 'visit' AND record_key LIKE '%v-1' ORDER BY event_id",
    );
    assert.deepEqual(
      events.rows.map((e) => [e.actor, e.reason]),
      [
        ['Test nora', null],
        ['Test nora', 'transcription error'],
      ],
    );
    assert.match(events.rows[0].actor_id, /^user:\d+$/);
  });

  test('concurrent saves of one visit: exactly one wins, the others get 409, nothing is lost', async () => {
    const client = await server.client('ivy');
    assert.equal((await client.request('PUT', visitPath('v-race'), newVisit())).status, 201);
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.request(
          'PUT',
          visitPath('v-race'),
          { ...newVisit({ esr: 20 + i }), reason: `edit ${i}` },
          { 'if-match': '1' },
        ),
      ),
    );
    const statuses = attempts.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
    const winner = attempts.find((a) => a.status === 200);
    const stored = await server.db.store.pool.query(
      "SELECT esr::float8 AS esr, version FROM visit WHERE study_id = $1 AND visit_id = 'v-race'",
      [STUDY],
    );
    assert.equal(stored.rows[0].version, 2);
    assert.equal(stored.rows[0].esr, winner?.body.visit.esr);
  });

  test('a nurse of another site cannot see or write the subject: 404 as for none', async () => {
    const otto = await server.client('otto');
    const write = await otto.request('PUT', visitPath('v-otto'), newVisit());
    assert.equal(write.status, 404);
    assertError(write.body, 'NOT_FOUND');
    const own = await otto.request(
      'PUT',
      visitPath('v-otto'),
      newVisit({ subjectId: OTHER_SUBJECT }),
    );
    assert.equal(own.status, 201, JSON.stringify(own.body));
  });
});

describe('what a reviewer found (regressions)', () => {
  test("a study's admin resets no account that holds roles in a study it does not administer, and changes no role of its own", async () => {
    await seedStudy(server.db.store.pool, 'other-study', []);
    await server.addUser('ada', [['admin', null]]);
    await server.addUser('bob', [['dsmb', null]]);
    await withTransaction(server.db.store, { id: 'test:setup', name: 'setup' }, undefined, (tx) =>
      grantRole(tx, { username: 'bob', studyId: 'other-study', role: 'investigator', site: null }),
    );
    const ada = await server.client('ada');
    const users = `/api/v1/studies/${STUDY}/users`;
    const reset = await ada.request('POST', `${users}/bob/password-reset`, { reason: 'takeover' });
    assert.equal(reset.status, 403);
    assertError(reset.body, 'FORBIDDEN');
    const self = await ada.request('POST', `${users}/ada/roles`, {
      role: 'investigator',
      site: null,
    });
    assert.equal(self.status, 403);
    assert.ok(await server.client('bob'), 'bob still signs in with his own password');
  });

  test("a site's investigator reads the report of their own sites' subjects only", async () => {
    await server.addUser('olga', [['investigator', 'OTHER']]);
    const olga = await server.client('olga');
    const report = await olga.request('GET', `/api/v1/studies/${STUDY}/report?asOf=${TODAY}`);
    assert.equal(report.status, 200);
    const text = JSON.stringify(report.body);
    assert.doesNotMatch(text, /"D0[1-6]"/, 'no subject of the other site');
  });

  test("a record's audit trail follows the record's current site, with one answer for every refusal", async () => {
    const otto = await server.client('otto');
    const foreign = await otto.request(
      'GET',
      `/api/v1/studies/${STUDY}/audit?table=visit&key=${STUDY}/D01-BL`,
    );
    const missing = await otto.request(
      'GET',
      `/api/v1/studies/${STUDY}/audit?table=visit&key=${STUDY}/nope`,
    );
    assert.equal(foreign.status, 404);
    assert.equal(missing.status, 404);
    assert.equal(
      foreign.body.error.message.replace('D01-BL', 'X'),
      missing.body.error.message.replace('nope', 'X'),
    );
  });

  test('no answer of the API is cached; a malformed URL gets the error shape', async () => {
    const client = await server.client('ivy');
    const studies = await client.request('GET', '/api/v1/studies');
    assert.equal(studies.headers.get('cache-control'), 'no-store');
    const bad = await client.request('GET', '/api/v1/studies/%E0%A4%A');
    assert.equal(bad.status, 400);
    assertError(bad.body, 'MALFORMED_REQUEST');
  });
});

describe('pseudonymised data', () => {
  test('the statistician reads every subject with study days, ages and no calendar date', async () => {
    await server.addUser('stan', [['statistician', null]]);
    const stan = await server.client('stan');
    const response = await stan.request('GET', `/api/v1/studies/${STUDY}/pseudonymised`);
    assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 300));
    const subjects = response.body.subjects;
    assert.ok(subjects.length >= 7, 'every site');
    const d01 = subjects.find(
      (s: { subject: { subjectId: string } }) => s.subject.subjectId === 'D01',
    );
    assert.equal(d01.subject.enrolmentStudyDay, 1);
    assert.equal(typeof d01.subject.ageAtDayOne, 'number');
    assert.ok(d01.visits.length > 0 && d01.visits.every((v: { scores: unknown }) => v.scores));
    assert.doesNotMatch(
      JSON.stringify(subjects),
      /\b(19|20)\d\d-\d\d(-\d\d)?\b/,
      'no calendar date anywhere',
    );
    const clinical = await stan.request('GET', `/api/v1/studies/${STUDY}/subjects/D01`);
    assert.equal(clinical.status, 403, 'no identified reads');
  });
});

describe('export', () => {
  test('a data manager downloads the study as a ZIP of its bundle files', async () => {
    await server.addUser('dana', [['data_manager', null]]);
    const dana = await server.client('dana');
    const response = await fetch(`${server.url}/api/v1/studies/${STUDY}/export`, {
      headers: { cookie: dana.cookie ?? '' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    const archive = Buffer.from(await response.arrayBuffer());
    assert.equal(archive.readUInt32LE(0), 0x04034b50, 'a ZIP local header first');
    for (const name of ['subjects.csv', 'visits.csv', 'adverse_events.csv'])
      assert.ok(archive.includes(Buffer.from(name)), name);
    const nurse = await (await server.client('nora')).request(
      'GET',
      `/api/v1/studies/${STUDY}/export`,
    );
    assert.equal(nurse.status, 403);
  });
});

describe('report', () => {
  test('report.json of the stored study, as `jia-trial report --study` writes it', async () => {
    const client = await server.client('ivy');
    const response = await client.request('GET', `/api/v1/studies/${STUDY}/report?asOf=${TODAY}`);
    assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 300));
    const out = await mkdtemp(join(tmpdir(), 'jia-report-'));
    try {
      await promisify(execFile)(
        process.execPath,
        [CLI, 'report', '--study', STUDY, '--as-of', TODAY, '--out', out],
        { env: { ...process.env, DATABASE_URL: server.db.url, JIA_CHROMIUM: '/nonexistent' } },
      );
      const fromCli = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
      assert.deepEqual(response.body, fromCli);
      // The demo's study file says it is synthetic; the stored study keeps it (issue 16).
      assert.equal(fromCli.synthetic, true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('the report pseudonymised for whoever does not read every subject identified', () => {
  const CALENDAR_DATE = /^\d{4}-\d{2}(-\d{2})?$/;
  /** Where a value of `value` is a calendar date (a path per date), the data cut aside. */
  const datesIn = (value: unknown, path = ''): string[] =>
    value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => datesIn(v, path ? `${path}.${k}` : k))
      : typeof value === 'string' && CALENDAR_DATE.test(value) && path !== 'asOf'
        ? [path]
        : [];
  /** `value` without the keys `drop` names, at any depth. */
  const without = (value: unknown, drop: RegExp): unknown =>
    Array.isArray(value)
      ? value.map((v) => without(v, drop))
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .filter(([k]) => !drop.test(k))
              .map(([k, v]) => [k, without(v, drop)]),
          )
        : value;
  const report = async (username: string) => {
    const response = await (await server.client(username)).request(
      'GET',
      `/api/v1/studies/${STUDY}/report?asOf=${TODAY}`,
    );
    assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 300));
    return response.body;
  };

  test('an investigator gets the dates; the statistician and the DSMB study days, and no date', async () => {
    await server.addUser('sam', [['statistician', null]]);
    await server.addUser('dina', [['dsmb', null]]);
    const identified = await report('ivy');
    assert.ok(!('pseudonymised' in identified));
    assert.ok(datesIn(identified).length > 0, 'the identified report lists dates');
    const d01 = identified.infusions.perSubject.find(
      (s: { subjectId: string }) => s.subjectId === 'D01',
    );
    assert.deepEqual(d01.dates, ['2015-06-08', '2015-12-21']);
    for (const username of ['sam', 'dina']) {
      const body = await report(username);
      assert.equal(body.pseudonymised, true, username);
      assert.equal(body.asOf, TODAY);
      assert.deepEqual(datesIn(body), [], `${username}: no calendar date but the data cut`);
      assert.doesNotMatch(JSON.stringify(body), /"\w*Date"|"dates"/);
      // D01's day one is its enrolment (2015-05-18): infused on days 22 and 218.
      const own = body.infusions.perSubject.find(
        (s: { subjectId: string }) => s.subjectId === 'D01',
      );
      assert.deepEqual(own.studyDays, [22, 218]);
      // D02's MAS (2015-11-02) on day 71 from its enrolment (2015-08-24), 9 weeks after
      // tocilizumab was stopped (2015-08-31, day 8).
      const mas = body.adverseEvents.seriousAndMas.find(
        (e: { aeId: string }) => e.aeId === 'AE-014',
      );
      assert.equal(mas.onsetStudyDay, 71);
      assert.deepEqual(mas.stoppedBlocker, {
        drug: 'tocilizumab',
        target: 'IL-6',
        stopStudyDay: 8,
        daysBefore: 63,
      });
      // The protocol, the data cut and every number stay as they are.
      const { pseudonymised: _, ...rest } = body;
      assert.deepEqual(
        without(rest, /StudyDay$|^studyDays$/),
        without(identified, /Date$|^dates$/),
      );
    }
  });

  test('report.read over sites whose clinical data one does not read is enough to pseudonymise', async () => {
    await server.addUser('ines', [
      ['statistician', null],
      ['investigator', HOME_SITE],
    ]);
    const body = await report('ines');
    assert.equal(body.pseudonymised, true);
    assert.deepEqual(datesIn(body), []);
  });
});

describe('status', () => {
  test("a subject's status has the keys and alert codes of `jia-trial status --json`", async () => {
    const client = await server.client('ivy');
    const response = await client.request(
      'GET',
      `/api/v1/studies/${STUDY}/subjects/D02/status?asOf=${TODAY}`,
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, 'status', '--study', STUDY, '--subject', 'D02', '--as-of', TODAY, '--json'],
      { env: { ...process.env, DATABASE_URL: server.db.url } },
    );
    const fromCli = JSON.parse(stdout);
    assert.deepEqual(response.body.subject, fromCli.subjects[0]);
    assert.deepEqual(response.body.protocol, fromCli.protocol);
  });
});

describe('dashboard', () => {
  test("the dashboard agrees with each subject's status, over the user's sites, safety first", async () => {
    const nora = await server.client('nora');
    const board = await nora.request('GET', `/api/v1/studies/${STUDY}/dashboard?asOf=${TODAY}`);
    assert.equal(board.status, 200, JSON.stringify(board.body));
    const body = board.body;
    assert.deepEqual(
      body.enrolment.map((e: { site: string }) => e.site),
      ['UMCU'],
    );
    const subjects = await nora.request('GET', `/api/v1/studies/${STUDY}/subjects`);
    let alertsSeen = 0;
    for (const { subjectId } of subjects.body.subjects) {
      const status = await nora.request(
        'GET',
        `/api/v1/studies/${STUDY}/subjects/${subjectId}/status?asOf=${TODAY}`,
      );
      const ids = (list: Array<{ alertId: string; subjectId?: string }>) =>
        list.map((a) => a.alertId).sort();
      assert.deepEqual(
        ids(body.alerts.filter((a: { subjectId: string }) => a.subjectId === subjectId)),
        ids(status.body.alerts),
        `alerts of ${subjectId}`,
      );
      alertsSeen += status.body.alerts.length;
      const due = status.body.subject.dueVisits.filter(
        (v: { status: string }) => v.status === 'due' || v.status === 'overdue',
      );
      assert.equal(
        body.visits.filter((v: { subjectId: string }) => v.subjectId === subjectId).length,
        due.length,
        `visits due of ${subjectId}`,
      );
    }
    assert.ok(alertsSeen > 0, 'the demo study raises alerts');
    // MAS_CRITERIA_MET and SAE_REPORT_DUE before any other alert.
    const codes: string[] = body.alerts.map((a: { code: string }) => a.code);
    const safety = (c: string) => c === 'MAS_CRITERIA_MET' || c === 'SAE_REPORT_DUE';
    const lastSafety = codes.findLastIndex(safety);
    const firstOther = codes.findIndex((c) => !safety(c));
    assert.ok(lastSafety === -1 || firstOther === -1 || lastSafety < firstOther, codes.join());
    assert.ok(
      body.alerts.every((a: { site: string }) => a.site === 'UMCU') &&
        body.unsignedVisits.every((v: { site: string }) => v.site === 'UMCU'),
    );
    assert.deepEqual(Object.keys(body.queries).sort(), ['answered', 'closed', 'open']);
    // Another site's nurse sees her own subject only.
    const otto = await server.client('otto');
    const theirs = await otto.request('GET', `/api/v1/studies/${STUDY}/dashboard?asOf=${TODAY}`);
    assert.deepEqual(theirs.body.enrolment, [
      { site: 'OTHER', screened: 0, enrolled: 1, withdrawn: 0 },
    ]);
    assert.ok(theirs.body.unsignedVisits.every((v: { site: string }) => v.site === 'OTHER'));
  });
});

describe('subjects and records', () => {
  const base = `/api/v1/studies/${STUDY}`;
  const headache = {
    subjectId: HOME_SUBJECT,
    aeId: 'AE-api-1',
    term: 'Headache',
    onsetDate: '2016-02-02',
    grade: 1,
    serious: false,
    related: 'unlikely',
    outcome: 'recovered',
  };

  test('an adverse event: created 201, corrected with If-Match and a reason, a stale one 409', async () => {
    const nora = await server.client('nora');
    const created = await nora.request('POST', `${base}/adverse-events`, headache);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.version, 1);
    const { aeId: _, subjectId: __, ...rest } = headache;
    const path = `${base}/adverse-events/AE-api-1`;
    const noMatch = await nora.request('PUT', path, {
      ...rest,
      subjectId: HOME_SUBJECT,
      grade: 2,
      reason: 'worse',
    });
    assert.equal(noMatch.status, 428);
    const corrected = await nora.request(
      'PUT',
      path,
      { ...rest, subjectId: HOME_SUBJECT, grade: 2, reason: 'graded again' },
      { 'if-match': '1' },
    );
    assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
    assert.equal(corrected.body.record.grade, 2);
    assert.equal(corrected.body.version, 2);
    const stale = await nora.request(
      'PUT',
      path,
      { ...rest, subjectId: HOME_SUBJECT, grade: 3, reason: 'late' },
      { 'if-match': '1' },
    );
    assert.equal(stale.status, 409);
    assertError(stale.body, 'VERSION_CONFLICT');
    // The record that won, as the routes answer a record (codes as arrays), to show beside.
    assert.equal(stale.body.error.details.current.version, 2);
    assert.equal(stale.body.error.details.current.record.grade, 2);
    assert.deepEqual(stale.body.error.details.current.record.seriousnessCriteria, []);
    assert.equal(stale.body.error.details.current.rowId, corrected.body.rowId);
    // A second create under the same id: the stored one is the current record.
    const twice = await nora.request('POST', `${base}/adverse-events`, headache);
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.details.current.record.aeId, 'AE-api-1');
    assert.equal(twice.body.error.details.current.version, 2);
  });

  test('a list of codes (seriousness criteria) is an array in and out, on every route', async () => {
    const nora = await server.client('nora');
    const serious = {
      ...headache,
      aeId: 'AE-api-codes',
      grade: 4,
      serious: true,
      seriousnessCriteria: ['hospitalisation', 'life_threatening'],
    };
    const created = await nora.request('POST', `${base}/adverse-events`, serious);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.record.seriousnessCriteria, [
      'hospitalisation',
      'life_threatening',
    ]);
    const subject = await nora.request('GET', `${base}/subjects/${HOME_SUBJECT}`);
    const listed = subject.body.adverseEvents.find(
      (ae: { record: { aeId: string } }) => ae.record.aeId === 'AE-api-codes',
    );
    assert.deepEqual(listed.record.seriousnessCriteria, ['hospitalisation', 'life_threatening']);
    const headacheListed = subject.body.adverseEvents.find(
      (ae: { record: { aeId: string } }) => ae.record.aeId === 'AE-api-1',
    );
    assert.deepEqual(headacheListed.record.seriousnessCriteria, []);
    const wrong = await nora.request('POST', `${base}/adverse-events`, {
      ...serious,
      aeId: 'AE-api-codes-2',
      seriousnessCriteria: 'hospitalisation',
    });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.error.issues[0].path, 'seriousnessCriteria');
  });

  test('a nurse records no infusion (403); the subject shows its records with versions', async () => {
    const nora = await server.client('nora');
    const infusion = await nora.request('POST', `${base}/infusions`, {
      subjectId: HOME_SUBJECT,
      infusionDate: '2017-03-01',
      weightKg: 30,
      cellsPerKg: 2e6,
      totalCells: 6e7,
    });
    assert.equal(infusion.status, 403);
    assertError(infusion.body, 'FORBIDDEN');
    const subject = await nora.request('GET', `${base}/subjects/${HOME_SUBJECT}`);
    assert.equal(subject.status, 200, JSON.stringify(subject.body));
    assert.equal(subject.body.subject.record.subjectId, HOME_SUBJECT);
    assert.ok(subject.body.visits.length > 0);
    assert.ok(
      subject.body.visits.every(
        (v: { scores: unknown; version: number }) => v.scores && v.version >= 1,
      ),
    );
    assert.ok(
      subject.body.adverseEvents.some(
        (ae: { record: { aeId: string } }) => ae.record.aeId === 'AE-api-1',
      ),
    );
  });

  test("an infusion outside the protocol's dose is refused with the engine's reasons", async () => {
    const ivy = await server.client('ivy');
    const refused = await ivy.request('POST', `${base}/infusions`, {
      subjectId: 'D03',
      infusionDate: '2017-09-01',
      weightKg: 30,
      cellsPerKg: 9e6,
      totalCells: 2.7e8,
      productLot: 'L1',
      infusionReaction: false,
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assertError(refused.body, 'DOSE_REFUSED');
    assert.ok(refused.body.error.issues.length > 0);
  });

  test("another site's nurse lists only her subjects and cannot read ours (404)", async () => {
    const otto = await server.client('otto');
    const listed = await otto.request('GET', `${base}/subjects`);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.subjects.map((s: { subjectId: string }) => s.subjectId),
      [OTHER_SUBJECT],
    );
    const ours = await otto.request('GET', `${base}/subjects/${HOME_SUBJECT}`);
    assert.equal(ours.status, 404);
    assertError(ours.body, 'NOT_FOUND');
    const write = await otto.request('POST', `${base}/adverse-events`, {
      ...headache,
      aeId: 'AE-otto',
    });
    assert.equal(write.status, 404);
  });
});

describe('review: queries, signatures, alerts, audit', () => {
  const base = `/api/v1/studies/${STUDY}`;

  test('a query raised by a monitor, answered by a nurse, closed by the monitor; counts by status', async () => {
    await server.addUser('mona', [['monitor', 'UMCU']]);
    const mona = await server.client('mona');
    const nora = await server.client('nora');
    const raised = await mona.request('POST', `${base}/queries`, {
      table: 'visit',
      recordKey: `${STUDY}/D01-W8`,
      field: 'esr',
      question: 'ESR 14 with CRP 4: please confirm.',
    });
    assert.equal(raised.status, 201, JSON.stringify(raised.body));
    const id = raised.body.queryId;
    assert.equal(raised.body.status, 'open');
    const byNurseClose = await nora.request(
      'POST',
      `${base}/queries/${id}/close`,
      {},
      { 'if-match': '1' },
    );
    assert.equal(byNurseClose.status, 403, 'a nurse answers, never closes');
    const answered = await nora.request(
      'POST',
      `${base}/queries/${id}/answer`,
      { response: 'Confirmed against the lab report.' },
      { 'if-match': String(raised.body.version) },
    );
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.status, 'answered');
    assert.equal(answered.body.answered.by.name, 'Test nora');
    const again = await nora.request(
      'POST',
      `${base}/queries/${id}/answer`,
      { response: 'again' },
      {
        'if-match': String(answered.body.version),
      },
    );
    assert.equal(again.status, 409);
    assertError(again.body, 'INVALID_TRANSITION');
    const closed = await mona.request(
      'POST',
      `${base}/queries/${id}/close`,
      {},
      {
        'if-match': String(answered.body.version),
      },
    );
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const listed = await mona.request('GET', `${base}/queries?subjectId=D01`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.counts.closed, 1);
    const otto = await server.client('otto');
    const hidden = await otto.request('GET', `${base}/queries`);
    assert.equal(hidden.body.queries.length, 0, 'another site sees none of ours');
  });

  test('an investigator signs a visit with the password; a later change breaks the signature', async () => {
    const ivy = await server.client('ivy');
    const wrong = await ivy.request('POST', `${base}/subjects/D02/signatures`, {
      visitId: 'D02-BL',
      meaning: 'approved',
      password: 'not my password',
    });
    assert.equal(wrong.status, 403);
    assertError(wrong.body, 'SIGNATURE_REFUSED');
    const signed = await ivy.request('POST', `${base}/subjects/D02/signatures`, {
      visitId: 'D02-BL',
      meaning: 'approved',
      password: PASSWORD,
    });
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    const nora = await server.client('nora');
    const nurseSigns = await nora.request('POST', `${base}/subjects/D02/signatures`, {
      visitId: 'D02-BL',
      meaning: 'approved',
      password: PASSWORD,
    });
    assert.equal(nurseSigns.status, 403, 'a nurse does not sign');
    let listed = await ivy.request('GET', `${base}/subjects/D02/signatures`);
    assert.equal(listed.body.signatures.length, 1);
    assert.equal(listed.body.signatures[0].broken, false);
    assert.equal(listed.body.signatures[0].signer.name, 'Test ivy');
    const visit = await ivy.request('GET', `${base}/subjects/D02`);
    const bl = visit.body.visits.find(
      (v: { record: { visitId: string } }) => v.record.visitId === 'D02-BL',
    );
    const { visitId: _, ...fields } = bl.record;
    const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
    const changed = await ivy.request(
      'PUT',
      visitPath('D02-BL'),
      { ...clean, esr: 99, reason: 'corrected after signing' },
      { 'if-match': String(bl.version) },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    listed = await ivy.request('GET', `${base}/subjects/D02/signatures`);
    assert.equal(listed.body.signatures[0].broken, true);
  });

  test("a record's audit trail: who (the account), when, old and new values, reason", async () => {
    const ivy = await server.client('ivy');
    const history = await ivy.request('GET', `${base}/audit?table=visit&key=${STUDY}/D02-BL`);
    assert.equal(history.status, 200, JSON.stringify(history.body));
    const last = history.body.events.at(-1);
    assert.equal(last.operation, 'update');
    assert.equal(last.reason, 'corrected after signing');
    assert.match(last.actor.id, /^user:\d+$/);
    assert.equal(Number(last.newValues.esr), 99);
    const otto = await server.client('otto');
    const hidden = await otto.request('GET', `${base}/audit?table=visit&key=${STUDY}/D02-BL`);
    assert.equal(hidden.status, 404);
  });

  test('an alert of the engine is acknowledged with a comment, and shows so in status', async () => {
    const ivy = await server.client('ivy');
    const subjects = ['D01', 'D02', 'D03', 'D04', 'D05', 'D06'];
    let found: { subject: string; alertId: string } | null = null;
    for (const subject of subjects) {
      const status = await ivy.request('GET', `${base}/subjects/${subject}/status?asOf=${TODAY}`);
      const alert = status.body.alerts?.[0];
      if (alert) {
        found = { subject, alertId: alert.alertId };
        break;
      }
    }
    assert.ok(found, 'the demo study raises an alert somewhere');
    const path = `${base}/subjects/${found.subject}/alerts/${encodeURIComponent(found.alertId)}/acknowledgement`;
    const ack = await ivy.request('POST', path, { comment: 'Seen; family called.', asOf: TODAY });
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    const status = await ivy.request(
      'GET',
      `${base}/subjects/${found.subject}/status?asOf=${TODAY}`,
    );
    const shown = status.body.alerts.find((a: { alertId: string }) => a.alertId === found?.alertId);
    assert.equal(shown.acknowledgement.comment, 'Seen; family called.');
    assert.equal(shown.acknowledgement.acknowledged.by.name, 'Test ivy');
  });
});
