/**
 * The database's schema against the field dictionary (@jia-trial/dictionary): every record
 * type's columns, types and NOT NULLs, every range (by inserting its boundary values and the
 * values just beyond), every code list the database checks (by reading its CHECK constraint), and
 * the conversion of laboratory values entered in another unit (against the outcome library's
 * convertLab). A field added, a range changed or a code added on one side only fails here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type CodeListId,
  codesOf,
  columnOf,
  type FieldDefinition,
  LAB_UNIT_FIELDS,
  RECORD_TYPES,
  type RecordType,
  standardUnit,
  standardValue,
} from '@jia-trial/dictionary';
import { LAB_ANALYTES } from '@jia-trial/outcomes';
import type pg from 'pg';
import { openTestDatabase, type TestDatabase } from './test-support.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

/** Columns every audited table has that are no field: identity, study, version. */
const BOOKKEEPING = new Set(['row_id', 'study_id', 'version']);

/**
 * Coded fields whose codes only the application checks (a CHECK listing 71 joints or 36 CHAQ
 * items would need a migration at every change of the catalogue); each other coded field must
 * have a CHECK with exactly its list's codes.
 */
const CODES_CHECKED_BY_THE_APPLICATION = new Set([
  'visit.active_joint_codes',
  'joint_finding.joint_code',
  'chaq_response.item',
  'damage_item.item',
  'medication.joint_codes',
  'adverse_event.seriousness_criteria',
]);

/** A valid row of each record type, parents first: the base every boundary insert varies. */
const VALID: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  subject: {
    subject_id: 'P1',
    site_code: 'A',
    sex: 'F',
    birth_date: '2010-04',
    ilar_category: 'systemic',
    diagnosis_date: '2015-01-01',
  },
  visit: { subject_id: 'P1', visit_id: 'V1', visit_date: '2019-01-01' },
  joint_finding: {
    visit_id: 'V1',
    joint_code: 'knee_l',
    swollen: true,
    tender: false,
    limited: false,
  },
  chaq_response: { visit_id: 'V1', item: 'dressing_1', score: 1, aid_or_help: false },
  damage_item: { visit_id: 'V1', item: 'jadi_a_knee_l', score: 1 },
  medication: {
    subject_id: 'P1',
    drug: 'methotrexate',
    drug_class: 'csdmard',
    start_date: '2016-01-01',
  },
  infusion: {
    subject_id: 'P1',
    infusion_date: '2019-02-01',
    weight_kg: 30,
    cells_per_kg: 2e6,
    total_cells: 6e7,
    product_lot: 'L1',
    infusion_reaction: false,
  },
  adverse_event: {
    subject_id: 'P1',
    ae_id: 'AE1',
    term: 'Fever',
    onset_date: '2019-03-01',
    grade: 1,
    serious: false,
    related: 'not_related',
    outcome: 'recovered',
    awareness_date: '2019-03-01',
  },
  eligibility_assessment: {
    subject_id: 'P1',
    criterion_id: 'no_infection',
    value: true,
    assessed_date: '2019-01-01',
  },
};

/** Inserts a row of `table` with `values` in a savepoint: null when stored, else the SQLSTATE. */
async function tryInsert(
  client: pg.PoolClient,
  table: string,
  values: Readonly<Record<string, unknown>>,
): Promise<string | null> {
  const columns = ['study_id', ...Object.keys(values)];
  const params = ['S', ...Object.values(values)];
  await client.query('SAVEPOINT probe');
  try {
    await client.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      params,
    );
    await client.query('RELEASE SAVEPOINT probe');
    return null;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT probe');
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Runs `work` in a transaction with a study, its site and the parents of every record, rolled back. */
async function withParents(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await db.store.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('jia.actor', 'schema-test', true)");
    await client.query("INSERT INTO study (study_id) VALUES ('S')");
    await client.query("INSERT INTO site (study_id, site_code) VALUES ('S', 'A')");
    for (const table of ['subject', 'visit'])
      assert.equal(await tryInsert(client, table, VALID[table] ?? {}), null, table);
    await work(client);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/** The boundary values of a range and whether each is valid. */
function boundaries(field: FieldDefinition): Array<[number, boolean]> {
  const range = field.range;
  if (!range) return [];
  const step = field.type === 'integer' || field.type === 'chaq_score' ? 1 : 0.5;
  const cases: Array<[number, boolean]> = range.minExclusive
    ? [
        [range.min, false],
        [range.min + step, true],
      ]
    : [
        [range.min, true],
        [range.min - step, false],
      ];
  if (range.max !== undefined) cases.push([range.max, true], [range.max + step, false]);
  return cases;
}

describe('the database schema agrees with the field dictionary', () => {
  for (const record of RECORD_TYPES)
    test(`${record.id}: columns, types and NOT NULL`, async () => {
      const columns = await db.store.pool.query<{
        column_name: string;
        data_type: string;
        is_nullable: string;
      }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
        [record.id],
      );
      const stored = columns.rows.filter((c) => !BOOKKEEPING.has(c.column_name));
      assert.deepEqual(
        stored.map((c) => c.column_name).sort(),
        record.fields.map(columnOf).sort(),
        'one column per field',
      );
      for (const field of record.fields) {
        const column = stored.find((c) => c.column_name === columnOf(field));
        assert.equal(column?.data_type, field.storage, `${record.id}.${field.name} type`);
        // A field with a default from another is never empty once stored; a CHAQ answer `na`
        // is stored as NULL; a required field that accepts a missing-data code is NULL beside
        // its code (a CHECK asks for one of the two, tested in missing-codes.test.ts).
        const notNull =
          (field.required && field.type !== 'chaq_score' && field.missingField === undefined) ||
          field.defaultFrom !== undefined;
        assert.equal(column?.is_nullable, notNull ? 'NO' : 'YES', `${record.id}.${field.name}`);
      }
    });

  test('every range: the boundaries are stored, the values just beyond refused', async () => {
    const probes = RECORD_TYPES.flatMap((record) =>
      record.fields.flatMap((field) =>
        boundaries(field).map(([value, valid]) => ({ record, field, value, valid })),
      ),
    );
    let probed = 0;
    await withParents(async (client) => {
      for (const { record, field, value, valid } of probes) {
        const code = await tryInsert(client, record.id, {
          ...(VALID[record.id] as object),
          ...(record.id === 'visit' ? { visit_id: `range-${probed}` } : {}),
          [columnOf(field)]: value,
        });
        // The valid row is removed again, so that the key is free for the next probe.
        if (code === null && record.id !== 'visit') await deleteProbe(client, record);
        assert.equal(
          code,
          valid ? null : '23514',
          `${record.id}.${field.name} = ${value} should be ${valid ? 'stored' : 'refused by a CHECK'}`,
        );
        probed++;
      }
    });
    assert.ok(probed >= 90, `probed ${probed} boundary values`);
  });

  test('every code list the database checks lists exactly the dictionary codes', async () => {
    const checks = await db.store.pool.query<{ table: string; def: string }>(
      `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE contype = 'c'`,
    );
    let compared = 0;
    for (const record of RECORD_TYPES)
      for (const field of record.fields) {
        if (!field.codeList || field.type === 'integer') continue;
        const name = `${record.id}.${field.name}`;
        const defs = checks.rows.filter(
          (c) => c.table === record.id && codeCheckOf(c.def, columnOf(field)) !== null,
        );
        if (CODES_CHECKED_BY_THE_APPLICATION.has(name)) {
          assert.equal(defs.length, 0, `${name} is listed as checked by the application only`);
          continue;
        }
        assert.equal(defs.length, 1, `${name}: one CHECK of its codes`);
        assert.deepEqual(
          codeCheckOf(defs[0]?.def ?? '', columnOf(field)),
          [...codesOf(field.codeList)].sort(),
          name,
        );
        compared++;
      }
    for (const [table, column, list] of [
      ['role_assignment', 'role', 'role'],
      ['alert', 'status', 'alert_status'],
      ['data_query', 'status', 'query_status'],
      ['signature', 'meaning', 'signature_meaning'],
    ] as const) {
      const def = checks.rows.find(
        (c) => c.table === table && codeCheckOf(c.def, column) !== null,
      )?.def;
      assert.deepEqual(codeCheckOf(def ?? '', column), [...codesOf(list as CodeListId)].sort());
      compared++;
    }
    assert.ok(compared >= 18, `compared ${compared} code lists`);
  });

  test('a laboratory value entered in any unit is standardised as convertLab standardises it', async () => {
    let n = 0;
    await withParents(async (client) => {
      for (const lab of LAB_UNIT_FIELDS)
        for (const unit of Object.keys(LAB_ANALYTES[lab.analyte].units))
          for (const entered of [0, 0.8, 1.76, 3.6, 12.345678, 150]) {
            const visitId = `unit-${n++}`;
            const stored = await tryInsert(client, 'visit', {
              ...(VALID.visit as object),
              visit_id: visitId,
              [lab.name]: entered,
              [lab.unitName]: unit === standardUnit(lab.analyte) ? null : unit,
            });
            const expected = standardValue(lab.analyte, entered, unit);
            const limit = (await import('@jia-trial/outcomes')).INPUT_RANGES[lab.analyte].max;
            if (expected > limit) {
              assert.equal(stored, '23514', `${entered} ${unit} is beyond the range`);
              continue;
            }
            assert.equal(stored, null, `${entered} ${unit}`);
            const row = await client.query(
              `SELECT ${lab.name}_std AS std FROM visit WHERE study_id = 'S' AND visit_id = $1`,
              [visitId],
            );
            assert.equal(Number(row.rows[0].std), expected, `${entered} ${unit} of ${lab.analyte}`);
          }
    });
    assert.ok(n >= 60);
  });
});

/** Removes the probe row of a child table (by its key), so that the next probe can insert. */
async function deleteProbe(client: pg.PoolClient, record: RecordType): Promise<void> {
  const base = VALID[record.id] as Readonly<Record<string, unknown>>;
  const keys = record.key.map(
    (name) => record.fields.find((f) => f.name === name) as FieldDefinition,
  );
  await client.query("SELECT set_config('jia.reason', 'schema test', true)");
  await client.query(
    `DELETE FROM ${record.id} WHERE study_id = 'S' AND ${keys.map((f, i) => `${columnOf(f)} = $${i + 1}`).join(' AND ')}`,
    keys.map((f) => base[columnOf(f)]),
  );
}

/**
 * The sorted codes of a CHECK that allows a column only a list of codes, or null when `def` is
 * not one: `(col = ANY (ARRAY['a'::text, 'b'::text]))` or `(col IN ('a', 'b'))`.
 */
function codeCheckOf(def: string, column: string): string[] | null {
  const match = new RegExp(`^CHECK \\(\\(?${column} = ANY \\(ARRAY\\[(.*)\\]\\)\\)\\)?$`).exec(def);
  if (!match) return null;
  return [...(match[1] ?? '').matchAll(/'((?:[^']|'')*)'::text/g)]
    .map((m) => (m[1] ?? '').replaceAll("''", "'"))
    .sort();
}
