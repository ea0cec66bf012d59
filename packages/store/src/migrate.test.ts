import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sealNow } from './audit/sealer.js';
import { verifyAudit } from './audit/verify-audit.js';
import { listMigrations, migrate } from './migrate.js';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from './test-support.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

test('migrations are numbered from 1 without gaps', () => {
  const versions = listMigrations().map((m) => m.version);
  assert.deepEqual(
    versions,
    versions.map((_, i) => i + 1),
  );
});

test('a migrated database is left alone by another migrate', async () => {
  const report = await migrate(db.store.ownerPool());
  assert.deepEqual(report.applied, []);
  // The latest migration's number: migrate() reports the version, not a count.
  assert.equal(report.current, listMigrations().at(-1)?.version);
});

test('a released migration that was edited is refused, naming it', async () => {
  await db.store
    .ownerPool()
    .query("UPDATE schema_migration SET checksum = 'edited' WHERE version = 1");
  try {
    await assert.rejects(
      migrate(db.store.ownerPool()),
      /migration 1_audit_trail was changed after it was applied/,
    );
  } finally {
    const original = listMigrations()[0]?.checksum;
    await db.store
      .ownerPool()
      .query('UPDATE schema_migration SET checksum = $1 WHERE version = 1', [original]);
  }
});

test('a database migrated by a newer jia-trial is refused', async () => {
  await db.store
    .ownerPool()
    .query("INSERT INTO schema_migration (version, name, checksum) VALUES (999, 'future', 'x')");
  try {
    await assert.rejects(
      migrate(db.store.ownerPool()),
      /migration 999, which this version of jia-trial does not know/,
    );
  } finally {
    await db.store.ownerPool().query('DELETE FROM schema_migration WHERE version = 999');
  }
});

test('a trail written before migration 4 (values as jsonb) still verifies after it, and new events chain on', async () => {
  const old = await openTestDatabase({ migrateUpTo: 3 });
  try {
    const pool = old.store.pool;
    await seedStudy(pool, 'UPGRADE', ['S1', 'S2']);
    // Values that exercise the JSON text: escapes, non-ASCII, decimals, nulls, dates.
    await changeAs(pool, 'nurse "A"', undefined, (client) =>
      client.query(
        `INSERT INTO visit (study_id, subject_id, visit_id, visit_date, esr, crp, physician_global)
         VALUES ('UPGRADE', 'S1', 'V1', '2020-01-02', 20.50, NULL, 3.0),
                ('UPGRADE', 'S2', 'Vé\\\\n"2', '2020-02-03', 7, 1.25, 0)`,
      ),
    );
    await changeAs(pool, 'nurse', 'transcription: ESR was 21.5', (client) =>
      client.query("UPDATE visit SET esr = 21.5 WHERE visit_id = 'V1'"),
    );
    await sealNow(pool);
    assert.equal(
      (
        await pool.query(
          "SELECT format_type(atttypid, NULL) AS t FROM pg_attribute WHERE attrelid = 'audit_event'::regclass AND attname = 'new_values'",
        )
      ).rows[0].t,
      'jsonb',
    );
    // Verified only after the upgrade: verify-audit reads the current schema's tables.
    const events = Number((await pool.query('SELECT count(*) AS n FROM audit_event')).rows[0].n);
    assert.ok(events > 0);

    const report = await migrate(pool);
    assert.deepEqual(
      report.applied,
      listMigrations()
        .filter((m) => m.version > 3)
        .map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`),
    );
    const upgraded = await verifyAudit(pool);
    assert.deepEqual(upgraded.problems, []);
    assert.equal(upgraded.events, events);

    await changeAs(pool, 'nurse', 'CRP result arrived', (client) =>
      client.query("UPDATE visit SET crp = 3.5 WHERE visit_id = 'V1'"),
    );
    const after = await verifyAudit(pool);
    assert.deepEqual(after.problems, []);
    assert.equal(after.events, events + 1);
    // And tampering with an upgraded event is still found.
    const tamper = await pool.connect();
    try {
      await tamper.query('ALTER TABLE audit_event DISABLE TRIGGER USER');
      await tamper.query(
        `UPDATE audit_event SET new_values = jsonb_set(new_values::jsonb, '{esr}', '99')::json
          WHERE event_id = (SELECT min(event_id) FROM audit_event WHERE table_name = 'visit')`,
      );
      await tamper.query('ALTER TABLE audit_event ENABLE TRIGGER USER');
    } finally {
      tamper.release();
    }
    const tampered = await verifyAudit(pool);
    assert.equal(tampered.ok, false);
    assert.match(
      tampered.problems.map((p) => p.message).join('\n'),
      /altered after it was written/,
    );
  } finally {
    await old.close();
  }
});
