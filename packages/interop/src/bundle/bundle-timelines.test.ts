import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundleTimelines } from './bundle-timelines.js';
import { readBundle } from './read-bundle.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');

test('a bundle becomes one timeline per subject, every file read into its fields', () => {
  const reading = readBundle(EXAMPLE, 100);
  assert.equal(reading.problems.total, 0);
  const timelines = bundleTimelines(reading);
  assert.deepEqual(
    timelines.map((t) => [t.subjectId, t.visits.length, t.infusions.length]),
    [
      ['P01', 6, 2],
      ['P02', 7, 1],
      ['P03', 6, 1],
      ['P04', 6, 1],
      ['P05', 6, 1],
      ['P06', 6, 1],
    ],
  );
  const p02 = timelines[1] ?? assert.fail();
  assert.deepEqual(
    [p02.ilarCategory, p02.birthDate, p02.enrolmentDate, p02.withdrawalDate],
    ['systemic', '2004-11', '2019-04-15', null],
  );
  const mas = p02.visits.find((v) => v.visitId === 'P02-MAS') ?? assert.fail();
  assert.deepEqual(mas.observation, {
    physicianGlobal: 8,
    parentGlobal: 7.5,
    chaqDi: 2,
    activeJoints: 9,
    limitedJoints: 7,
    esr: 62,
    crp: 85,
    morningStiffnessMinutes: 60,
    ferritin: 12500,
    platelets: 96,
    ast: 154,
    triglycerides: 290,
    fibrinogen: 130,
    // The MS score's inputs, not recorded in this bundle (no column): null, never dropped.
    ldh: null,
    cnsInvolvement: null,
    haemorrhagicManifestations: null,
    systemicFeatures: true,
    activeUveitis: false,
    fever: true,
    activeJoints27: null,
    ilarCategory: 'systemic',
  });
  const toci = p02.medications.find((m) => m.drug === 'tocilizumab');
  assert.deepEqual(toci, {
    drug: 'tocilizumab',
    drugClass: 'biologic',
    startDate: '2011-02-01',
    stopDate: '2019-04-01',
    stopReason: 'inefficacy',
  });
  assert.deepEqual(p02.confirmations, {
    infection_or_malignancy: { value: false, date: '2019-04-15' },
  });
  const p04 = timelines[3] ?? assert.fail();
  assert.deepEqual(p04.infusions[0], {
    date: '2019-09-02',
    time: null,
    weightKg: 55.1,
    cellsPerKg: 2e6,
    totalCells: 110_200_000,
    productLot: 'MSC-19-004',
    infusionReaction: true,
    volumeMl: 55,
    pre: { heartRate: 84, systolicBp: null, diastolicBp: null, temperatureC: 36.7, spo2: null },
    post: { heartRate: 110, systolicBp: null, diastolicBp: null, temperatureC: 38.1, spo2: null },
  });
});

test('an AE without awareness_date is known from its onset date, as the store stores it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jia-timelines-'));
  try {
    cpSync(EXAMPLE, dir, { recursive: true });
    writeFileSync(
      join(dir, 'adverse_events.csv'),
      'subject_id,ae_id,term,onset_date,grade,serious,related,outcome\nP01,AE-9,Pyrexia,2019-03-01,1,false,unlikely,recovered\n',
    );
    const reading = readBundle(dir, 100);
    assert.equal(reading.problems.total, 0);
    const ae = bundleTimelines(reading).flatMap((t) => t.adverseEvents)[0];
    assert.deepEqual(
      [ae?.aeId, ae?.onsetDate, ae?.awarenessDate, ae?.reportedDate],
      ['AE-9', '2019-03-01', '2019-03-01', null],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
