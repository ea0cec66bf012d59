import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import {
  type AdverseEventRecord,
  correctAdverseEvent,
  createAdverseEvent,
} from './adverse-events.js';
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

const headache: AdverseEventRecord = {
  subjectId: 'P1',
  aeId: 'AE1',
  term: 'Headache',
  onsetDate: '2019-02-02',
  grade: 1,
  serious: false,
  related: 'unlikely',
  outcome: 'recovered',
  awarenessDate: '2019-02-02',
};

describeRecordService<AdverseEventRecord>({
  type: 'adverse_event',
  db: () => db,
  created: headache,
  corrected: {
    subjectId: 'P2',
    aeId: 'AE1',
    term: 'Migraine',
    meddraCode: '10027599',
    onsetDate: '2019-02-01',
    resolutionDate: '2019-02-10',
    grade: 3,
    serious: true,
    seriousnessCriteria: 'hospitalisation',
    related: 'possible',
    outcome: 'recovered_with_sequelae',
    actionTaken: 'drug_interrupted',
    awarenessDate: '2019-02-03',
    reportedDate: '2019-02-04',
  },
  invalid: {
    values: {
      ...headache,
      grade: 5,
      meddraCode: '1002',
      seriousnessCriteria: 'hospitalisation;abducted',
      resolutionDate: '2019-01-01',
    },
    // A grade 5 AE is serious and fatal (CTCAE v5, ICH E2A): the rules name both fields.
    paths: ['meddraCode', 'seriousnessCriteria', 'resolutionDate', 'serious', 'outcome'],
  },
  elsewhere: { ...headache, subjectId: 'P3' },
  create: (tx, record, sites) => createAdverseEvent(tx, STUDY, record, sites),
  correct: (tx, _stored, record, version, sites) =>
    correctAdverseEvent(tx, STUDY, record, version, sites),
});

describe('adverse events', () => {
  test('an empty awareness date is stored as the onset; seriousness criteria only for a serious AE', async () => {
    const { awarenessDate: _, ...unaware } = headache;
    const stored = await asNurse(db, null, (tx) =>
      createAdverseEvent(tx, STUDY, { ...unaware, aeId: 'AE2' }, NURSE_SITES),
    );
    assert.equal(stored.record.awarenessDate, headache.onsetDate);
    await assert.rejects(
      asNurse(db, null, (tx) =>
        createAdverseEvent(
          tx,
          STUDY,
          { ...headache, aeId: 'AE3', seriousnessCriteria: 'death' },
          NURSE_SITES,
        ),
      ),
      (error) =>
        isJiaError(error, 'VALIDATION_FAILED') &&
        error.issues.map((i) => i.path).join() === 'seriousnessCriteria',
    );
  });
});

describe('an id used at another site', () => {
  test('is refused as taken, without the record or its version', async () => {
    await asNurse(db, null, (tx) =>
      createAdverseEvent(tx, STUDY, { ...headache, subjectId: 'P3', aeId: 'AE-B' }, 'all'),
    );
    await assert.rejects(
      asNurse(db, null, (tx) =>
        createAdverseEvent(tx, STUDY, { ...headache, aeId: 'AE-B' }, NURSE_SITES),
      ),
      (error) =>
        isJiaError(error, 'VERSION_CONFLICT') &&
        /already used in study S, at a site you do not work at/.test(error.message) &&
        !('currentVersion' in (error.details ?? {})),
    );
    // At every site, the same create is the usual conflict, with the stored version.
    await assert.rejects(
      asNurse(db, null, (tx) =>
        createAdverseEvent(tx, STUDY, { ...headache, aeId: 'AE-B' }, 'all'),
      ),
      (error) => isJiaError(error, 'VERSION_CONFLICT') && error.details?.currentVersion === 1,
    );
  });
});
