/**
 * Missing-data codes through the bundle import into the database (ADR 0040): a code is stored in
 * its column; a later file that gives the value without the code column would leave a value
 * beside the stored code, and is refused before anything is written, naming file, line, column
 * and the constraint; with the code column emptied, the value replaces the code.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, type TestDatabase, testActor } from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { importBundle, type StagedFile } from './import-bundle.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const encoder = new TextEncoder();
const subjects: StagedFile = {
  file: 'subjects.csv',
  columns: ['subject_id', 'site', 'sex', 'birth_date', 'ilar_category', 'diagnosis_date'],
  records: () => [encoder.encode('P1,A,F,2010-04,systemic,2015-01-01,2\n')],
};
const visits = (columns: string[], row: string): StagedFile => ({
  file: 'visits.csv',
  columns: ['subject_id', 'visit_id', 'visit_date', ...columns],
  records: () => [encoder.encode(`P1,P1-V1,2019-01-01,${row},2\n`)],
});
const importing = (files: StagedFile[], reason?: string) =>
  withTransaction(db.store.pool, testActor('dm'), reason, (tx) => importBundle(tx, 'S', files));
const stored = async () =>
  (
    await db.store.pool.query<{ esr: string | null; esr_missing: string | null }>(
      "SELECT esr, esr_missing FROM visit WHERE visit_id = 'P1-V1'",
    )
  ).rows[0];

test('a code is stored in its column', async () => {
  await importing([subjects, visits(['esr', 'esr_missing'], ',ND')]);
  assert.deepEqual(await stored(), { esr: null, esr_missing: 'ND' });
});

test('a value given without the code column, beside a stored code, is refused naming it', async () => {
  await assert.rejects(importing([visits(['esr'], '30')], 'lab result came in'), (error) => {
    assert.ok(isJiaError(error, 'VALIDATION_FAILED'), String(error));
    assert.deepEqual(
      error.issues.map((i) => [i.file, i.line, i.column]),
      [['visits.csv', 2, 'esr']],
    );
    assert.match(error.issues[0]?.message ?? '', /visit_esr_value_or_missing/);
    return true;
  });
  assert.deepEqual(await stored(), { esr: null, esr_missing: 'ND' }, 'nothing written');
});

test('the value with the code emptied replaces the code', async () => {
  await importing([visits(['esr', 'esr_missing'], '30,')], 'lab result came in');
  assert.deepEqual(await stored(), { esr: '30', esr_missing: null });
});
