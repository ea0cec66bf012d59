import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RECORD_TYPES } from '@jia-trial/dictionary';
import { AUDITED_TABLES } from '../audit/audited-tables.js';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { saveVisit } from '../visits.js';
import {
  findRecord,
  KEY_COLUMNS,
  keyExpression,
  recordLookup,
  STUDY_TABLES,
  subjectPath,
} from './records.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P/2']);
  await saveVisit(
    db.store.pool,
    'S',
    { visitId: 'V/1', subjectId: 'P/2', visitDate: '2020-01-01' },
    null,
    { actor: { id: 'test:nurse', name: 'nurse' } },
  );
  await changeAs(db.store.pool, 'nurse', undefined, (client) =>
    client.query(
      `INSERT INTO medication (study_id, subject_id, drug, drug_class, start_date)
       VALUES ('S', 'P/2', 'trimethoprim/sulfamethoxazole', 'other', '2019-05-01')`,
    ),
  );
});
after(() => db.close());

test("every study table's key columns are those its audit trigger makes record keys of", async () => {
  const keys = await db.store.pool.query<{ table_name: string; key_columns: string[] }>(
    'SELECT table_name::text, key_columns FROM audit_table_key',
  );
  const stored = Object.fromEntries(keys.rows.map((r) => [r.table_name, r.key_columns]));
  // Every audited table but the accounts' (their events are keyed by username).
  assert.deepEqual(
    [...STUDY_TABLES].sort(),
    AUDITED_TABLES.filter((t) => t !== 'app_user' && t !== 'security_event').sort(),
  );
  for (const table of STUDY_TABLES) assert.deepEqual(KEY_COLUMNS[table], stored[table], table);
});

test('the key expression gives each row the record key of its audit events', async () => {
  let compared = 0;
  for (const table of STUDY_TABLES) {
    const rows = await db.store.pool.query<{ key: string; audited: string }>(
      `SELECT ${keyExpression(table)} AS key,
              (SELECT e.record_key FROM audit_event e WHERE e.table_name = $1 AND e.row_id = t.row_id
                ORDER BY e.event_id DESC LIMIT 1) AS audited
         FROM ${table} t`,
      [table],
    );
    for (const row of rows.rows) assert.equal(row.key, row.audited, table);
    compared += rows.rows.length;
  }
  assert.ok(compared >= 6, `compared ${compared} rows`);
});

test('a record is found by its key, slashes in its values and all, through its primary key', async () => {
  const medication = await findRecord(
    db.store.pool,
    'S',
    'medication',
    'S/P/2/trimethoprim/sulfamethoxazole/2019-05-01',
  );
  assert.deepEqual([medication?.subjectId, medication?.version], ['P/2', 1]);
  assert.equal((await findRecord(db.store.pool, 'S', 'visit', 'S/V/1'))?.subjectId, 'P/2');
  assert.equal((await findRecord(db.store.pool, 'S', 'study', 'S'))?.subjectId, null);
  assert.equal(await findRecord(db.store.pool, 'S', 'visit', 'S/V'), null);
  assert.equal(await findRecord(db.store.pool, 'S', 'visit', 'T/V/1'), null);

  // With a study's worth of visits, the lookup probes the primary key by visit_id.
  await changeAs(db.store.pool, 'nurse', undefined, (client) =>
    client.query(
      `INSERT INTO visit (study_id, visit_id, subject_id, visit_date)
       SELECT 'S', 'B' || n, 'P1', date '2020-01-01' + n FROM generate_series(1, 3000) AS n`,
    ),
  );
  await db.store.ownerPool().query('ANALYZE visit');
  const client = await db.store.pool.connect();
  try {
    const lookup = recordLookup('S', 'visit', 'S/V/1');
    await client.query(`PREPARE lookup AS ${lookup?.text}`);
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN EXECUTE lookup('S', 'S/V/1', '{V,V/1}')`,
    );
    assert.match(
      plan.rows.map((r) => r['QUERY PLAN']).join('\n'),
      /Index Scan using visit_pkey on visit t .*\n\s+Index Cond: \(\(study_id = 'S'::text\) AND \(visit_id = ANY/,
    );
  } finally {
    client.release(true);
  }
});

test('every record type reaches its subject', () => {
  for (const record of RECORD_TYPES) assert.match(subjectPath(record).subject, /subject_id$/);
});
