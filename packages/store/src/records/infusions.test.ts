import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import {
  correctInfusion,
  createInfusion,
  type DosingProtocol,
  type InfusionRecord,
} from './infusions.js';
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

/** The MSC pilot's dosing rule (protocols/msc-jia): 2 million cells per kg, +/- 10%. */
const protocol: DosingProtocol = {
  id: 'dose-test',
  intervention: {
    name: 'MSC',
    route: 'intravenous',
    dosePerKg: 2e6,
    unit: 'cells',
    tolerancePercent: 10,
    concentrationPerMl: null,
    observationDays: 1,
  },
};

const first: InfusionRecord = {
  subjectId: 'P1',
  infusionDate: '2019-02-01',
  weightKg: 30,
  cellsPerKg: 2e6,
  totalCells: 6e7,
  productLot: 'L1',
  infusionReaction: false,
};

describeRecordService<InfusionRecord>({
  type: 'infusion',
  db: () => db,
  created: first,
  // The day itself corrected (the natural key), and every other value.
  corrected: {
    subjectId: 'P1',
    infusionDate: '2019-02-02',
    weightKg: 32.5,
    cellsPerKg: 2.1e6,
    totalCells: 68250000,
    productLot: 'L2',
    infusionReaction: true,
    donorCode: 'D7',
    volumeMl: 65.5,
    preHeartRate: 90,
    preSystolicBp: 105,
    preDiastolicBp: 65,
    preTemperatureC: 36.8,
    preSpo2: 99,
    postHeartRate: 118,
    postSystolicBp: 92,
    postDiastolicBp: 55,
    postTemperatureC: 38.4,
    postSpo2: 96,
  },
  invalid: {
    values: { ...first, weightKg: 0, preSpo2: 101, productLot: ' L1' },
    paths: ['weightKg', 'productLot', 'preSpo2'],
  },
  elsewhere: { ...first, subjectId: 'P3' },
  create: (tx, record, sites) => createInfusion(tx, STUDY, record, protocol, sites),
  correct: (tx, stored, record, version, sites) =>
    correctInfusion(tx, STUDY, stored.rowId, record, version, protocol, sites),
});

describe('infusions: the dose is checked by the protocol engine', () => {
  const refused = (record: InfusionRecord, paths: string[], rowId?: string) =>
    assert.rejects(
      asNurse(db, 'dose', (tx) =>
        rowId
          ? correctInfusion(tx, STUDY, rowId, record, 1, protocol, NURSE_SITES)
          : createInfusion(tx, STUDY, record, protocol, NURSE_SITES),
      ),
      (error) => {
        assert.ok(isJiaError(error, 'DOSE_REFUSED'), String(error));
        assert.deepEqual(
          error.issues.map((i) => i.path),
          paths,
        );
        return true;
      },
    );
  const p2 = { ...first, subjectId: 'P2' };

  test('a dose outside the tolerance is refused with the reasons, and nothing is stored', async () => {
    await refused({ ...p2, totalCells: 66.1e6 }, ['totalCells']);
    await refused({ ...p2, totalCells: 53.9e6 }, ['totalCells']);
    await refused({ ...p2, cellsPerKg: 2.3e6, totalCells: 69e6 }, ['totalCells', 'cellsPerKg']);
    const stored = await db.store.pool.query(
      "SELECT count(*)::int AS n FROM infusion WHERE subject_id = 'P2'",
    );
    assert.equal(stored.rows[0].n, 0);
  });

  test('the tolerance itself is accepted, on creation and on correction', async () => {
    const edge = await asNurse(db, null, (tx) =>
      createInfusion(
        tx,
        STUDY,
        { ...p2, totalCells: 66e6, cellsPerKg: 2.2e6 },
        protocol,
        NURSE_SITES,
      ),
    );
    assert.equal(edge.version, 1);
    await refused({ ...p2, totalCells: 70e6 }, ['totalCells'], edge.rowId);
  });

  test('a protocol without an intervention records no infusion', async () => {
    await assert.rejects(
      asNurse(db, null, (tx) =>
        createInfusion(
          tx,
          STUDY,
          { ...p2, infusionDate: '2020-01-01' },
          { id: 'cohort', intervention: null },
          NURSE_SITES,
        ),
      ),
      (error) => isJiaError(error, 'DOSE_REFUSED'),
    );
  });

  test('invalid values are reported before the dose is checked', async () => {
    await assert.rejects(
      asNurse(db, null, (tx) =>
        createInfusion(tx, STUDY, { ...p2, weightKg: 301 }, protocol, NURSE_SITES),
      ),
      (error) => isJiaError(error, 'VALIDATION_FAILED'),
    );
  });
});
