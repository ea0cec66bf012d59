/**
 * GET /api/v1/health and the audit trail's unsealed window (issue 15; docs/audit-trail.md): an
 * alert once the oldest unsealed event is older than the limit, none before or without one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sealNow, withTransaction } from '@jia-trial/store';
import { openTestDatabase, seedStudy } from '@jia-trial/store/test-support';
import pg from 'pg';
import { buildServer } from './app.js';

test('health says "alert" when events wait unsealed past the limit, "ok" otherwise', async () => {
  const db = await openTestDatabase();
  const holder = new pg.Client({ connectionString: db.url, application_name: 'open-report' });
  await holder.connect();
  const strict = await buildServer({ store: db.store, unsealedAlertSeconds: 0 });
  const lenient = await buildServer({ store: db.store, unsealedAlertSeconds: 3600 });
  const health = async (app: typeof strict) =>
    (await app.inject({ method: 'GET', url: '/api/v1/health' })).json();
  try {
    await seedStudy(db.store.pool, 'H', ['P1']);
    await sealNow(db.store.pool);
    assert.deepEqual(await health(strict), { status: 'ok' }, 'nothing unsealed');
    await holder.query('BEGIN');
    await holder.query('SELECT pg_current_xact_id()');
    await withTransaction(db.store, { id: 'test:x', name: 'x' }, undefined, (tx) =>
      tx.client.query(
        "INSERT INTO visit (study_id, visit_id, subject_id, visit_date) VALUES ('H', 'V1', 'P1', '2020-01-01')",
      ),
    );
    await sealNow(db.store.pool);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(await health(strict), { status: 'alert', alerts: ['audit-unsealed'] });
    assert.deepEqual(await health(lenient), { status: 'ok' });
  } finally {
    await holder.query('ROLLBACK').catch(() => {});
    await holder.end();
    await strict.close();
    await lenient.close();
    await db.close();
  }
});
