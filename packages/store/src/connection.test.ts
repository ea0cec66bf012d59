import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { storePool } from './connection.js';
import { openTestDatabase, type TestDatabase } from './test-support.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const DATE_QUERY = "SELECT DATE '2020-02-29' AS d, 12.50::numeric AS n";

test("the store's queries return dates as their 'YYYY-MM-DD' text, and numerics as text", async () => {
  const result = await db.store.pool.query(DATE_QUERY);
  assert.deepEqual(result.rows[0], { d: '2020-02-29', n: '12.50' });
  // A second pool made from the store's settings parses alike.
  const second = storePool({ ...db.store.connectionConfig, max: 1 });
  try {
    assert.equal((await second.query(DATE_QUERY)).rows[0].d, '2020-02-29');
  } finally {
    await second.end();
  }
});

test("another pg client in the same process keeps pg's default date parsing", async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { d } = (await client.query(DATE_QUERY)).rows[0];
    assert.ok(d instanceof Date, `pg's default makes a Date, got ${typeof d} ${String(d)}`);
    assert.equal(d.getFullYear(), 2020);
    assert.equal(d.getMonth(), 1);
    assert.equal(d.getDate(), 29);
  } finally {
    await client.end();
  }
  assert.equal(
    pg.types.getTypeParser(pg.types.builtins.DATE, 'text')('2020-02-29') instanceof Date,
    true,
    "pg's process-wide date parser is pg's own",
  );
  // And the store still returns text after another client has run.
  assert.equal((await db.store.pool.query(DATE_QUERY)).rows[0].d, '2020-02-29');
});
