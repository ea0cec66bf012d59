import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { infusion, subject, visit } from '@jia-trial/protocol/testing';
import { analyseReadout } from './efficacy.js';
import {
  analyseSeriesReadouts,
  seriesBaselineVisit,
  seriesReadoutVisit,
} from './series-readouts.js';

const LIMITS = { esrUpperLimit: 20, crpUpperLimit: 10 };
const week8 = { id: 'week8', label: 'Week 8', day: 56, toleranceDays: 14 };
const aj = (activeJoints: number) => ({ activeJoints });

// A: retreated at 4 months, a read-out in each series. B: one infusion. C: re-infused on day
// 40, before the week-8 window of its first series closed, with a visit after the repeat.
const A = subject({
  subjectId: 'A',
  infusions: [infusion('2020-01-01'), infusion('2020-05-01')],
  visits: [
    visit('A-BL', '2019-12-30', aj(10)),
    visit('A-W8', '2020-02-26', aj(4)),
    visit('A-PRE2', '2020-05-01', aj(8)),
    visit('A-W8b', '2020-06-26', aj(3)),
  ],
});
const B = subject({
  subjectId: 'B',
  infusions: [infusion('2020-01-01')],
  visits: [visit('B-BL', '2019-12-31', aj(6)), visit('B-W8', '2020-02-25', aj(2))],
});
const C = subject({
  subjectId: 'C',
  infusions: [infusion('2020-01-01'), infusion('2020-02-10')],
  visits: [
    visit('C-BL', '2019-12-31', aj(9)),
    visit('C-PRE2', '2020-02-09', aj(7)),
    visit('C-D55', '2020-02-25', aj(6)),
    visit('C-W8b', '2020-04-06', aj(2)),
  ],
});

describe('read-outs from each series own infusion (issue 14 section 4)', () => {
  const series = analyseSeriesReadouts([A, B, C], week8, LIMITS, '2021-01-01');
  test('one analysis per series; series 1 has no second comparison (its baseline is the first)', () => {
    assert.deepEqual(
      series.map((s) => [s.series, s.ownBaseline.baselineFrom, s.firstBaseline?.baselineFrom]),
      [
        [1, 'series', undefined],
        [2, 'series', 'first'],
      ],
    );
  });
  test('series 1: a visit after the repeat infusion is not its read-out: the subject is superseded, not dropped', () => {
    const s1 = series[0]?.ownBaseline;
    assert.deepEqual(s1?.superseded, ['C']);
    assert.deepEqual(s1?.missing, []);
    assert.deepEqual(
      s1?.activeJoints.pairs.map((p) => p.subjectId),
      ['A', 'B'],
    );
    // The study read-out (from the first infusion) takes C's visit of day 55 after the repeat.
    const study = analyseReadout([A, B, C], week8, LIMITS, '2021-01-01');
    assert.deepEqual(
      study.activeJoints.pairs.map((p) => [p.subjectId, p.readout]),
      [
        ['A', 4],
        ['B', 2],
        ['C', 6],
      ],
    );
    assert.deepEqual(study.superseded, []);
  });
  test('series 2: against its own pre-infusion visit, and against the baseline before the first infusion', () => {
    const s2 = series[1];
    assert.deepEqual(
      s2?.ownBaseline.activeJoints.pairs.map((p) => [p.subjectId, p.baseline, p.readout]),
      [
        ['A', 8, 3],
        ['C', 7, 2],
      ],
    );
    assert.deepEqual(
      s2?.firstBaseline?.activeJoints.pairs.map((p) => [p.subjectId, p.baseline, p.readout]),
      [
        ['A', 10, 3],
        ['C', 9, 2],
      ],
    );
    assert.deepEqual(
      s2?.ownBaseline.visits.map((v) => [v.subjectId, v.daysAfterInfusion, v.studyDay]),
      [
        ['A', 56, 178],
        ['C', 56, 97],
      ],
      'days from the series infusion; study day from the first',
    );
    assert.equal(s2?.ownBaseline.series, 2);
  });
  test('non-responder imputation counts the superseded subject; the completers do not', () => {
    const s1 = series[0]?.ownBaseline;
    assert.equal(s1?.responders.acrPedi30.due, 3);
    assert.equal(s1?.responders.acrPedi30.nonResponderImputation?.n, 3);
  });
  test('a series not yet due by the data cut is listed as such', () => {
    // As the study analysis sees A on 2020-06-01 (censored: the week-8 visit of series 2 not yet done).
    const known = { ...A, visits: A.visits.slice(0, 3) };
    const early = analyseSeriesReadouts([known], week8, LIMITS, '2020-06-01');
    assert.deepEqual(early[1]?.ownBaseline.notYetDue, ['A']);
    assert.equal(early[1]?.ownBaseline.responders.acrPedi30.due, 0);
    assert.equal(early[1]?.ownBaseline.responders.acrPedi30.nonResponderImputation, null);
  });
});

describe('the visits of a series, at their edges', () => {
  const twice = (visits: ReturnType<typeof visit>[]) =>
    subject({ infusions: [infusion('2020-01-01'), infusion('2020-02-26')], visits });
  test('a visit on the day of the next infusion is that infusion’s baseline, not this series’ read-out; the day before is', () => {
    assert.equal(seriesReadoutVisit(twice([visit('V', '2020-02-26')]), week8, 1), null);
    assert.equal(seriesReadoutVisit(twice([visit('V', '2020-02-25')]), week8, 1)?.visitId, 'V');
    assert.equal(seriesBaselineVisit(twice([visit('V', '2020-02-26')]), 2)?.visitId, 'V');
  });
  test('the baseline of series 2 lies after infusion 1: a visit on infusion 1’s day is not it, the day after is', () => {
    assert.equal(seriesBaselineVisit(twice([visit('V', '2020-01-01')]), 2), null);
    assert.equal(seriesBaselineVisit(twice([visit('V', '2020-01-02')]), 2)?.visitId, 'V');
    assert.equal(seriesBaselineVisit(twice([visit('V', '2020-01-01')]), 1)?.visitId, 'V');
  });
  test('the read-out window: 14 days from the target counts, 15 does not; a series that does not exist has none', () => {
    const one = (date: string) =>
      subject({ infusions: [infusion('2020-01-01')], visits: [visit('V', date)] });
    // Target 2020-02-26 (day 56): 2020-03-11 is 14 days after, 2020-03-12 is 15.
    assert.equal(seriesReadoutVisit(one('2020-03-11'), week8, 1)?.visitId, 'V');
    assert.equal(seriesReadoutVisit(one('2020-03-12'), week8, 1), null);
    assert.equal(seriesReadoutVisit(one('2020-03-11'), week8, 2), null);
  });
});
