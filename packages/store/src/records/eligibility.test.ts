import { after, before } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import {
  correctEligibilityAssessment,
  createEligibilityAssessment,
  type EligibilityAssessmentRecord,
} from './eligibility.js';
import { describeRecordService, STUDY, seedTwoSites } from './record-services.fixture.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedTwoSites(db);
});
after(() => db.close());

const answer: EligibilityAssessmentRecord = {
  subjectId: 'P1',
  criterionId: 'no_active_infection',
  value: true,
  assessedDate: '2018-12-01',
};

describeRecordService<EligibilityAssessmentRecord>({
  type: 'eligibility_assessment',
  db: () => db,
  created: answer,
  corrected: { ...answer, value: false, assessedDate: '2018-12-02', assessedBy: 'dr.lee' },
  invalid: {
    values: { ...answer, criterionId: 'No infection', value: 'yes' as unknown as boolean },
    paths: ['criterionId', 'value'],
  },
  elsewhere: { ...answer, subjectId: 'P3' },
  create: (tx, record, sites) => createEligibilityAssessment(tx, STUDY, record, sites),
  correct: (tx, _stored, record, version, sites) =>
    correctEligibilityAssessment(tx, STUDY, record, version, sites),
});
