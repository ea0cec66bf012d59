/**
 * Missing-data codes on the other record types through the bundle import into the database
 * (ADR 0040, "Which fields"; migration 0025): an infusion's vital sign and a medication's dose
 * given as codes, and an eligibility answer whose required value is replaced by a code, are
 * stored in their columns; the database refuses an answer with neither a value nor a code
 * (its NOT NULL became a CHECK) and a value beside a code.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDatabase, type TestDatabase, testActor } from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { importBundle, type StagedFile } from './import-bundle.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const encoder = new TextEncoder();
const file = (name: StagedFile['file'], columns: string[], row: string): StagedFile => ({
  file: name,
  columns,
  records: () => [encoder.encode(`${row},1\n`)],
});
const subjects = file(
  'subjects.csv',
  ['subject_id', 'site', 'sex', 'birth_date', 'ilar_category', 'diagnosis_date'],
  'P1,A,F,2010-04,systemic,2015-01-01',
);
const importing = (files: StagedFile[]) =>
  withTransaction(db.store.pool, testActor('dm'), undefined, (tx) => importBundle(tx, 'S', files));
const one = async (sql: string) => (await db.store.pool.query(sql)).rows[0];

test('codes on an infusion, a medication and an eligibility answer are stored in their columns', async () => {
  await importing([
    subjects,
    file(
      'infusions.csv',
      [
        'subject_id',
        'infusion_date',
        'weight_kg',
        'cells_per_kg',
        'total_cells',
        'product_lot',
        'infusion_reaction',
        'pre_heart_rate_missing',
        'viability_pct_missing',
      ],
      'P1,2019-02-01,30,2000000,60000000,L1,false,ND,UNK',
    ),
    file(
      'medications.csv',
      ['subject_id', 'drug', 'drug_class', 'start_date', 'dose_mg_missing'],
      'P1,prednisolone,corticosteroid,2016-01-01,ASKU',
    ),
    file(
      'eligibility.csv',
      ['subject_id', 'criterion_id', 'value', 'assessed_date', 'value_missing'],
      'P1,infection_or_malignancy,,2019-01-15,UNK',
    ),
  ]);
  assert.deepEqual(
    await one('SELECT pre_heart_rate, pre_heart_rate_missing, viability_pct_missing FROM infusion'),
    { pre_heart_rate: null, pre_heart_rate_missing: 'ND', viability_pct_missing: 'UNK' },
  );
  assert.deepEqual(await one('SELECT dose_mg, dose_mg_missing FROM medication'), {
    dose_mg: null,
    dose_mg_missing: 'ASKU',
  });
  assert.deepEqual(await one('SELECT value, value_missing FROM eligibility_assessment'), {
    value: null,
    value_missing: 'UNK',
  });
});

/** The constraint the database names when it refuses `sql`. */
async function refusedBy(sql: string): Promise<string | undefined> {
  const client = await db.store.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      "SELECT set_config('jia.actor', 'test', true), set_config('jia.reason', 'test', true)",
    );
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as { constraint?: string }).constraint;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

test('the database refuses an answer with neither a value nor a code, and a value beside a code', async () => {
  assert.equal(
    await refusedBy(`INSERT INTO eligibility_assessment (study_id, subject_id, criterion_id, assessed_date)
                     VALUES ('S', 'P1', 'no_answer', '2019-01-15')`),
    'eligibility_assessment_value_given',
  );
  assert.equal(
    await refusedBy(`INSERT INTO eligibility_assessment (study_id, subject_id, criterion_id, value, value_missing, assessed_date)
                     VALUES ('S', 'P1', 'both', true, 'ND', '2019-01-15')`),
    'eligibility_assessment_value_value_or_missing',
  );
  assert.equal(
    await refusedBy(`UPDATE infusion SET pre_heart_rate = 90 WHERE subject_id = 'P1'`),
    'infusion_pre_heart_rate_value_or_missing',
  );
  assert.equal(
    await refusedBy(`UPDATE medication SET dose_mg_missing = 'N/A' WHERE subject_id = 'P1'`),
    'medication_dose_mg_missing_code',
  );
});
