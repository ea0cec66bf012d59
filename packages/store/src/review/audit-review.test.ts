/**
 * Audit review (issue 18): security events in the hash chain, and a study's trail filtered and
 * paged (audit-review.ts, security-events.ts, migration 0024_audit).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import pg from 'pg';
import { signIn } from '../accounts/sessions.js';
import { createUser, grantRole } from '../accounts/users.js';
import { sealNow } from '../audit/sealer.js';
import { verifyAudit } from '../audit/verify-audit.js';
import {
  changeAs,
  openTestDatabase,
  seedStudy,
  type TestDatabase,
  testActor,
} from '../test-support.js';
import { withSnapshot, withTransaction } from '../transaction.js';
import { type AuditFilter, type AuditScope, auditEvents, eachAuditEvent } from './audit-review.js';
import { logSecurityEvent } from './security-events.js';

const PASSWORD = 'correct horse battery';
const ADDRESS = '203.0.113.9';
let db: TestDatabase;

const page = (filter: AuditFilter, scope: AuditScope = 'all', limit = 100, cursor?: string) =>
  withSnapshot(db.store, (c) =>
    auditEvents(c, 'S', filter, scope, { limit, ...(cursor ? { cursor } : {}) }),
  );

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P2']);
  await changeAs(db.store.pool, 'admin', undefined, async (c) => {
    await c.query("INSERT INTO site (study_id, site_code) VALUES ('S', 'B')");
    await c.query(`INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr)
                   VALUES ('S', 'P1-V1', 'P1', '2019-01-01', 40)`);
    await c.query(`INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited)
                   VALUES ('S', 'P1-V1', 'knee_l', true, false, false)`);
  });
  await changeAs(db.store.pool, 'admin', 'moved to site B', (c) =>
    c.query("UPDATE subject SET site_code = 'B' WHERE subject_id = 'P2'"),
  );
  await changeAs(db.store.pool, 'admin', undefined, (c) =>
    c.query(`INSERT INTO visit (study_id, visit_id, subject_id, visit_date, esr)
             VALUES ('S', 'P2-V1', 'P2', '2019-01-02', 30)`),
  );
  await withTransaction(db.store, testActor('admin'), undefined, async (tx) => {
    await createUser(tx, {
      username: 'dana',
      displayName: 'Dana DM',
      password: PASSWORD,
      mustChangePassword: false,
    });
    await grantRole(tx, { username: 'dana', studyId: 'S', role: 'data_manager', site: null });
    await createUser(tx, {
      username: 'olga',
      displayName: 'Olga Other',
      password: PASSWORD,
      mustChangePassword: false,
    });
  });
  await changeAs(db.store.pool, 'nurse', 'typo', (c) =>
    c.query("UPDATE visit SET esr = 41 WHERE visit_id = 'P1-V1'"),
  );
  await sealNow(db.store.pool);
});
after(() => db.close());

describe('security events', () => {
  test('a sign-in, a failed one naming the account and one naming nobody are events in the chain, without the password', async () => {
    await signIn(db.store, { username: 'dana', password: PASSWORD, address: ADDRESS });
    await assert.rejects(
      signIn(db.store, { username: 'dana', password: 'wrong password!', address: ADDRESS }),
      (e: unknown) => isJiaError(e) && e.code === 'INVALID_CREDENTIALS',
    );
    await assert.rejects(signIn(db.store, { username: 'nobody', password: 'x', address: ADDRESS }));
    await logSecurityEvent(
      db.store,
      { id: 'user:1', name: 'Dana DM' },
      {
        kind: 'export',
        username: 'dana',
        studyId: 'S',
        detail: 'bundle',
      },
    );
    await sealNow(db.store.pool);
    const events = await db.store.pool.query<{
      actor: string;
      actor_id: string;
      record_key: string;
      new_values: Record<string, unknown>;
      study_id: string | null;
    }>(
      `SELECT actor, actor_id, record_key, new_values, study_id FROM audit_event
        WHERE table_name = 'security_event' ORDER BY event_id`,
    );
    const rows = events.rows.map((r) => [
      r.actor,
      r.actor_id.replace(/\d+$/, 'N'),
      r.record_key,
      r.new_values.kind,
      r.new_values.outcome,
      r.new_values.address,
      r.study_id,
    ]);
    assert.deepEqual(rows, [
      ['Dana DM', 'user:N', 'dana', 'sign_in', null, ADDRESS, null],
      ['anonymous', 'anonymous:203.0.113.N', 'dana', 'sign_in_failed', 'invalid', ADDRESS, null],
      ['anonymous', 'anonymous:203.0.113.N', 'nobody', 'sign_in_failed', 'invalid', ADDRESS, null],
      ['Dana DM', 'user:N', 'dana', 'export', null, null, 'S'],
    ]);
    const text = JSON.stringify(events.rows);
    assert.ok(!text.includes('wrong password') && !text.includes(PASSWORD), 'no password');
    assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
  });

  test('a security event changed or removed behind the application is found by verify-audit', async () => {
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    try {
      await owner.query('SET session_replication_role = replica');
      await owner.query(
        "UPDATE security_event SET address = '198.51.100.1' WHERE kind = 'sign_in'",
      );
      const changed = await verifyAudit(db.store.pool);
      assert.match(
        changed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'),
        /security_event dana: differs .*address is "198\.51\.100\.1", the trail says "203\.0\.113\.9"/,
      );
      await owner.query(`UPDATE security_event SET address = '${ADDRESS}' WHERE kind = 'sign_in'`);
      await owner.query("DELETE FROM security_event WHERE kind = 'export'");
      const removed = await verifyAudit(db.store.pool);
      assert.match(
        removed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'),
        /security_event dana: was removed without an audit event/,
      );
    } finally {
      await owner.end();
    }
  });

  test('the runtime role may add a security event but not change one', async () => {
    await assert.rejects(
      db.store.pool.query("UPDATE security_event SET address = 'x'"),
      /permission denied/,
    );
    await assert.rejects(db.store.pool.query('DELETE FROM security_event'), /permission denied/);
  });
});

describe("a study's trail", () => {
  test("holds the study's events and its accounts' sign-ins, not another account's", async () => {
    await signIn(db.store, { username: 'olga', password: PASSWORD, address: ADDRESS });
    await sealNow(db.store.pool);
    const { events } = await page({ table: 'security_event' });
    assert.ok(events.length >= 2);
    assert.ok(
      events.every((e) => e.recordKey === 'dana'),
      'olga holds no role in S',
    );
    assert.ok(events.some((e) => e.newValues?.kind === 'sign_in'));
  });

  test('filters by user, site, subject, record, operation and time, each on both sides', async () => {
    const keys = async (filter: AuditFilter, scope: AuditScope = 'all') =>
      (await page(filter, scope)).events.map((e) => `${e.table} ${e.recordKey} ${e.operation}`);
    assert.deepEqual(await keys({ user: 'test:nurse' }), ['visit S/P1-V1 update']);
    assert.deepEqual(await keys({ user: 'nurse' }), [], 'no account nurse: no event');
    assert.ok((await keys({ user: 'dana' })).includes('security_event dana insert'));
    assert.deepEqual(await keys({ site: 'B', table: 'visit' }), ['visit S/P2-V1 insert']);
    assert.deepEqual(await keys({ subject: 'P1', table: 'joint_finding' }), [
      'joint_finding S/P1-V1/knee_l insert',
    ]);
    assert.deepEqual(await keys({ subject: 'P2', table: 'joint_finding' }), []);
    assert.ok((await keys({ subject: 'P2' })).includes('subject S/P2 update'));
    assert.deepEqual(await keys({ table: 'visit', key: 'S/P1-V1', operation: 'update' }), [
      'visit S/P1-V1 update',
    ]);
    assert.deepEqual(await keys({ operation: 'delete' }), []);
    const all = (await page({})).events;
    const update = all.find((e) => e.operation === 'update' && e.table === 'visit');
    assert.ok(update);
    assert.equal((await keys({ from: update.at, table: 'visit' })).at(0), 'visit S/P1-V1 update');
    assert.ok(!(await keys({ to: update.at, table: 'visit' })).includes('visit S/P1-V1 update'));
    assert.deepEqual(await keys({ to: '2000-01-01' }), []);
  });

  test('a reader bound to a site sees its events only, and no account events', async () => {
    const events = (await page({}, ['B'])).events;
    assert.ok(events.length > 0);
    assert.ok(events.every((e) => e.siteCode === 'B'));
  });

  test('pages follow a cursor and together are the whole trail; the export reads the same', async () => {
    const whole = (await page({}, 'all', 500)).events.map((e) => e.eventId);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const next = await page({}, 'all', 3, cursor);
      paged.push(...next.events.map((e) => e.eventId));
      cursor = next.nextCursor ?? undefined;
    } while (cursor);
    assert.deepEqual(paged, whole);
    const exported: string[] = [];
    await withSnapshot(db.store, (c) =>
      eachAuditEvent(c, 'S', {}, 'all', (events) => {
        exported.push(...events.map((e) => e.eventId));
      }),
    );
    assert.deepEqual(exported, whole);
  });

  test('a bad time or cursor is a validation error naming it', async () => {
    for (const [filter, path] of [
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2019-02-30' }, 'to'],
    ] as const)
      await assert.rejects(
        page(filter),
        (e: unknown) =>
          isJiaError(e) && e.code === 'VALIDATION_FAILED' && e.issues[0]?.path === path,
      );
    await assert.rejects(
      page({}, 'all', 10, 'abc'),
      (e: unknown) => isJiaError(e) && e.issues[0]?.path === 'cursor',
    );
  });
});
