import { after, before } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import { type ChaqAnswerRecord, correctChaqAnswer, createChaqAnswer } from './chaq-answers.js';
import { describeRecordService, STUDY, seedTwoSites } from './record-services.fixture.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedTwoSites(db);
});
after(() => db.close());

const dressing: ChaqAnswerRecord = {
  visitId: 'V1',
  item: 'dressing_1',
  score: 2,
  aidOrHelp: false,
};

describeRecordService<ChaqAnswerRecord>({
  type: 'chaq_response',
  db: () => db,
  created: dressing,
  // Not applicable is stored as NULL and read back as 'na'.
  corrected: { ...dressing, score: 'na', aidOrHelp: true },
  invalid: {
    values: { ...dressing, item: 'dressing_9', score: 4 as 3 },
    paths: ['item', 'score'],
  },
  elsewhere: { ...dressing, visitId: 'V3' },
  create: (tx, record, sites) => createChaqAnswer(tx, STUDY, record, sites),
  correct: (tx, _stored, record, version, sites) =>
    correctChaqAnswer(tx, STUDY, record, version, sites),
});
