/**
 * The unsealed window's alert (docs/audit-trail.md, "The unsealed window") is said once per
 * command: verify-audit in its report (`ALERT unsealed:` on standard output), every other
 * command on standard error as it opens the store. It used to be printed twice by verify-audit.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { changeAs } from '@jia-trial/store/test-support';
import pg from 'pg';
import { runCli, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
const database = useTestDatabase();

const alerts = (text: string) => text.match(/ALERT/g)?.length ?? 0;

test('with an event unsealed past the limit, verify-audit alerts once, in its report; another command once, on standard error', async () => {
  assert.equal((await runCli('import', EXAMPLE, '--study', 'pilot')).code, 0);
  const holder = new pg.Client({
    connectionString: database().url,
    application_name: 'forgotten-report',
  });
  await holder.connect();
  try {
    // An open transaction with an id holds every later event unsealed.
    await holder.query('BEGIN');
    await holder.query('SELECT pg_current_xact_id()');
    await changeAs(database().store.pool, 'nurse', 'late correction', (c) =>
      c.query("UPDATE visit SET esr = esr + 1 WHERE study_id = 'pilot' AND esr IS NOT NULL"),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.env.JIA_AUDIT_UNSEALED_ALERT_SECONDS = '0';

    const verify = await runCli('verify-audit');
    assert.equal(verify.code, 0, verify.stdout);
    assert.match(verify.stdout, /^ALERT unsealed: .*forgotten-report/m);
    assert.equal(alerts(verify.stdout) + alerts(verify.stderr), 1, verify.stderr);

    const other = await runCli('migrate');
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stderr, /jia-trial: ALERT .*forgotten-report/);
    assert.equal(alerts(other.stdout) + alerts(other.stderr), 1);

    // Within the limit: no alert anywhere.
    process.env.JIA_AUDIT_UNSEALED_ALERT_SECONDS = '3600';
    const calm = await runCli('verify-audit');
    assert.equal(alerts(calm.stdout) + alerts(calm.stderr), 0);
    assert.match(calm.stdout, /events not sealed yet/);
  } finally {
    delete process.env.JIA_AUDIT_UNSEALED_ALERT_SECONDS;
    await holder.query('ROLLBACK').catch(() => {});
    await holder.end();
  }
});
