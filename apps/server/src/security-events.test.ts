/**
 * Security events through the real server (issue 18, "Audit review"; docs/audit-trail.md,
 * "Security events"): a sign-in, a failed one, a sign-out, a password change and reset, an
 * export and a report download each leave an event in the audit trail, with the account and
 * the address, never a password; and the trail still verifies.
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
import { ApiClient, PASSWORD, STUDY, startTestServer, type TestServer } from './test-support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
  await server.addUser('dora', [['data_manager', null]]);
  await server.addUser('adam', [['admin', null]]);
  await server.addUser('nils', [['nurse', 'UMCU']]);
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
  assert.equal((failure?.newValues as { address: string }).address, '127.0.0.1');
  const reseted = events.find((e) => (e.newValues as { kind: string }).kind === 'password_reset');
  assert.match(reseted?.actor.id ?? '', /^user:\d+$/, 'the administrator did it');
  const text = JSON.stringify(events);
  assert.ok(!text.includes(PASSWORD) && !text.includes('not the password'), 'no password');
  assert.ok(!text.includes(reset.body.oneTimePassword), 'no one-time password');
  assert.deepEqual((await verifyAudit(server.db.store.pool)).problems, []);
});
