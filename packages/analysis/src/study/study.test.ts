import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adverseEvent, infusion, subject, visit } from '@jia-trial/protocol/testing';
import { analyseReadout } from './efficacy.js';
import { analyseAeWindows } from './safety.js';
import { readoutVisit } from './timepoints.js';

const LIMITS = { esrUpperLimit: 20, crpUpperLimit: 10 };

describe('AE windows: N/12 years of 365.25 days each side of the first infusion', () => {
  // 3 months = 91.3125 days: onset from day -91 to day -1 is before, day 0 to day 91 after.
  const withAes = (...onsets: string[]) =>
    subject({
      infusions: [infusion('2020-04-01')],
      adverseEvents: onsets.map((d, i) => adverseEvent(`AE${i}`, d)),
    });
  test('the edges: 91 days before counts, 92 does not; the infusion day is after; day 91 after counts, 92 does not', () => {
    const t = withAes(
      '2020-01-01',
      '2020-01-02',
      '2020-03-31',
      '2020-04-01',
      '2020-07-01',
      '2020-07-02',
    );
    // 2020-04-01 - 91 days = 2020-01-01; + 91 days = 2020-07-01.
    const ae = analyseAeWindows([t], { windowMonths: 3, asOf: '2021-01-01' });
    assert.deepEqual([ae.pre.count, ae.post.count], [3, 2]);
    assert.equal(ae.windowDays, 91.3125);
    assert.deepEqual([ae.pre.personYears, ae.post.personYears], [0.25, 0.25]);
  });
  test('the after window ends at a withdrawal or the data cut, and its person-time with it', () => {
    const t = { ...withAes('2020-04-10', '2020-05-20'), withdrawalDate: '2020-05-01' };
    const ae = analyseAeWindows([t], { windowMonths: 3, asOf: '2021-01-01' });
    assert.equal(ae.post.count, 1);
    assert.equal(ae.post.personYears, 31 / 365.25);
    const cut = analyseAeWindows([withAes('2020-04-10')], { windowMonths: 3, asOf: '2020-04-30' });
    assert.equal(cut.post.personYears, 30 / 365.25);
  });
  test('rate ratio, Fisher and McNemar on patients, per-patient Wilcoxon and sign test', () => {
    const a = withAes('2020-02-01', '2020-03-01');
    const b = { ...withAes('2020-02-15'), subjectId: 'S2' };
    const c = { ...withAes('2020-05-01'), subjectId: 'S3' };
    const ae = analyseAeWindows([a, b, c], { windowMonths: 3, asOf: '2021-01-01' });
    assert.deepEqual(
      [ae.pre.count, ae.post.count, ae.pre.patients, ae.post.patients],
      [3, 1, 2, 1],
    );
    assert.equal(ae.rateRatio.estimate, 1 / 3);
    assert.equal(ae.mcnemarP, 1, '2 patients only before, 1 only after: binom.test(2, 3)');
    assert.deepEqual(
      ae.perPatient.counts.map((c) => [c.pre, c.post]),
      [
        [2, 0],
        [1, 0],
        [0, 1],
      ],
    );
    assert.equal(ae.perPatient.signTest.n, 3);
  });
});

describe('read-outs', () => {
  const t = subject({
    infusions: [infusion('2020-01-01')],
    visits: [
      visit('BL', '2019-12-30', { activeJoints: 8 }),
      visit('EARLY', '2020-02-11', { activeJoints: 5 }),
      visit('LATE', '2020-03-11', { activeJoints: 4 }),
    ],
  });
  const week8 = { id: 'week8', label: 'Week 8', day: 56, toleranceDays: 14 };
  test('the visit nearest the target day within the tolerance; the earlier on a tie; none outside it', () => {
    // Target 2020-02-26: EARLY is 15 days before (outside), LATE 14 days after (inside).
    assert.equal(readoutVisit(t, week8)?.visitId, 'LATE');
    assert.equal(readoutVisit(t, { ...week8, toleranceDays: 13 }), null);
    const tie = { ...t, visits: [visit('A', '2020-02-21'), visit('B', '2020-03-02')] };
    assert.equal(readoutVisit(tie, week8)?.visitId, 'A');
  });
  test('a patient without a read-out visit is missing and listed, not dropped silently', () => {
    const other = {
      ...t,
      subjectId: 'S2',
      visits: [visit('BL2', '2019-12-30', { activeJoints: 3 })],
    };
    const r = analyseReadout([t, other], week8, LIMITS, '2020-12-31');
    assert.deepEqual(r.missing, ['S2']);
    assert.deepEqual(
      [
        r.activeJoints.n,
        r.activeJoints.baselineMedian,
        r.activeJoints.median,
        r.activeJoints.improved,
      ],
      [1, 8, 4, 1],
    );
    assert.deepEqual(
      r.visits.map((v) => [v.subjectId, v.visitId, v.studyDay]),
      [
        ['S1', 'LATE', 71],
        ['S2', null, null],
      ],
    );
  });
});

describe('the statistics of a read-out and of the AE rate ratio (issue 14 section 4)', () => {
  const week8 = { id: 'week8', label: 'Week 8', day: 56, toleranceDays: 14 };
  // Active joints fall by 2, 2, 3, 4, 5 and 6 (TV-10's tied vector, read as decreases).
  const drops = [2, 2, 3, 4, 5, 6];
  const six = drops.map((drop, i) =>
    subject({
      subjectId: `S${i + 1}`,
      infusions: [infusion('2020-01-01')],
      visits: [
        visit(`B${i}`, '2019-12-30', { activeJoints: 10 }),
        visit(`W${i}`, '2020-02-26', { activeJoints: 10 - drop }),
      ],
    }),
  );
  test('a tie: the exact permutation p (0.03125) is the one reported, the SPSS-style p beside it, and the median change', () => {
    const r = analyseReadout(six, week8, LIMITS, '2021-01-01');
    assert.equal(r.activeJoints.wilcoxon?.method, 'exact permutation (midranks)');
    assert.equal(r.activeJoints.wilcoxonP?.toFixed(5), '0.03125');
    assert.equal(r.activeJoints.wilcoxonAsymptotic?.method, 'normal approximation');
    assert.equal(r.activeJoints.wilcoxonAsymptotic?.p?.toFixed(5), '0.02728');
    assert.equal(r.activeJoints.hodgesLehmann?.estimate, -3.5);
    assert.deepEqual(r.activeJoints.hodgesLehmann?.ci, [-6, -2]);
  });
  test("R's wilcox.test on request: the normal approximation with continuity correction (0.0355)", () => {
    const r = analyseReadout(six, week8, LIMITS, '2021-01-01', {
      paired: { exactWithTies: 'normal-approximation' },
    });
    assert.equal(r.activeJoints.wilcoxonP?.toFixed(5), '0.03552');
  });
  test('the rate ratio reports its p method: central by default, minlike on request', () => {
    // 4 AEs before, 1 after, each in its 3-month window.
    const t = subject({
      infusions: [infusion('2020-04-01')],
      adverseEvents: ['2020-01-10', '2020-02-01', '2020-02-20', '2020-03-10', '2020-05-01'].map(
        (d, i) => adverseEvent(`AE${i}`, d),
      ),
    });
    const central = analyseAeWindows([t], { windowMonths: 3, asOf: '2021-01-01' });
    assert.equal(central.rateRatio.pMethod, 'central');
    assert.equal(central.rateRatio.p, central.rateRatio.pCentral);
    const minlike = analyseAeWindows([t], {
      windowMonths: 3,
      asOf: '2021-01-01',
      rateRatioP: 'minlike',
    });
    assert.equal(minlike.rateRatio.pMethod, 'minlike');
    assert.equal(minlike.rateRatio.p, minlike.rateRatio.pMinlike);
    // binom.test(1, 5, 0.5): 0.375 both ways (symmetric null).
    assert.equal(central.rateRatio.pCentral, 0.375);
  });
});

describe("a read-out's JIA-ACR follows the protocol's choice for systemic JIA (ADR 0019)", () => {
  const core = (n: number) => ({
    physicianGlobal: n,
    parentGlobal: n,
    chaqDi: n / 10,
    activeJoints: n,
    limitedJoints: n,
    esr: 4 * n,
  });
  // Every core-set variable halved at week 8, but febrile: JIA-ACR 50 under the standard rule.
  const febrile = (ilarCategory: 'systemic' | 'polyarticular_rf_negative') =>
    subject({
      ilarCategory,
      infusions: [infusion('2020-01-01')],
      visits: [
        visit('BL', '2019-12-30', core(8)),
        visit('W8', '2020-02-26', { ...core(4), fever: true }),
      ],
    });
  const week8 = { id: 'week8', label: 'Week 8', day: 56, toleranceDays: 14 };
  test('adapted: a febrile systemic-JIA read-out is no response; standard: JIA-ACR 50', () => {
    const adapted = analyseReadout([febrile('systemic')], week8, LIMITS, '2021-01-01', {
      systemicJiaAcr: 'adapted',
    });
    assert.equal(adapted.acrPedi30, 0);
    const standard = analyseReadout([febrile('systemic')], week8, LIMITS, '2021-01-01');
    assert.deepEqual([standard.acrPedi30, standard.acrPedi50, standard.acrPedi70], [1, 1, 0]);
  });
  test('adapted leaves other categories to the standard rule', () => {
    const r = analyseReadout([febrile('polyarticular_rf_negative')], week8, LIMITS, '2021-01-01', {
      systemicJiaAcr: 'adapted',
    });
    assert.equal(r.acrPedi50, 1);
  });
});
