import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import { correctMedication, createMedication, type MedicationRecord } from './medications.js';
import {
  asNurse,
  describeRecordService,
  NURSE_SITES,
  STUDY,
  seedTwoSites,
} from './record-services.fixture.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedTwoSites(db);
});
after(() => db.close());

const methotrexate: MedicationRecord = {
  subjectId: 'P1',
  drug: 'methotrexat',
  drugClass: 'csdmard',
  startDate: '2016-01-01',
};

describeRecordService<MedicationRecord>({
  type: 'medication',
  db: () => db,
  created: methotrexate,
  // The natural key itself corrected: the drug's name, its start, even its subject.
  corrected: {
    subjectId: 'P2',
    drug: 'methotrexate',
    drugClass: 'corticosteroid',
    startDate: '2016-01-04',
    stopDate: '2017-02-01',
    stopReason: 'intolerance',
  },
  invalid: {
    values: { ...methotrexate, drugClass: 'dmard' as 'csdmard', stopDate: '2015-12-31' },
    paths: ['drugClass', 'stopDate'],
  },
  elsewhere: { ...methotrexate, subjectId: 'P3' },
  create: (tx, record, sites) => createMedication(tx, STUDY, record, sites),
  correct: (tx, stored, record, version, sites) =>
    correctMedication(tx, STUDY, stored.rowId, record, version, sites),
});

describe('medications: corrected by row id', () => {
  test('a correction that would take the natural key of another medication is a conflict', async () => {
    const naproxen = {
      subjectId: 'P1',
      drug: 'naproxen',
      drugClass: 'nsaid',
      startDate: '2015-01-01',
    } as const;
    const ibuprofen = { ...naproxen, drug: 'ibuprofen' };
    await asNurse(db, null, (tx) => createMedication(tx, STUDY, naproxen, NURSE_SITES));
    const other = await asNurse(db, null, (tx) =>
      createMedication(tx, STUDY, ibuprofen, NURSE_SITES),
    );
    await assert.rejects(
      asNurse(db, 'rename', (tx) =>
        correctMedication(tx, STUDY, other.rowId, naproxen, 1, NURSE_SITES),
      ),
      (error) => isJiaError(error, 'VERSION_CONFLICT') && error.details?.expectedVersion === 0,
    );
  });

  test('a row id that names no medication (or no row at all) is NOT_FOUND', async () => {
    for (const rowId of ['999999', 'abc', '', '-1', '99999999999999999999'])
      await assert.rejects(
        asNurse(db, 'x', (tx) => correctMedication(tx, STUDY, rowId, methotrexate, 1, NURSE_SITES)),
        (error) => isJiaError(error, 'NOT_FOUND'),
        rowId,
      );
  });
});
