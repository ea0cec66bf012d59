import { after, before } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import {
  correctJointFinding,
  createJointFinding,
  type JointFindingRecord,
} from './joint-findings.js';
import { describeRecordService, STUDY, seedTwoSites } from './record-services.fixture.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedTwoSites(db);
});
after(() => db.close());

const knee: JointFindingRecord = {
  visitId: 'V1',
  jointCode: 'knee_l',
  swollen: true,
  tender: false,
  limited: true,
};

describeRecordService<JointFindingRecord>({
  type: 'joint_finding',
  db: () => db,
  created: knee,
  corrected: { ...knee, swollen: false, tender: true, limited: false },
  invalid: {
    values: { ...knee, jointCode: 'knee', swollen: null as unknown as boolean },
    paths: ['jointCode', 'swollen'],
  },
  elsewhere: { ...knee, visitId: 'V3' },
  create: (tx, record, sites) => createJointFinding(tx, STUDY, record, sites),
  correct: (tx, _stored, record, version, sites) =>
    correctJointFinding(tx, STUDY, record, version, sites),
});
