import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BUNDLE_FILES, dbColumn } from '@jia-trial/dictionary';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, type TestDatabase, testActor } from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { importBundle } from './import-bundle.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const encoder = new TextEncoder();

test('a record the database refuses names the file and the constraint, and nothing is stored', async () => {
  // Past the CLI's validation (which would refuse sex X): the database is the safety net.
  const subjects = {
    file: 'subjects.csv' as const,
    columns: [
      'subject_id',
      'site',
      'sex',
      'birth_date',
      'ilar_category',
      'diagnosis_date',
      'enrolment_date',
    ],
    records: [encoder.encode('P1,A,X,2010-04,systemic,2015-01-01,2019-01-01\n')],
  };
  await assert.rejects(
    withTransaction(db.store.pool, testActor('test'), undefined, (tx) =>
      importBundle(tx, 'S', [subjects]),
    ),
    (error) =>
      isJiaError(error, 'DATABASE_REFUSED') &&
      /^subjects\.csv: the database refused a record: .*constraint subject_sex_check; Failing row contains .*P1.*nothing was imported$/.test(
        error.message,
      ),
  );
  const stored = await db.store.pool.query(
    'SELECT (SELECT count(*) FROM study)::int AS studies, (SELECT count(*) FROM audit_event)::int AS events',
  );
  assert.deepEqual(stored.rows[0], { studies: 0, events: 0 });
});

test("the database's CHECK constraints hold the bundle spec's numeric ranges", async () => {
  const checks = await db.store.pool.query<{ table: string; def: string }>(
    `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE contype = 'c'`,
  );
  let compared = 0;
  for (const file of BUNDLE_FILES)
    for (const column of file.columns) {
      // visits.csv's ranges are the outcome library's, checked in dictionary-schema.test.ts.
      const range = column.type === 'visit' ? undefined : column.field.range;
      if (range === undefined) continue;
      const name = dbColumn(file, column.name);
      const defs = checks.rows
        .filter((c) => c.table === file.table && new RegExp(`\\b${name}\\b`).test(c.def))
        .map((c) => c.def);
      // One CHECK holds the range (another may name the column for a rule across fields, such
      // as an AE's worsening needing grade 2 or more).
      // pg_get_constraintdef writes numbers plainly, e.g. (weight_kg <= (300)::numeric).
      const holds = (def: string, bound: number) =>
        new RegExp(`\\(${BigInt(bound)}\\)|\\b${BigInt(bound)}\\b`).test(def);
      const bounds = [range.min, range.max].filter((b): b is number => b !== undefined);
      assert.ok(
        defs.some((def) => bounds.every((bound) => holds(def, bound))),
        `${file.table}.${name}: no CHECK holds ${bounds.join(' to ')} (${defs.join('; ')})`,
      );
      compared++;
    }
  assert.ok(compared >= 15, `compared ${compared} ranged columns`);
});
