/**
 * What the report says a number is (issue 16, "Report honesty"): an unbounded rate ratio shown
 * as such, synthetic data named in the title, what each test assumes with the paired analysis
 * first, every summary row naming its statistic, plots marking every infusion on the tables'
 * day convention, and a PDF laid out without near-empty pages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineProtocol, type SubjectTimeline } from '@jia-trial/protocol';
import { adverseEvent, infusion, subject, visit } from '@jia-trial/protocol/testing';
import { renderHtml, reportPlots } from './render-html.js';
import { analysedStudy, reportJson } from './report-json.js';

const PROTOCOL = defineProtocol({
  id: 'honesty-test',
  title: 'Report honesty test protocol',
  version: '1',
  design: 'test',
  plannedSubjects: null,
  sources: [],
  eligibility: { assessedOn: 'enrolment', inclusion: [], exclusion: [] },
  drugs: [],
  registeredIndications: [],
  intervention: null,
  schedule: {
    studyDayReference: 'enrolment',
    lateGraceDays: 14,
    visits: [{ name: 'Baseline', anchor: 'enrolment', day: 0, windowBefore: 7, windowAfter: 7 }],
  },
  retreatment: null,
  safety: [],
  analysis: {
    aeWindowMonths: 3,
    sensitivityAeWindowMonths: 12,
    timepoints: [{ id: 'week8', label: 'Week 8', day: 56, toleranceDays: 14 }],
  },
  esrUpperLimit: 20,
  crpUpperLimit: 10,
});

const core = (activeJoints: number) => ({
  activeJoints,
  esr: 30,
  crp: 12,
  physicianGlobal: 5,
  parentGlobal: 4,
});

/** Three infused patients; `aes`: each one's AE onsets. H1 is infused twice. */
function timelines(aes: readonly (readonly string[])[]): SubjectTimeline[] {
  return aes.map((onsets, i) =>
    subject({
      subjectId: `H${i + 1}`,
      visits: [
        visit(`H${i + 1}-BL`, '2020-01-06', core(8)),
        visit(`H${i + 1}-W8`, '2020-03-04', core(3)),
      ],
      infusions:
        i === 0 ? [infusion('2020-01-08'), infusion('2020-06-01')] : [infusion('2020-01-08')],
      adverseEvents: onsets.map((d, k) => adverseEvent(`AE-${i + 1}-${k + 1}`, d)),
    }),
  );
}

const study = (aes: readonly (readonly string[])[], note: string | null = null) =>
  analysedStudy(PROTOCOL, timelines(aes), { asOf: '2021-01-01', generator: 'test', note });

// 0 AEs in the 3 months before the first infusion, 4 after.
const ALL_AFTER = study([['2020-02-01', '2020-03-01'], ['2020-02-15'], ['2020-03-20']]);
// 2 before, 1 after: an ordinary, finite ratio.
const FINITE = study([['2019-11-01', '2019-12-01'], ['2020-02-15'], []]);

describe('an unbounded rate ratio (0 AEs before, 4 after)', () => {
  const html = renderHtml(ALL_AFTER);
  const json = JSON.parse(reportJson(ALL_AFTER));
  test('the study is what the test says', () => {
    const ae = ALL_AFTER.analysis.adverseEvents;
    assert.deepEqual([ae.pre.count, ae.post.count], [0, 4]);
    assert.equal(ae.rateRatio.estimate, Number.POSITIVE_INFINITY);
  });
  test('the page never shows it as "n/a", but as not estimable with the reason and an infinite upper bound', () => {
    assert.doesNotMatch(html, /rate ratio n\/a/);
    assert.doesNotMatch(html, /\d-n\/a/, 'no interval ends in n/a');
    assert.match(html, /rate ratio not estimable \(no AEs before, every one after: unbounded\)/);
    assert.match(html, /95% CI \d+\.\d\d-∞/);
  });
  test('report.json says why: notEstimable, the estimate and the upper bound null (infinite)', () => {
    const r = json.adverseEvents.rateRatio;
    assert.equal(r.notEstimable, 'no_aes_before');
    assert.equal(r.estimate, null);
    assert.equal(r.ci95[1], null);
    assert.equal(typeof r.ci95[0], 'number');
  });
  test('no AEs on either side: not estimable, said so', () => {
    const none = study([[], [], []]);
    assert.equal(none.analysis.adverseEvents.rateRatio.notEstimable, 'no_aes');
    assert.match(renderHtml(none), /rate ratio not estimable \(no AEs before or after\)/);
  });
  test('a finite ratio is unchanged, with notEstimable null', () => {
    const r = FINITE.analysis.adverseEvents.rateRatio;
    assert.equal(r.notEstimable, null);
    assert.match(renderHtml(FINITE), /rate ratio 0\.50 \(95% CI/);
  });
});

describe('synthetic data is named in the title and the banner', () => {
  test('a note marked synthetic is in the title, the heading and the banner', () => {
    const html = renderHtml(
      analysedStudy(PROTOCOL, timelines([[], [], []]), {
        asOf: '2021-01-01',
        generator: 'test',
        note: 'invented patients',
        synthetic: true,
      }),
    );
    assert.match(html, /<title>SYNTHETIC DATA: Report honesty test protocol/);
    assert.match(html, /<h1>SYNTHETIC DATA: Report honesty test protocol/);
    assert.match(html, /class="banner">invented patients/);
  });
  test('real data has neither', () => {
    assert.doesNotMatch(renderHtml(FINITE), /SYNTHETIC/);
    assert.equal(JSON.parse(reportJson(FINITE)).synthetic, false);
  });
});

describe('what each test assumes, the paired analysis first', () => {
  const html = renderHtml(FINITE);
  const findings = /<h2>Findings<\/h2>(.*?)<\/ul>/s.exec(html)?.[1] ?? '';
  test("the findings give the per-patient and McNemar p before Fisher's, and say Fisher's treats the periods as independent groups", () => {
    const wilcoxon = findings.indexOf('Wilcoxon');
    const mcnemar = findings.indexOf('McNemar');
    const fisher = findings.indexOf('Fisher');
    assert.ok(wilcoxon > 0 && mcnemar > 0 && fisher > 0, findings);
    assert.ok(wilcoxon < fisher && mcnemar < fisher, 'paired first');
    assert.match(
      findings,
      /Fisher's exact p = [\d.]+, which treats the same children before and after as two independent groups/,
    );
  });
  test('the safety section orders them the same way and names the assumptions', () => {
    const safety = /<h2>Safety<\/h2>(.*?)<h3>/s.exec(html)?.[1] ?? '';
    const section = html.slice(html.indexOf('<h2>Safety</h2>'));
    const first = section.slice(0, section.indexOf('Limits of this comparison'));
    assert.ok(first.indexOf('Per patient') < first.indexOf('Pooled rate ratio'), safety);
    assert.ok(first.indexOf('McNemar') < first.indexOf('Fisher'));
    assert.match(first, /each child compared with itself/);
    assert.match(first, /treats every AE as independent/);
  });
  test('the methods list what each test assumes', () => {
    const methods = html.slice(html.indexOf('<h2>Methods</h2>'));
    assert.match(methods, /What each AE test assumes/);
    assert.match(methods, /McNemar[^<]*paired/);
    assert.match(methods, /Fisher[^<]*independent/);
  });
});

describe('every summary row names its statistic', () => {
  const html = renderHtml(FINITE);
  const baseline = /<h2>Baseline[^<]*<\/h2>(.*?)<h2>/s.exec(html)?.[1] ?? '';
  test('each row of the baseline table says what its numbers are', () => {
    const labels = [...baseline.matchAll(/<tr><td>([^<]*)<\/td>/g)].map((m) => m[1] as string);
    assert.ok(labels.length >= 10, baseline);
    for (const label of labels)
      assert.match(label, /median \(IQR\)|median \(range\)|n \(%\)|^n$|^Sex, n|^ILAR category, n/);
    assert.match(baseline, /Prior methotrexate, n \(%\); of them failed, n/);
  });
  test('the improved column is defined', () => {
    assert.match(html, /<th>improved, n<\/th>/);
    assert.match(
      html,
      /"Improved": patients whose value is lower at the read-out than at the baseline/,
    );
  });
});

describe('plots: every infusion marked, the grey bar in the legend, study day 1 = the first infusion', () => {
  const [activeJoints, jadas, swimmer] = reportPlots(FINITE);
  test('the line plots mark each infusion, the repeat too', () => {
    // H1 is infused on study day 1 and again on 2020-06-01: study day 146.
    for (const plot of [activeJoints, jadas]) {
      assert.match(plot ?? '', /data-infusion="H1 146"/);
      assert.match(plot ?? '', /data-infusion="H1 1"/);
      assert.match(plot ?? '', /infusion \(a repeat in the patient's colour\)/);
    }
  });
  test('the swimmer plot marks both of H1 infusions and its legend names the grey bar', () => {
    assert.equal(
      (swimmer?.match(/data-mark="infusion"/g) ?? []).length,
      4,
      '3 patients, 4 infusions',
    );
    assert.match(swimmer ?? '', /follow-up/);
  });
  test('the axes count study days with day 1 the first infusion, as the tables do', () => {
    for (const plot of [activeJoints, jadas, swimmer])
      assert.match(plot ?? '', /study day \(day 1 = the first infusion\)/);
    assert.doesNotMatch(renderHtml(FINITE), /days since the first infusion/);
  });
});

describe('the printed page', () => {
  test('tables and figures are not split across pages, and a section does not force a new page', () => {
    const html = renderHtml(FINITE);
    const print = /@media print\{((?:[^{}]*\{[^}]*\})*)\}/.exec(html)?.[1] ?? '';
    assert.match(print, /figure[^{]*\{[^}]*break-inside:avoid/);
    assert.match(print, /tr[^{]*\{[^}]*break-inside:avoid/);
    assert.match(print, /h2[^{]*\{[^}]*break-after:avoid/);
    assert.doesNotMatch(print, /break-before:page/);
  });
});
