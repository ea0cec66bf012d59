import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineProtocol, evaluate } from '@jia-trial/protocol';
import { infusion, medication, subject, visit } from '@jia-trial/protocol/testing';
import { PROTOCOL_IDS } from './ids.js';
import { JIA_COHORT, MSC_JIA, PROTOCOLS, protocolById } from './index.js';

test('the shipped protocols pass their own schema and cross-checks, and are found by id', () => {
  for (const [id, protocol] of Object.entries(PROTOCOLS)) {
    assert.equal(protocol.id, id);
    assert.deepEqual(defineProtocol(JSON.parse(JSON.stringify(protocol))), protocol);
  }
  assert.equal(protocolById('msc-jia'), MSC_JIA);
  assert.throws(
    () => protocolById('msc'),
    /unknown protocol "msc" \(known: msc-jia, jia-cohort, jia-withdrawal\)/,
  );
});

test('PROTOCOL_IDS, which the help lists without loading the protocols, are the keys of PROTOCOLS', () => {
  assert.deepEqual(Object.keys(PROTOCOLS), [...PROTOCOL_IDS]);
});

test('MSC-JIA: 2 x 10^6 cells per kg; weeks 1, 2, 4, 8, 12, 26 and 52 after each infusion; at most 3 infusions', () => {
  assert.equal(MSC_JIA.intervention?.dosePerKg, 2e6);
  assert.deepEqual(
    MSC_JIA.schedule.visits
      .filter((v) => v.anchor === 'each_infusion' && v.day > 0)
      .map((v) => v.day / 7),
    [1, 2, 4, 8, 12, 26, 52],
  );
  assert.equal(MSC_JIA.retreatment?.maxInfusions, 3);
  assert.equal(MSC_JIA.retreatment?.responseLevel, 30);
});

describe('MSC-JIA eligibility of a therapy-refractory systemic-JIA patient', () => {
  const failed = (drug: string, stopDate: string) =>
    medication(drug, 'biologic', '2012-01-01', { stopDate, stopReason: 'inefficacy' });
  const patient = subject({
    ilarCategory: 'systemic',
    birthDate: '2004-05',
    diagnosisDate: '2007-02-01',
    enrolmentDate: '2016-01-04',
    visits: [visit('SCR', '2016-01-11', { activeJoints: 9, fever: false })],
    medications: [
      medication('methotrexate', 'csdmard', '2008-01-01', {
        stopDate: '2009-06-01',
        stopReason: 'inefficacy',
      }),
      medication('prednisolone', 'corticosteroid', '2007-03-01', {
        stopDate: '2010-01-01',
        stopReason: 'intolerance',
      }),
      failed('anakinra', '2013-01-01'),
      failed('canakinumab', '2014-01-01'),
      failed('tocilizumab', '2015-11-10'),
    ],
    infusions: [infusion('2016-01-12', { weightKg: 35, cellsPerKg: 2e6, totalCells: 7e7 })],
    confirmations: { infection_or_malignancy: { value: false, date: '2016-01-11' } },
  });
  test('eligible on the infusion day: every registered IL-1 and IL-6 blocker failed', () => {
    const e = evaluate(MSC_JIA, patient, '2016-01-12').eligibility;
    assert.equal(e.status, 'eligible', JSON.stringify(e.criteria, null, 1));
    const biologicals = e.criteria.find((c) => c.id === 'failed_registered_biologicals');
    // Anakinra was authorised for Still's disease only in 2018: not yet required in 2016.
    assert.match(biologicals?.reason ?? '', /failed: tocilizumab, canakinumab$/);
  });
  test('what was registered depends on the day: without anakinra, eligible in 2016, not in 2018', () => {
    const noAnakinra = {
      ...patient,
      medications: patient.medications.filter((m) => m.drug !== 'anakinra'),
      infusions: [],
      enrolmentDate: null,
    };
    const on = (day: string) =>
      evaluate(
        MSC_JIA,
        { ...noAnakinra, visits: [visit('SCR', day, { activeJoints: 9, fever: false })] },
        day,
      );
    assert.equal(on('2016-01-11').eligibility.status, 'eligible');
    // Anakinra is on label from 8 months and 10 kg: before the infusion no weight is recorded.
    const later = on('2018-06-01').eligibility.criteria.find(
      (c) => c.id === 'failed_registered_biologicals',
    );
    assert.equal(later?.status, 'unknown');
    assert.deepEqual(later?.missing, ['body weight on 2018-06-01']);
    const infusedThen = evaluate(
      MSC_JIA,
      {
        ...noAnakinra,
        visits: [visit('SCR', '2018-05-30', { activeJoints: 9, fever: false })],
        infusions: [infusion('2018-06-01', { weightKg: 35, cellsPerKg: 2e6, totalCells: 7e7 })],
      },
      '2018-06-01',
    ).eligibility.criteria.find((c) => c.id === 'failed_registered_biologicals');
    assert.equal(infusedThen?.status, 'not_met');
    assert.match(infusedThen?.reason ?? '', /not failed: anakinra \(authorised 2018-04\)/);
  });
  test('not eligible with canakinumab never given', () => {
    const without = {
      ...patient,
      medications: patient.medications.filter((m) => m.drug !== 'canakinumab'),
    };
    const e = evaluate(MSC_JIA, without, '2016-01-12').eligibility;
    assert.equal(e.status, 'not_eligible');
  });
  test("the study's danger: MAS watch after tocilizumab is stopped, an afebrile early warning, then MAS criteria met 7 weeks after the infusion", () => {
    // Tocilizumab stopped 2015-11-10; infusion 2016-01-12 (9 weeks later, less 2 days); at 4
    // weeks after the infusion ferritin has doubled and platelets fallen by 29% without fever
    // (the 2016 criteria cannot apply); MAS at 7 weeks after the infusion, 2016-03-01: 16 weeks
    // after the stop, inside the 6-month watch (a 12-week watch would have ended on 2016-02-02).
    const mas = {
      ...patient,
      visits: [
        visit('SCR', '2016-01-11', {
          activeJoints: 9,
          fever: false,
          ferritin: 250,
          platelets: 380,
        }),
        visit('W4', '2016-02-09', { activeJoints: 8, fever: false, ferritin: 520, platelets: 270 }),
        visit('W7', '2016-03-01', {
          fever: true,
          ferritin: 12000,
          platelets: 95,
          ast: 150,
          triglycerides: 280,
          fibrinogen: 140,
        }),
      ],
    };
    const masAlerts = (asOf: string) =>
      evaluate(MSC_JIA, mas, asOf)
        .alerts.filter((a) => a.code.startsWith('MAS') || a.code.startsWith('MS_'))
        .map((a) => [a.code, a.severity]);
    assert.deepEqual(masAlerts('2016-01-12'), [['MAS_WATCH', 'warning']]);
    assert.deepEqual(masAlerts('2016-02-09'), [
      ['MAS_WATCH', 'warning'],
      ['MAS_LAB_TREND', 'warning'],
    ]);
    assert.deepEqual(masAlerts('2016-03-01'), [
      ['MAS_CRITERIA_MET', 'urgent'],
      ['MAS_SIGNS', 'urgent'],
      ['MAS_WATCH', 'warning'],
      ['MAS_LAB_TREND', 'warning'],
    ]);
    // The watch lasts 182 days after the stop: 2016-05-10 is its last day.
    assert.deepEqual(masAlerts('2016-05-11'), []);
  });
});

describe('a second protocol runs on the same engine: the observational cohort', () => {
  const child = subject({
    ilarCategory: 'oligoarticular_persistent',
    birthDate: '2012-09-01',
    diagnosisDate: '2016-05-01',
    enrolmentDate: '2020-01-06',
    visits: [
      visit('M0', '2020-01-06', { activeJoints: 2 }),
      visit('M3', '2020-04-08'),
      visit('M9', '2020-10-12'),
    ],
  });
  test('quarterly visits from enrolment for two years, no infusion, no retreatment', () => {
    const s = evaluate(JIA_COHORT, child, '2020-11-01');
    assert.equal(s.state, 'in_follow_up');
    assert.equal(s.infusions, 0);
    assert.deepEqual(s.retreatment.reasons, ['the protocol has no retreatment']);
    assert.deepEqual(
      s.schedule.map((v) => `${v.name}:${v.status}`),
      [
        'M0:done',
        'M3:done',
        'M6:missed',
        'M9:done',
        'M12:upcoming',
        'M15:upcoming',
        'M18:upcoming',
        'M21:upcoming',
        'M24:upcoming',
      ],
    );
    assert.equal(s.studyDayOne, '2020-01-06');
    assert.equal(s.eligibility.status, 'eligible');
  });
  test('enrolled before its first visit; completed after the last window; diagnosed at 16 is not eligible', () => {
    assert.equal(evaluate(JIA_COHORT, { ...child, visits: [] }, '2020-01-06').state, 'enrolled');
    assert.equal(evaluate(JIA_COHORT, child, '2022-03-01').state, 'in_follow_up');
    const allDone = { ...child, visits: [...child.visits, visit('M24', '2022-01-03')] };
    assert.equal(evaluate(JIA_COHORT, allDone, '2022-03-01').state, 'completed');
    const late = {
      ...child,
      enrolmentDate: null,
      birthDate: '2000-05-01',
      diagnosisDate: '2016-05-01',
    };
    assert.equal(evaluate(JIA_COHORT, late, '2017-01-01').state, 'not_eligible');
  });
});

test('the cohort reads eligibility on the enrolment day, not later', () => {
  const enrolledAt17 = subject({
    ilarCategory: 'polyarticular_rf_negative',
    birthDate: '2003-01-10',
    diagnosisDate: '2015-02-01',
    enrolmentDate: '2020-12-01',
  });
  const s = evaluate(JIA_COHORT, enrolledAt17, '2021-06-01');
  assert.deepEqual([s.eligibility.referenceDate, s.eligibility.status], ['2020-12-01', 'eligible']);
});

test('a medicine recorded by its EU brand name counts as the medicine (the catalogue lists the brands)', () => {
  const failedByBrand = subject({
    ilarCategory: 'systemic',
    birthDate: '2004-05',
    visits: [visit('SCR', '2016-01-11', { activeJoints: 9, fever: false })],
    medications: [
      medication('methotrexate', 'csdmard', '2008-01-01', {
        stopDate: '2009-06-01',
        stopReason: 'inefficacy',
      }),
      medication('prednisolone', 'corticosteroid', '2007-03-01', {
        stopDate: '2010-01-01',
        stopReason: 'inefficacy',
      }),
      medication('Ilaris', 'biologic', '2012-01-01', {
        stopDate: '2014-01-01',
        stopReason: 'inefficacy',
      }),
      medication('RoActemra', 'biologic', '2014-02-01', {
        stopDate: '2015-11-10',
        stopReason: 'inefficacy',
      }),
    ],
    enrolmentDate: null,
  });
  const e = evaluate(MSC_JIA, failedByBrand, '2016-01-11').eligibility;
  assert.equal(e.criteria.find((c) => c.id === 'failed_registered_biologicals')?.status, 'met');
  // And the MAS watch sees RoActemra as an IL-6 blocker.
  assert.ok(
    evaluate(MSC_JIA, failedByBrand, '2016-01-11').alerts.some((a) => a.code === 'MAS_WATCH'),
  );
});

describe('the EMA register carries the history of each indication (issue 14)', () => {
  const naive = (ilarCategory: 'systemic' | 'polyarticular_rf_negative', birthDate: string) =>
    subject({ ilarCategory, birthDate, medications: [], enrolmentDate: null });
  const criterionOn = (t: ReturnType<typeof naive>, day: string) =>
    evaluate(MSC_JIA, t, day).eligibility.criteria.find(
      (c) => c.id === 'failed_registered_biologicals',
    );
  test('tocilizumab for sJIA was on label from 2 years in 2011, from 1 year only after 2018', () => {
    // A child of 1 year and a half in 2012: no sJIA biological was on label for it then
    // (canakinumab came in 2013, at 2 years); a naive child of 2 and a half was not refractory.
    const toddler = criterionOn(naive('systemic', '2010-07-01'), '2012-01-10');
    assert.equal(toddler?.vacuous, true, toddler?.reason);
    const older = criterionOn(naive('systemic', '2009-07-01'), '2012-01-10');
    assert.match(older?.reason ?? '', /not failed: tocilizumab/);
  });
  test('etanercept for pJIA was on label from 4 years in 2000, from 2 years only after the change', () => {
    const three = criterionOn(naive('polyarticular_rf_negative', '2002-01-01'), '2005-06-01');
    assert.equal(three?.vacuous, true, three?.reason);
    const five = criterionOn(naive('polyarticular_rf_negative', '2000-01-01'), '2005-06-01');
    assert.match(five?.reason ?? '', /not failed: etanercept/);
  });
  test('every version of every indication names its source and an evidence tag', () => {
    for (const indication of MSC_JIA.registeredIndications)
      for (const version of indication.history) {
        assert.ok(version.source.length > 20, `${indication.drug} ${indication.ilarCategory}`);
        assert.match(version.evidence, /^[VSM]$/);
      }
  });
});
