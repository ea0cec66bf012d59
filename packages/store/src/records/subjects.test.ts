import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import {
  asNurse,
  asStored,
  describeRecordService,
  NURSE_SITES,
  STUDY,
  seedTwoSites,
} from './record-services.fixture.js';
import { correctSubject, enrolSubject, type SubjectRecord, withdrawSubject } from './subjects.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedTwoSites(db);
});
after(() => db.close());

const screened: SubjectRecord = {
  subjectId: 'P10',
  site: 'A',
  sex: 'F',
  birthDate: '2012-03',
  ilarCategory: 'oligoarticular_extended',
  diagnosisDate: '2018-05-02',
};

describeRecordService<SubjectRecord>({
  type: 'subject',
  db: () => db,
  created: screened,
  corrected: {
    subjectId: 'P10',
    site: 'A',
    sex: 'U',
    birthDate: '2012-03-14',
    ilarCategory: 'polyarticular_rf_negative',
    diagnosisDate: '2018-05-03',
    enrolmentDate: '2019-02-01',
    withdrawalDate: '2020-01-01',
    withdrawalReason: 'moved abroad',
  },
  invalid: {
    values: {
      ...screened,
      sex: 'female' as 'F',
      birthDate: '2012-13',
      enrolmentDate: '2018-05-01',
      withdrawalReason: 'no date',
    },
    // The enrolment before the diagnosis and the reason without a date: rules between fields.
    paths: ['sex', 'birthDate', 'enrolmentDate', 'withdrawalReason'],
  },
  elsewhere: { ...screened, site: 'B' },
  create: (tx, record, sites) => enrolSubject(tx, STUDY, record, sites),
  correct: (tx, _stored, record, version, sites) =>
    correctSubject(tx, STUDY, record, version, sites),
});

describe('subjects: enrolment at a site, withdrawal', () => {
  test('a subject is enrolled only at a site of the study', async () => {
    await assert.rejects(
      asNurse(db, null, (tx) =>
        enrolSubject(tx, STUDY, { ...screened, subjectId: 'P11', site: 'Z' }, 'all'),
      ),
      (error) => isJiaError(error, 'NOT_FOUND'),
    );
    await assert.rejects(
      asNurse(db, null, (tx) => enrolSubject(tx, 'no-such-study', screened, 'all')),
      (error) => isJiaError(error, 'NOT_FOUND'),
    );
  });

  test('a subject with visits is corrected too (its id, which they name, stays)', async () => {
    const p1 = {
      subjectId: 'P1',
      site: 'A',
      sex: 'M',
      birthDate: '2010-04',
      ilarCategory: 'systemic',
      diagnosisDate: '2015-01-01',
      enrolmentDate: '2019-01-01',
    } as const;
    const corrected = await asNurse(db, 'sex misrecorded', (tx) =>
      correctSubject(tx, STUDY, p1, 1, NURSE_SITES),
    );
    assert.deepEqual([corrected.record.sex, corrected.version], ['M', 2]);
  });

  test('withdrawal sets the date and reason and keeps every other field; it needs a reason for change', async () => {
    const enrolled = await asNurse(db, null, (tx) =>
      enrolSubject(
        tx,
        STUDY,
        { ...screened, subjectId: 'P12', enrolmentDate: '2019-03-01' },
        NURSE_SITES,
      ),
    );
    const withdrawal = { withdrawalDate: '2020-06-30', withdrawalReason: 'family moved abroad' };
    await assert.rejects(
      asNurse(db, null, (tx) => withdrawSubject(tx, STUDY, 'P12', withdrawal, 1, NURSE_SITES)),
      (error) => isJiaError(error, 'REASON_REQUIRED'),
    );
    const withdrawn = await asNurse(db, 'subject withdrew consent', (tx) =>
      withdrawSubject(tx, STUDY, 'P12', withdrawal, 1, NURSE_SITES),
    );
    assert.equal(withdrawn.version, 2);
    assert.deepEqual(withdrawn.record, asStored('subject', { ...enrolled.record, ...withdrawal }));
  });

  test('a withdrawal before enrolment, without a date, stale, or of a subject elsewhere is refused', async () => {
    const refused = (
      work: Parameters<typeof asNurse>[2],
      code: 'VALIDATION_FAILED' | 'VERSION_CONFLICT' | 'NOT_FOUND',
      paths?: string[],
    ) =>
      assert.rejects(asNurse(db, 'withdrew', work), (error) => {
        assert.ok(isJiaError(error, code), String(error));
        if (paths)
          assert.deepEqual(
            error.issues.map((i) => i.path),
            paths,
          );
        return true;
      });
    await refused(
      (tx) => withdrawSubject(tx, STUDY, 'P12', { withdrawalDate: '2019-02-28' }, 2, NURSE_SITES),
      'VALIDATION_FAILED',
      ['withdrawalDate'],
    );
    await refused(
      (tx) =>
        withdrawSubject(
          tx,
          STUDY,
          'P12',
          { withdrawalDate: null as unknown as string },
          2,
          NURSE_SITES,
        ),
      'VALIDATION_FAILED',
      ['withdrawalDate'],
    );
    await refused(
      (tx) => withdrawSubject(tx, STUDY, 'P12', { withdrawalDate: '2020-07-01' }, 1, NURSE_SITES),
      'VERSION_CONFLICT',
    );
    await refused(
      (tx) => withdrawSubject(tx, STUDY, 'P3', { withdrawalDate: '2020-07-01' }, 1, NURSE_SITES),
      'NOT_FOUND',
    );
    await refused(
      (tx) => withdrawSubject(tx, STUDY, 'P404', { withdrawalDate: '2020-07-01' }, 1, NURSE_SITES),
      'NOT_FOUND',
    );
  });
});
