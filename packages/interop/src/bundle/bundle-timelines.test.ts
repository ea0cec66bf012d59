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
    // Dose, route and injected joints: columns this bundle does not have.
    doseMg: null,
    route: null,
    jointCodes: null,
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
    viabilityPct: null,
    passage: null,
    productState: null,
    donorCode: 'D-102',
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

test('JADI items (damage.csv) are attached to their visits; product and injection columns read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jia-timelines-'));
  try {
    cpSync(EXAMPLE, dir, { recursive: true });
    writeFileSync(
      join(dir, 'damage.csv'),
      'visit_id,item,score\nP01-V0,jadi_a_knee_l,2\nP01-V0,jadi_e_ocular,1\n',
    );
    writeFileSync(
      join(dir, 'medications.csv'),
      'subject_id,drug,drug_class,start_date,stop_date,stop_reason,dose_mg,route,joint_codes\n' +
        'P01,triamcinolone hexacetonide,corticosteroid,2019-03-10,2019-03-10,,40,intra_articular,knee_l;ankle_r\n',
    );
    const reading = readBundle(dir, 100);
    assert.deepEqual(reading.problems.problems, []);
    const p01 = bundleTimelines(reading)[0] ?? assert.fail();
    const v0 = p01.visits.find((v) => v.visitId === 'P01-V0');
    assert.deepEqual(v0?.damage, { jadi_a_knee_l: 2, jadi_e_ocular: 1 });
    assert.equal(p01.visits.find((v) => v.visitId === 'P01-V1')?.damage, undefined);
    const injection = p01.medications[0];
    assert.deepEqual(
      [injection?.doseMg, injection?.route, injection?.jointCodes],
      [40, 'intra_articular', ['knee_l', 'ankle_r']],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a JADI-A unit scored 3 and joints given for an oral drug are refused, each by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jia-timelines-'));
  try {
    cpSync(EXAMPLE, dir, { recursive: true });
    writeFileSync(join(dir, 'damage.csv'), 'visit_id,item,score\nP01-V0,jadi_a_knee_l,3\n');
    writeFileSync(
      join(dir, 'medications.csv'),
      'subject_id,drug,drug_class,start_date,route,joint_codes\n' +
        'P01,prednisolone,corticosteroid,2019-03-10,oral,knee_l\n',
    );
    const messages = readBundle(dir, 100).problems.problems.map((p) => `${p.file}: ${p.message}`);
    assert.ok(
      messages.some((m) => /damage\.csv: .*JADI-A unit scores 0/.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /medications\.csv: .*only for route intra_articular/.test(m)),
      messages.join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
