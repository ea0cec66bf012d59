import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BUNDLE_FILES, bundleFile, type RecordTexts } from '@jia-trial/dictionary';
import { escapeIdentifier } from 'pg';
import { textColumns } from '../records/record-texts.js';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import { TrailRowReader } from './trail-json.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

/** A row's texts as PostgreSQL reads them (the Snapshot's reading), without row_id and version. */
function withoutIdentity(row: Record<string, string | null>): RecordTexts {
  const texts = new Map<string, string>();
  for (const [name, text] of Object.entries(row))
    if (text !== null && name !== 'row_id' && name !== 'version') texts.set(name, text);
  return texts;
}

/** Texts as a Map, to compare (a reader's are a RowTexts). */
const asMap = (texts: RecordTexts | null) => (texts === null ? null : new Map(texts));

/** Values of every kind a record table holds, awkward ones included. */
const VALUES: ReadonlyArray<Record<string, unknown>> = [
  {
    text: 'a "quoted" \\ back\\slash\nline\ttab é 𝄞 \u0001 <&>',
    numeric: 1.5,
    numericText: '1.50',
    integer: 3,
    boolean: true,
    date: '2019-01-07',
  },
  { text: '', numericText: '0.000', integer: 0, boolean: false, date: '0044-03-15 BC' },
  { text: 'x', numericText: '-12345678901234567890.0001', integer: -7, date: 'infinity' },
  {},
];

/** A JSON object for `json_populate_record` of `table` with `values` in every column of a kind. */
function rowJson(table: string, values: Record<string, unknown>): string {
  const file = BUNDLE_FILES.find((f) => f.table === table);
  assert.ok(file);
  const parts: string[] = [];
  for (const column of file.columns) {
    if (column.name === 'version') continue;
    const key = JSON.stringify(column.dbColumn);
    const value =
      column.sqlType === 'numeric'
        ? values.numericText
        : column.sqlType === 'integer' || column.sqlType === 'smallint'
          ? values.integer
          : values[column.sqlType];
    if (value === undefined) continue;
    // A numeric as its text, so that its scale is kept (1.50).
    parts.push(`${key}:${column.sqlType === 'numeric' ? String(value) : JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}`;
}

test('a row of the trail reads as PostgreSQL reads the same row of its table, for every table and kind of value', async () => {
  for (const file of BUNDLE_FILES) {
    const reader = new TrailRowReader(file);
    for (const values of VALUES) {
      const input = rowJson(file.table, values);
      const table = escapeIdentifier(file.table);
      // to_json of the row is what the audit trigger stores (migration 0007); the texts are the
      // Snapshot's reading of the same row (records/record-texts.ts).
      const result = await db.store.pool.query<{
        json: string;
        texts: Record<string, string | null>;
      }>(
        `SELECT to_json(t)::text AS json,
                (SELECT to_jsonb(x) FROM (SELECT ${textColumns(file)}
                   FROM json_populate_record(NULL::${table}, $1::json) t2) x) AS texts
           FROM json_populate_record(NULL::${table}, $1::json) t`,
        [input],
      );
      const row = result.rows[0];
      assert.ok(row);
      assert.deepEqual(
        asMap(reader.texts(row.json)),
        withoutIdentity(row.texts),
        `${file.table}: ${row.json}`,
      );
    }
  }
});

test('the layout of the last row speeds the next, but another order or spacing reads the same', () => {
  const reader = new TrailRowReader(bundleFile('subjects.csv'));
  const compact = '{"row_id":1,"study_id":"S","subject_id":"P1","sex":"F","site_code":"S01"}';
  const spaced = '{ "site_code" : "S01", "sex": "F" ,"subject_id":"P1","row_id": 1 }';
  const expected = new Map([
    ['subject_id', 'P1'],
    ['sex', 'F'],
    ['site', 'S01'],
  ]);
  assert.deepEqual(asMap(reader.texts(compact)), expected);
  assert.deepEqual(asMap(reader.texts(spaced)), expected);
  assert.deepEqual(asMap(reader.texts(compact)), expected);
  assert.equal(reader.texts(null), null);
  assert.deepEqual(asMap(reader.texts('{}')), new Map());
});

test('a CHAQ answer left NULL reads na, as the Snapshot writes it', () => {
  const file = BUNDLE_FILES.find((f) => f.columns.some((c) => c.type === 'chaq_score'));
  assert.ok(file);
  const chaq = file.columns.filter((c) => c.type === 'chaq_score').map((c) => c.name);
  const texts = new TrailRowReader(file).texts('{"row_id":1}');
  for (const name of chaq) assert.equal(texts?.get(name), 'na');
});

test('text that is not a row as to_json writes it is refused, saying where', () => {
  const reader = new TrailRowReader(bundleFile('subjects.csv'));
  for (const bad of ['[1]', '{"sex":}', '{"sex":"F"', '{"sex":{"a":1}}', '{"sex" "F"}'])
    assert.throws(() => reader.texts(bad), /not a row as to_json writes it \(at character \d+\)/);
});
