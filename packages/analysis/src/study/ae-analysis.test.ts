/**
 * The AE analysis of issue 14 section 3: the infusion-day rule, provenance at the consent,
 * treatment-emergence, durations, the prospective "before" window, the windows after each
 * infusion, the tables and the limits; each threshold on both sides.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_AE_ANALYSIS } from '@jia-trial/protocol';
import { adverseEvent, infusion, medication, subject } from '@jia-trial/protocol/testing';
import { analyseAeByInfusion } from './ae-by-infusion.js';
import { aeLimitations } from './ae-limitations.js';
import { listAes, tabulateAes } from './ae-tables.js';
import {
  aeDuration,
  consentOf,
  onsetAfter,
  provenanceOf,
  treatmentEmergence,
} from './ae-timing.js';
import { analyseAeWindows } from './safety.js';

const INFUSION = { date: '2020-04-01', time: '10:00' };

describe('an AE against an infusion (ADR 0020)', () => {
  test('another day decides by the date', () => {
    assert.deepEqual(
      onsetAfter({ onsetDate: '2020-03-31', onsetTime: '23:59' }, INFUSION, 'after'),
      {
        after: false,
        decidedBy: 'date',
      },
    );
    assert.deepEqual(onsetAfter({ onsetDate: '2020-04-02', onsetTime: null }, INFUSION, 'before'), {
      after: true,
      decidedBy: 'date',
    });
  });
  test('on the day both times decide: 09:59 before, 10:00 (the start) and later after', () => {
    const at = (onsetTime: string) =>
      onsetAfter({ onsetDate: '2020-04-01', onsetTime }, INFUSION, 'before');
    assert.deepEqual(at('09:59'), { after: false, decidedBy: 'time' });
    assert.deepEqual(at('10:00'), { after: true, decidedBy: 'time' });
    assert.deepEqual(at('10:01'), { after: true, decidedBy: 'time' });
  });
  test('on the day without both times the named rule decides', () => {
    const noOnset = { onsetDate: '2020-04-01', onsetTime: null };
    assert.deepEqual(onsetAfter(noOnset, INFUSION, 'after'), {
      after: true,
      decidedBy: 'infusion_day_rule',
    });
    assert.deepEqual(onsetAfter(noOnset, INFUSION, 'before').after, false);
    const noStart = { date: '2020-04-01', time: null };
    assert.equal(
      onsetAfter({ onsetDate: '2020-04-01', onsetTime: '08:00' }, noStart, 'after').decidedBy,
      'infusion_day_rule',
    );
  });
});

describe('provenance at the consent', () => {
  test('the consent date, else the enrolment date, else none', () => {
    assert.deepEqual(consentOf({ consentDate: '2020-01-02', enrolmentDate: '2020-01-06' }), {
      date: '2020-01-02',
      source: 'consent_date',
    });
    assert.deepEqual(consentOf({ consentDate: null, enrolmentDate: '2020-01-06' }), {
      date: '2020-01-06',
      source: 'enrolment_date',
    });
    assert.equal(consentOf({ consentDate: null, enrolmentDate: null }), null);
  });
  test('the day before the consent is retrospective, the consent day prospective', () => {
    const consent = { date: '2020-01-06' };
    assert.equal(provenanceOf('2020-01-05', consent), 'retrospective');
    assert.equal(provenanceOf('2020-01-06', consent), 'prospective');
    assert.equal(provenanceOf('2020-01-06', null), 'unknown');
  });
});

describe('treatment-emergent (ICH E9: new on or after the infusion, or worsening)', () => {
  const first = { date: '2020-04-01', time: null };
  test('new: onset on the infusion day (rule after) or later; not: the day before', () => {
    assert.equal(
      treatmentEmergence(adverseEvent('A', '2020-04-01'), first, 'after').emergence,
      'new',
    );
    assert.equal(
      treatmentEmergence(adverseEvent('A', '2020-04-01'), first, 'before').emergence,
      null,
    );
    assert.equal(
      treatmentEmergence(adverseEvent('A', '2020-03-31'), first, 'after').emergence,
      null,
    );
  });
  test('worsening: a condition from before whose grade rose on or after the infusion', () => {
    const worse = (worsenedDate: string) =>
      treatmentEmergence(
        adverseEvent('A', '2020-03-01', { grade: 2, worsenedDate }),
        first,
        'after',
      ).emergence;
    assert.equal(worse('2020-04-01'), 'worsening');
    assert.equal(worse('2020-03-31'), null);
    assert.equal(
      treatmentEmergence(adverseEvent('A', '2020-04-01'), undefined, 'after').emergence,
      null,
    );
  });
  test('duration: both days counted; ongoing to the data cut', () => {
    assert.deepEqual(
      aeDuration({ onsetDate: '2020-04-01', resolutionDate: '2020-04-01' }, '2021-01-01'),
      { days: 1, ongoing: false },
    );
    assert.deepEqual(aeDuration({ onsetDate: '2020-04-01', resolutionDate: null }, '2020-04-10'), {
      days: 10,
      ongoing: true,
    });
  });
});

describe('the "before" window by provenance', () => {
  // Infusion 2020-04-01; the 3-month window before starts on 2020-01-01.
  const t = (fields = {}) =>
    subject({
      enrolmentDate: '2020-03-02',
      infusions: [infusion('2020-04-01')],
      adverseEvents: [
        adverseEvent('CHART', '2020-02-01'),
        adverseEvent('EVE', '2020-03-01'),
        adverseEvent('CONSENT', '2020-03-02'),
        adverseEvent('AFTER', '2020-04-10'),
      ],
      ...fields,
    });
  const options = { windowMonths: 3, asOf: '2021-01-01' };
  test('all: every AE of the window, the full window of person-time', () => {
    const ae = analyseAeWindows([t()], options);
    assert.deepEqual([ae.pre.count, ae.pre.personYears, ae.excluded.retrospective], [3, 0.25, 0]);
  });
  test('prospective: from the consent day (the enrolment here), its person-time with it', () => {
    const ae = analyseAeWindows([t()], { ...options, provenance: 'prospective' });
    assert.equal(ae.pre.count, 1, 'only the AE of the consent day');
    assert.equal(ae.excluded.retrospective, 2);
    assert.equal(ae.pre.personYears, 30 / 365.25, '2020-03-02 to 2020-03-31');
    assert.equal(ae.post.count, 1);
  });
  test('a consent date before the enrolment moves the cut; one before the window leaves it whole', () => {
    const early = analyseAeWindows([t({ consentDate: '2020-03-01' })], {
      ...options,
      provenance: 'prospective',
    });
    assert.deepEqual([early.pre.count, early.excluded.retrospective], [2, 1]);
    const before = analyseAeWindows([t({ consentDate: '2019-12-01' })], {
      ...options,
      provenance: 'prospective',
    });
    assert.deepEqual([before.pre.count, before.pre.personYears], [3, 0.25]);
  });
  test('without consent or enrolment: no "before" side, its AEs counted as unknown and listed', () => {
    const ae = analyseAeWindows([t({ enrolmentDate: null })], {
      ...options,
      provenance: 'prospective',
    });
    assert.deepEqual([ae.pre.count, ae.pre.personYears], [0, 0]);
    assert.equal(ae.excluded.unknownProvenance, 3);
    assert.deepEqual(ae.excluded.subjectsWithoutConsent, ['S1']);
    assert.deepEqual(ae.perPatient.withoutPersonTime, ['S1']);
    assert.equal(ae.perPatient.wilcoxon.n, 0);
  });
});

describe('per patient: comparePaired on AEs per patient-year', () => {
  test('as the efficacy read-outs: exact p, SPSS-style p beside, Hodges-Lehmann', () => {
    const patients = [3, 2, 4, 1, 2, 1].map((pre, i) =>
      subject({
        subjectId: `P${i}`,
        infusions: [infusion('2020-04-01')],
        adverseEvents: [
          ...Array.from({ length: pre }, (_, k) => adverseEvent(`B${i}${k}`, '2020-03-01')),
          ...Array.from({ length: i === 5 ? 1 : 0 }, (_, k) =>
            adverseEvent(`A${i}${k}`, '2020-05-01'),
          ),
        ],
      }),
    );
    const ae = analyseAeWindows(patients, { windowMonths: 3, asOf: '2021-01-01' });
    // Differences in AEs per year: -12, -8, -16, -4, -8, 0: a zero and a tie.
    assert.equal(ae.perPatient.measure, 'aes_per_patient_year');
    assert.equal(ae.perPatient.wilcoxon.method, 'exact permutation (midranks)');
    assert.equal(ae.perPatient.wilcoxon.p, 0.0625, '5 non-zero, all down: 2/32');
    assert.ok(ae.perPatient.asymptotic.p !== null && ae.perPatient.asymptotic.p < 0.05);
    assert.equal(ae.perPatient.hodgesLehmann?.estimate, -8);
    assert.ok(ae.rateRatio.clusterBootstrap.ci);
    assert.equal(ae.rateRatio.clusterBootstrap.method, 'exact enumeration');
    assert.deepEqual(ae.fisher.table, [
      [6, 0],
      [1, 5],
    ]);
  });
});

describe('after each infusion, against the window before the first', () => {
  const twice = subject({
    enrolmentDate: '2019-12-01',
    infusions: [infusion('2020-04-01'), infusion('2020-05-01', { time: '12:00' })],
    adverseEvents: [
      adverseEvent('PRE', '2020-03-01'),
      adverseEvent('POST1', '2020-04-15'),
      adverseEvent('DAY2_BEFORE', '2020-05-01', { onsetTime: '11:00' }),
      adverseEvent('DAY2_AFTER', '2020-05-01', { onsetTime: '12:30' }),
      adverseEvent('POST2', '2020-07-30'),
      adverseEvent('LATE', '2020-08-01'),
    ],
  });
  const once = { ...subject({ infusions: [infusion('2020-04-01')] }), subjectId: 'S2' };
  const comparison = {
    rateRatioP: 'central' as const,
    paired: {},
    bootstrap: DEFAULT_AE_ANALYSIS.bootstrap,
  };
  const by = analyseAeByInfusion([twice, once], {
    windowMonths: 3,
    asOf: '2021-01-01',
    comparison,
  });
  test('the first window closes at the second infusion; the times place that day', () => {
    const [w1, w2] = by.perPatient[0]?.post ?? [];
    assert.deepEqual(w1?.aeIds, ['POST1', 'DAY2_BEFORE']);
    assert.equal(w1?.closedBy, 'next_infusion');
    assert.equal(w1?.personYears, 30 / 365.25);
    // 2020-05-01 + 91 days = 2020-07-31: POST2 (07-30) in, LATE (08-01) out.
    assert.deepEqual(w2?.aeIds, ['DAY2_AFTER', 'POST2']);
    assert.equal(w2?.closedBy, 'window');
  });
  test('each infusion against its patients\' "before"; pooled with every "after" window', () => {
    assert.deepEqual(
      by.infusions.map((c) => [c.infusion, c.subjects, c.pre.count, c.post.count]),
      [
        [1, 2, 1, 2],
        [2, 1, 1, 2],
      ],
    );
    assert.equal(by.pooled.post.count, 4);
    // Periods: 2 "before" (1 with an AE), 3 "after" (2 with one).
    assert.deepEqual(by.pooled.periodFisher.table, [
      [1, 1],
      [2, 1],
    ]);
  });
  test('the first-infusion window of 12 months runs across the repeat, and says so', () => {
    const year = analyseAeWindows([twice, once], { windowMonths: 12, asOf: '2021-01-01' });
    assert.deepEqual(year.repeatInfusionInside, ['S1']);
    // The repeat is 30 days after the first: inside a month (30.4 days), not inside 0.9 (27.4).
    const month = analyseAeWindows([twice, once], { windowMonths: 1, asOf: '2021-01-01' });
    assert.deepEqual(month.repeatInfusionInside, ['S1']);
    const shorter = analyseAeWindows([twice, once], { windowMonths: 0.9, asOf: '2021-01-01' });
    assert.deepEqual(shorter.repeatInfusionInside, []);
  });
});

describe('tables and limits', () => {
  const t = subject({
    infusions: [infusion('2020-04-01')],
    medications: [
      medication('tocilizumab', 'biologic', '2019-01-01', {
        stopDate: '2020-03-01',
        stopReason: 'inefficacy',
      }),
    ],
    adverseEvents: [
      adverseEvent('A', '2020-03-01', {
        related: 'possible',
        systemOrganClass: 'Infections and infestations',
      }),
      adverseEvent('B', '2020-04-02', { related: 'unlikely', grade: 3, serious: true }),
    ],
  });
  const rules = {
    asOf: '2021-01-01',
    provenance: 'all' as const,
    infusionDayRule: 'after' as const,
    include: () => true,
  };
  const listed = listAes([t], 91.3125, rules, ['possible', 'probable', 'definite']);
  test('each AE listed with its window, provenance, emergence and duration', () => {
    assert.deepEqual(
      listed.map((ae) => [ae.aeId, ae.window, ae.provenance, ae.emergence, ae.relatedBinary]),
      [
        ['A', 'before', 'prospective', null, true],
        ['B', 'after', 'prospective', 'new', false],
      ],
    );
  });
  test('by relatedness: possible counts as related, unlikely not; SOC with a not-coded row', () => {
    const tables = tabulateAes(listed, ['possible', 'probable', 'definite']);
    assert.deepEqual(
      tables.byRelated.map((r) => [r.category, r.before, r.after]),
      [
        ['related', 1, 0],
        ['not_related', 0, 1],
      ],
    );
    assert.deepEqual(
      tables.bySystemOrganClass.map((r) => [r.category, r.all]),
      [
        ['Infections and infestations', 1],
        [null, 1],
      ],
    );
    assert.equal(tables.systemOrganClassCoded, 1);
    assert.equal(tables.byGrade.find((r) => r.category === '3')?.treatmentEmergent, 1);
    const strict = tabulateAes(listAes([t], 91.3125, rules, ['probable', 'definite']), [
      'probable',
      'definite',
    ]);
    assert.equal(strict.byRelated[0]?.all, 0, 'possible is not related when the protocol says so');
  });
  test('limits: the days on a biological in the "before" window (stop day counted)', () => {
    const limits = aeLimitations([t], listed, 91.3125);
    // From 2020-01-01 to 2020-03-01: 61 days.
    assert.deepEqual(limits.biologicBefore, [
      { subjectId: 'S1', days: 61, drugs: ['tocilizumab'] },
    ]);
    assert.deepEqual(limits.apply, ['single_arm', 'failing_biologic_before', 'few_patients']);
    const off = aeLimitations([{ ...t, medications: [] }], listed, 91.3125);
    assert.deepEqual(off.apply, ['single_arm', 'few_patients']);
  });
});
