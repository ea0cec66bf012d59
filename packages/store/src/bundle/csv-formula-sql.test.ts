/**
 * The SQL of the bundle's formula neutralisation gives exactly what the dictionary's functions
 * give (csv-formula.ts): the export's COPY and the import's merge agree with every other reader
 * and writer of bundle cells.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NEUTRALISED_FIRST_CHARACTERS, neutraliseCell, restoreCell } from '@jia-trial/dictionary';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import { neutralisedSql, restoredSql } from './csv-formula-sql.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db?.close());

const SAMPLES = [
  '',
  'a',
  'methotrexate',
  '-1.5',
  ' =1',
  "'",
  "''",
  "'abc",
  "'=x",
  "''=x",
  'é=',
  ...NEUTRALISED_FIRST_CHARACTERS.flatMap((c) => [c, `${c}SUM(A1)`, `'${c}x`, `''${c}`]),
];

test('neutralisedSql and restoredSql give what neutraliseCell and restoreCell give', async () => {
  const result = await db.store.pool.query<{ t: string; n: string; r: string }>(
    `SELECT t, ${neutralisedSql('t')} AS n, ${restoredSql('t')} AS r FROM unnest($1::text[]) AS t`,
    [SAMPLES],
  );
  assert.equal(result.rows.length, SAMPLES.length);
  for (const row of result.rows) {
    assert.equal(row.n, neutraliseCell(row.t), `neutralise ${JSON.stringify(row.t)}`);
    assert.equal(row.r, restoreCell(row.t), `restore ${JSON.stringify(row.t)}`);
  }
  const nulls = await db.store.pool.query(
    `SELECT ${neutralisedSql('NULL::text')} AS n, ${restoredSql('NULL::text')} AS r`,
  );
  assert.deepEqual(nulls.rows[0], { n: null, r: null });
});
