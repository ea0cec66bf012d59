import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BUNDLE_FILES, dbColumn } from '@jia-trial/dictionary';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, TEST_DATA_DIR, type TestDatabase, testActor } from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { importBundle } from './import-bundle.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const encoder = new TextEncoder();

const SUBJECT_COLUMNS = [
  'subject_id',
  'site',
  'sex',
  'birth_date',
  'ilar_category',
  'diagnosis_date',
  'enrolment_date',
];

/** The embedded test server's log (null on an external server, whose log is not ours to read). */
function serverLog(): string | null {
  if (process.env.JIA_TEST_DATABASE_URL) return null;
  return readFileSync(join(TEST_DATA_DIR, 'pg', 'server.log'), 'utf8');
}

async function nothingStored(): Promise<void> {
  const stored = await db.store.pool.query(
    'SELECT (SELECT count(*) FROM study)::int AS studies, (SELECT count(*) FROM audit_event)::int AS events',
  );
  assert.deepEqual(stored.rows[0], { studies: 0, events: 0 });
}

test('a record that would break a CHECK is found before the database raises it: file, line, column, values', async () => {
  // Past the CLI's validation (which would refuse sex X): the import's own check finds it.
  const subjects = {
    file: 'subjects.csv' as const,
    columns: SUBJECT_COLUMNS,
    records: () => [encoder.encode('P1,A,X,2010-04,systemic,2015-01-01,2019-01-01,2\n')],
  };
  const logBefore = serverLog()?.length ?? 0;
  await assert.rejects(
    withTransaction(db.store.pool, testActor('test'), undefined, (tx) =>
      importBundle(tx, 'S', [subjects]),
    ),
    (error) => {
      assert.ok(isJiaError(error, 'VALIDATION_FAILED'), String(error));
      assert.deepEqual(
        error.issues.map((i) => [i.file, i.line, i.column]),
        [['subjects.csv', 2, 'sex']],
      );
      assert.match(
        error.issues[0]?.message ?? '',
        /subject_id P1: sex X break the database rule subject_sex_check/,
      );
      return true;
    },
  );
  await nothingStored();
  // The database raised nothing: no error, and so no row, in its log.
  assert.doesNotMatch(serverLog()?.slice(logBefore) ?? '', /subject_sex_check|P1/);
});

test('the safety net: a refusal names the file and the constraint, never the failing row, in the error or the server log', async () => {
  // visit_crp_range reads crp_std, a column the bundle does not have: only the database checks it
  // (the bundle validation checks the same range, dictionary-schema.test.ts).
  const visits = {
    file: 'visits.csv' as const,
    columns: ['subject_id', 'visit_id', 'visit_date', 'crp'],
    records: () => [encoder.encode('P1,P1-V1,2019-01-01,5000.25,2\n')],
  };
  const subjects = {
    file: 'subjects.csv' as const,
    columns: SUBJECT_COLUMNS,
    records: () => [encoder.encode('P1,A,F,2010-04,systemic,2015-01-01,2019-01-01,2\n')],
  };
  const logBefore = serverLog()?.length ?? 0;
  await assert.rejects(
    withTransaction(db.store.pool, testActor('test'), undefined, (tx) =>
      importBundle(tx, 'S', [subjects, visits]),
    ),
    (error) => {
      assert.ok(isJiaError(error, 'DATABASE_REFUSED'), String(error));
      assert.equal(
        error.message,
        'visits.csv: the database refused a record (constraint visit_crp_range); nothing was imported',
      );
      assert.doesNotMatch(JSON.stringify(error.details), /5000|P1/);
      return true;
    },
  );
  await nothingStored();
  const log = serverLog();
  if (log !== null) {
    const added = log.slice(logBefore);
    assert.match(added, /visit_crp_range/, 'the refusal is logged');
    assert.doesNotMatch(added, /Failing row|5000\.25|P1-V1/, 'but not the row');
  }
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
