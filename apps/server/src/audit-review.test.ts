/**
 * Audit review through the real server (issue 18; docs/api.md, "Audit review"): security events
 * (a sign-in, a failed one, a sign-out, a password change and reset, an export and a report
 * download each leave an event in the trail, with the account and the address, never a
 * password; the trail still verifies), the trail filtered and paged, who may read it, and its
 * export as CSV and JSON.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  eachAuditEvent,
  type ReviewedEvent,
  sealNow,
  verifyAudit,
  withSnapshot,
} from '@jia-trial/store';
import { parse } from 'csv-parse/sync';
import { ApiClient, PASSWORD, STUDY, startTestServer, type TestServer } from './test-support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await server.addUser('dora', [['data_manager', null]]);
  await server.addUser('dora2', [['data_manager', null]]);
  await server.addUser('adam', [['admin', null]]);
  await server.addUser('nils', [['nurse', 'UMCU']]);
  await server.addUser('mona', [['monitor', 'OTHER']]);
  await server.addUser('nell', [['nurse', 'UMCU']]);
});
after(() => server?.close());

async function studyTrail(): Promise<ReviewedEvent[]> {
  await sealNow(server.db.store.pool);
  const events: ReviewedEvent[] = [];
  await withSnapshot(server.db.store, (c) =>
    eachAuditEvent(c, STUDY, { table: 'security_event' }, 'all', (page) => {
      events.push(...page);
    }),
  );
  return events;
}

const summary = (e: ReviewedEvent) => {
  const v = e.newValues as Record<string, unknown>;
  return `${v.kind} ${v.username}${v.outcome ? ` ${v.outcome}` : ''}${v.study_id ? ` ${v.study_id}` : ''}${v.detail ? ` (${v.detail})` : ''}`;
};

test('sign-ins, a failed one, a sign-out, passwords, an export and a report are in the study trail', async () => {
  const failed = new ApiClient(server.url);
  assert.equal((await failed.signIn('dora', 'not the password at all')).status, 401);
  const dora = await server.client('dora');
  assert.equal((await dora.request('GET', `/api/v1/studies/${STUDY}/export`)).status, 200);
  assert.equal((await dora.request('GET', `/api/v1/studies/${STUDY}/report`)).status, 200);
  const changed = await dora.request('PUT', '/api/v1/session/password', {
    currentPassword: PASSWORD,
    newPassword: `${PASSWORD} and more`,
  });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  assert.equal((await dora.request('DELETE', '/api/v1/session')).status, 204);
  const adam = await server.client('adam');
  const reset = await adam.request('POST', `/api/v1/studies/${STUDY}/users/nils/password-reset`, {
    reason: 'forgotten',
  });
  assert.equal(reset.status, 200, JSON.stringify(reset.body));

  const events = await studyTrail();
  const seen = events.map(summary);
  for (const expected of [
    'sign_in_failed dora invalid',
    'sign_in dora',
    `export dora ${STUDY} (bundle, zip)`,
    `report_download dora ${STUDY} (report.json, identified)`,
    'password_changed dora',
    'sign_out dora',
    'sign_in adam',
    'password_reset nils',
  ])
    assert.ok(seen.includes(expected), `${expected} in\n${seen.join('\n')}`);
  const failure = events.find((e) => (e.newValues as { kind: string }).kind === 'sign_in_failed');
  assert.equal(failure?.actor.name, 'anonymous');
  assert.equal(failure?.newValues?.address, '127.0.0.1');
  const resetEvent = events.find(
    (e) => (e.newValues as { kind: string }).kind === 'password_reset',
  );
  assert.match(resetEvent?.actor.id ?? '', /^user:\d+$/, 'the administrator did it');
  const text = JSON.stringify(events);
  assert.ok(!text.includes(PASSWORD) && !text.includes('not the password'), 'no password');
  assert.ok(!text.includes(reset.body.oneTimePassword), 'no one-time password');
  assert.deepEqual((await verifyAudit(server.db.store.pool)).problems, []);
});

const trail = (client: ApiClient, query: string) =>
  client.request('GET', `/api/v1/studies/${STUDY}/audit/events?${query}`);

test('the trail filtered by user, table, operation, site and time, paged; a nurse is refused', async () => {
  const dm = await server.client('dora2');
  const visits = await trail(dm, 'table=visit&operation=insert&limit=2');
  assert.equal(visits.status, 200, JSON.stringify(visits.body));
  assert.equal(visits.body.events.length, 2);
  assert.ok(
    visits.body.events.every(
      (e: { table: string; operation: string }) => e.table === 'visit' && e.operation === 'insert',
    ),
  );
  // The total counts every page: more than this page of two.
  const allVisits = await trail(dm, 'table=visit&operation=insert&limit=500');
  assert.equal(visits.body.total, allVisits.body.events.length);
  assert.ok(visits.body.total > 2, `${visits.body.total} visits inserted`);
  const next = await trail(
    dm,
    `table=visit&operation=insert&limit=2&cursor=${visits.body.nextCursor}`,
  );
  assert.ok(BigInt(next.body.events[0].eventId) > BigInt(visits.body.events[1].eventId));
  const updates = await trail(dm, 'table=visit&operation=delete');
  assert.deepEqual(updates.body.events, []);
  const mine = await trail(dm, 'user=dora2&table=security_event');
  assert.ok(
    mine.body.events.some((e: { newValues: { kind: string } }) => e.newValues.kind === 'sign_in'),
  );
  // One kind of security event: the failed sign-ins only (the first test's, of dora).
  const failures = await trail(dm, 'kind=sign_in_failed');
  assert.equal(failures.status, 200, JSON.stringify(failures.body));
  assert.ok(failures.body.events.length >= 1);
  assert.equal(failures.body.total, failures.body.events.length);
  for (const e of failures.body.events as Array<{ table: string; newValues: { kind: string } }>)
    assert.deepEqual([e.table, e.newValues.kind], ['security_event', 'sign_in_failed']);
  assert.equal((await trail(dm, 'kind=signed_in')).status, 422, 'an unknown kind is refused');
  const other = await trail(dm, 'site=OTHER&table=subject');
  assert.deepEqual(
    other.body.events.map((e: { recordKey: string }) => e.recordKey),
    [`${STUDY}/X-01`],
  );
  assert.deepEqual((await trail(dm, 'to=2000-01-01')).body.events, []);
  const bad = await trail(dm, 'from=2019-02-30');
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.issues[0].path, 'from');

  // A monitor of one site: that site's events only, no account events.
  const mona = await server.client('mona');
  const seen = await trail(mona, 'limit=500');
  assert.equal(seen.status, 200);
  assert.ok(seen.body.events.length > 0);
  assert.ok(seen.body.events.every((e: { siteCode: string }) => e.siteCode === 'OTHER'));
  assert.equal(
    seen.body.total,
    seen.body.events.length,
    "the total counts the monitor's sites only",
  );
  assert.equal((await trail(mona, 'kind=sign_in_failed')).body.total, 0, 'no account events');

  // A nurse reads a record's history (audit.read) but not the trail (audit.review).
  const nell = await server.client('nell');
  assert.equal((await trail(nell, 'table=visit')).status, 403);
  assert.equal((await nell.request('GET', `/api/v1/studies/${STUDY}/audit/export`)).status, 403);
});

test('the export as CSV and JSON parses back to the same events, sign-ins included', async () => {
  const dm = await server.client('dora2');
  const csv = await fetch(`${server.url}/api/v1/studies/${STUDY}/audit/export?format=csv`, {
    headers: { cookie: dm.cookie ?? '' },
  });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
  const json = await dm.request('GET', `/api/v1/studies/${STUDY}/audit/export?format=json`);
  assert.equal(json.status, 200);
  const events = json.body as Array<{
    eventId: string;
    table: string;
    newValues: { kind?: string };
  }>;
  // The JSON export was recorded before its own snapshot: one event more, its own.
  assert.equal(events.length, rows.length + 1);
  assert.deepEqual(
    rows.map((r) => r.event_id),
    events.slice(0, -1).map((e) => e.eventId),
  );
  for (const list of [
    rows
      .filter((r) => r.table_name === 'security_event')
      .map((r) => JSON.parse(r.new_values ?? '{}').kind),
    events.filter((e) => e.table === 'security_event').map((e) => e.newValues.kind),
  ]) {
    assert.ok(list.includes('sign_in'), 'sign-ins');
    assert.ok(list.includes('audit_export'), 'the export itself');
  }
  assert.ok(rows.some((r) => r.table_name === 'visit'));
});
