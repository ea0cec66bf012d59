import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { backupDatabase, restoreDatabase } from './backup.js';
import { changeAs, openTestDatabase, type TestDatabase } from './test-support.js';

let source: TestDatabase;
let target: TestDatabase;
// Removed when the file's tests end (a run left jia-backup-test-* behind: issue 16).
const scratch = mkdtempSync(join(tmpdir(), 'jia-backup-test-'));
const dir = join(scratch, 'backup');

before(async () => {
  source = await openTestDatabase();
  target = await openTestDatabase();
  await changeAs(source.store.pool, 'a', undefined, async (c) => {
    await c.query(
      "INSERT INTO study (study_id, title) VALUES ('S', 'tab\there, quote '' and ünïcode')",
    );
    await c.query("INSERT INTO site (study_id, site_code) VALUES ('S', 'A')");
  });
  await changeAs(source.store.pool, 'b', 'typo', (c) =>
    c.query("UPDATE site SET name = 'Site A' WHERE site_code = 'A'"),
  );
});
after(async () => {
  await source.close();
  await target.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('a backup restores to the same rows and the same verified audit trail', async () => {
  const backup = await backupDatabase(source.store.pool, dir);
  assert.equal(backup.auditHead.blockSeq !== '0', true);
  const restored = await restoreDatabase(target.store.ownerPool(), dir);
  assert.equal(restored.audit.ok, true, JSON.stringify(restored.audit.problems));
  // audit_head's batch bookkeeping (offset, sealed horizon) belongs to the cluster; the chain
  // head is what must be the same.
  const tables = {
    study: '*',
    site: '*',
    audit_event: '*',
    audit_block: '*',
    audit_head: 'singleton, block_seq, block_hash',
  };
  for (const [table, columns] of Object.entries(tables)) {
    const sql = `SELECT to_jsonb(t) AS r FROM (SELECT ${columns} FROM ${table}) t ORDER BY 1::text`;
    const a = await source.store.pool.query(sql);
    const b = await target.store.pool.query(sql);
    assert.deepEqual(b.rows, a.rows, table);
  }
  // The restored database goes on: new changes extend the restored chain, in new batches.
  const maxBatch = 'SELECT max(batch_id)::bigint AS b FROM audit_event';
  const restoredMax = BigInt((await target.store.pool.query(maxBatch)).rows[0].b);
  await changeAs(target.store.pool, 'c', 'after restore', (c) =>
    c.query("UPDATE site SET name = 'Site A2' WHERE site_code = 'A'"),
  );
  assert.ok(BigInt((await target.store.pool.query(maxBatch)).rows[0].b) > restoredMax);
  const { verifyAudit } = await import('./audit/verify-audit.js');
  const after = await verifyAudit(target.store.pool);
  assert.deepEqual(after.problems, []);
  assert.equal(after.events, restored.audit.events + 1);
});

test('a backup whose manifest names other tables is refused before anything runs', async () => {
  const { cpSync, readFileSync, writeFileSync } = await import('node:fs');
  const forged = `${dir}-forged`;
  cpSync(dir, forged, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(forged, 'manifest.json'), 'utf8'));
  manifest.tables[0].table = "study FROM PROGRAM 'id' --";
  writeFileSync(join(forged, 'manifest.json'), JSON.stringify(manifest));
  const empty = await openTestDatabase();
  try {
    await assert.rejects(
      restoreDatabase(empty.store.ownerPool(), forged),
      /does not list this version's tables/,
    );
  } finally {
    await empty.close();
  }
});

test('a backup whose data disagrees with its audit trail is rolled back', async () => {
  const { cpSync, readFileSync, writeFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const altered = `${dir}-altered`;
  cpSync(dir, altered, { recursive: true });
  const file = join(altered, 'site.copy');
  writeFileSync(file, readFileSync(file, 'utf8').replace('Site A', 'Site Z'));
  // An attacker can fix the checksum too: the audit trail still disagrees.
  const manifest = JSON.parse(readFileSync(join(altered, 'manifest.json'), 'utf8'));
  const entry = manifest.tables.find((t: { table: string }) => t.table === 'site');
  entry.sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  writeFileSync(join(altered, 'manifest.json'), JSON.stringify(manifest));
  const empty = await openTestDatabase();
  try {
    const result = await restoreDatabase(empty.store.ownerPool(), altered);
    assert.equal(result.restored, false);
    assert.match(
      result.audit.problems[0]?.message ?? '',
      /name is "Site Z", the trail says "Site A"/,
    );
    const rows = await empty.store.pool.query('SELECT count(*)::int AS n FROM site');
    assert.equal(rows.rows[0].n, 0, 'nothing restored');
  } finally {
    await empty.close();
  }
});

test('restore refuses a database that holds data, and a damaged backup', async () => {
  await assert.rejects(restoreDatabase(target.store.ownerPool(), dir), /not empty/);
  appendFileSync(join(dir, 'site.copy'), 'S\tB\t\\N\t1\t99\n');
  const empty = await openTestDatabase();
  try {
    await assert.rejects(
      restoreDatabase(empty.store.ownerPool(), dir),
      /site\.copy does not match the manifest/,
    );
    const rows = await empty.store.pool.query('SELECT count(*)::int AS n FROM site');
    assert.equal(rows.rows[0].n, 0);
  } finally {
    await empty.close();
  }
});
