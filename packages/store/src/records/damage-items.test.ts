import { after, before } from 'node:test';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import { correctDamageItem, createDamageItem, type DamageItemRecord } from './damage-items.js';
import { describeRecordService, STUDY, seedTwoSites } from './record-services.fixture.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedTwoSites(db);
});
after(() => db.close());

const knee: DamageItemRecord = { visitId: 'V1', item: 'jadi_a_knee_l', score: 1 };

describeRecordService<DamageItemRecord>({
  type: 'damage_item',
  db: () => db,
  created: knee,
  corrected: { ...knee, score: 2 },
  // An item that is no JADI item (the DIP joints are not JADI-A units).
  invalid: {
    values: { ...knee, item: 'jadi_a_dip2_l' },
    paths: ['item'],
  },
  elsewhere: { ...knee, visitId: 'V3' },
  create: (tx, record, sites) => createDamageItem(tx, STUDY, record, sites),
  correct: (tx, _stored, record, version, sites) =>
    correctDamageItem(tx, STUDY, record, version, sites),
});
