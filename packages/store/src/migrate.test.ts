import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listMigrations, migrate } from './migrate.js';
import { openTestDatabase, type TestDatabase } from './test-support.js';

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
  const report = await migrate(db.store.pool);
  assert.deepEqual(report.applied, []);
  assert.equal(report.current, listMigrations().length);
});

test('a released migration that was edited is refused, naming it', async () => {
  await db.store.pool.query("UPDATE schema_migration SET checksum = 'edited' WHERE version = 1");
  try {
    await assert.rejects(
      migrate(db.store.pool),
      /migration 1_audit_trail was changed after it was applied/,
    );
  } finally {
    const original = listMigrations()[0]?.checksum;
    await db.store.pool.query('UPDATE schema_migration SET checksum = $1 WHERE version = 1', [
      original,
    ]);
  }
});

test('a database migrated by a newer jia-trial is refused', async () => {
  await db.store.pool.query(
    "INSERT INTO schema_migration (version, name, checksum) VALUES (999, 'future', 'x')",
  );
  try {
    await assert.rejects(
      migrate(db.store.pool),
      /migration 999, which this version of jia-trial does not know/,
    );
  } finally {
    await db.store.pool.query('DELETE FROM schema_migration WHERE version = 999');
  }
});
