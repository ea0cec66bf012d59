import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineProtocol, type SubjectTimeline } from '@jia-trial/protocol';
import { adverseEvent, infusion, medication, subject, visit } from '@jia-trial/protocol/testing';
import type { StudyAnalysis } from '../study/analyse-study.js';
import {
  pseudonymDayOnes,
  pseudonymiseAnalysis,
  pseudonymisedReportJson,
} from './pseudonymised-report.js';
import { analysedStudy, reportJson, reportJsonText } from './report-json.js';

/** A protocol with an analysis plan and the drug catalogue's IL-6 blocker, for a whole report. */
const PROTOCOL = defineProtocol({
  id: 'report-test',
  title: 'Report test protocol',
  version: '1',
  design: 'test',
  plannedSubjects: null,
  sources: [],
  eligibility: { assessedOn: 'enrolment', inclusion: [], exclusion: [] },
  drugs: [{ drug: 'tocilizumab', drugClass: 'biologic', target: 'IL-6' }],
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

const AS_OF = '2021-01-01';
const core = (activeJoints: number) => ({ activeJoints, esr: 30, crp: 12, physicianGlobal: 5 });

/**
 * Subjects that fill every listing of the report: infusions, a serious AE and a MAS episode
 * after a stopped IL-6 blocker, a read-out pair, a missing read-out, one not yet due, one not
 * infused.
 */
const TIMELINES: readonly SubjectTimeline[] = [
  // Day one: the enrolment, 2020-01-06.
  subject({
    subjectId: 'S1',
    ilarCategory: 'systemic',
    visits: [visit('S1-BL', '2020-01-03', core(8)), visit('S1-W8', '2020-03-04', core(3))],
    medications: [
      medication('tocilizumab', 'biologic', '2019-01-01', {
        stopDate: '2019-12-01',
        stopReason: 'inefficacy',
      }),
    ],
    infusions: [infusion('2020-01-08'), infusion('2020-07-01')],
    adverseEvents: [
      adverseEvent('AE-1', '2020-03-01', { term: 'Pneumonia', serious: true, grade: 3 }),
      adverseEvent('AE-2', '2020-04-01', { term: 'Macrophage activation syndrome', grade: 4 }),
      adverseEvent('AE-3', '2019-11-20'),
    ],
  }),
  // No enrolment: day one is the first visit, 2020-02-03. No read-out visit: missing.
  subject({
    subjectId: 'S2',
    enrolmentDate: null,
    visits: [visit('S2-BL', '2020-02-03', core(5))],
    infusions: [infusion('2020-02-10')],
    adverseEvents: [adverseEvent('AE-4', '2020-02-20', { serious: true })],
  }),
  subject({ subjectId: 'S3', enrolmentDate: '2020-05-01' }),
  subject({
    subjectId: 'S4',
    enrolmentDate: '2020-12-01',
    visits: [visit('S4-BL', '2020-12-15', core(4))],
    infusions: [infusion('2020-12-20')],
  }),
];

const study = analysedStudy(PROTOCOL, TIMELINES, {
  asOf: AS_OF,
  note: 'synthetic',
  generator: 'test',
});
const pseudonymised = pseudonymiseAnalysis(study.analysis, pseudonymDayOnes(TIMELINES));

const CALENDAR_DATE = /^\d{4}-\d{2}(-\d{2})?$/;

/** Every value of `value` with its path. */
function* leaves(value: unknown, path = ''): Generator<[string, unknown]> {
  if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* leaves(v, path ? `${path}.${k}` : k);
  else yield [path, value];
}

/** `value` without the keys `drop` names, at any depth. */
function without(value: unknown, drop: RegExp): unknown {
  if (Array.isArray(value)) return value.map((v) => without(v, drop));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !drop.test(k))
      .map(([k, v]) => [k, without(v, drop)]),
  );
}

describe('the report pseudonymised', () => {
  test('the test study fills every listing, so that a date in any of them is seen', () => {
    const a = study.analysis;
    const week8 = a.efficacy.week8;
    assert.deepEqual(a.notInfused, ['S3']);
    assert.equal(a.infusions.perSubject.length, 3);
    assert.deepEqual(
      a.adverseEvents.seriousAndMas.map((e) => [e.aeId, e.stoppedBlocker?.drug ?? null]),
      [
        ['AE-1', 'tocilizumab'],
        ['AE-2', 'tocilizumab'],
        ['AE-4', null],
      ],
    );
    assert.deepEqual(
      week8?.activeJoints.pairs.map((p) => p.subjectId),
      ['S1'],
    );
    assert.deepEqual(week8?.missing, ['S2']);
    assert.deepEqual(week8?.notYetDue, ['S4']);
    assert.equal(a.adverseEvents.perPatient.counts.length, 3);
  });

  test('no calendar date anywhere but the data cut; no key of a date left', () => {
    const text = JSON.parse(pseudonymisedReportJson(study, TIMELINES));
    const found = [...leaves(text)].filter(
      ([path, v]) => typeof v === 'string' && CALENDAR_DATE.test(v) && path !== 'asOf',
    );
    assert.deepEqual(found, []);
    assert.equal(text.asOf, AS_OF);
    assert.doesNotMatch(JSON.stringify(text), /"\w*Date"|"dates"/);
    // The identified report does have them, in each of these listings.
    const identified = [...leaves(JSON.parse(reportJson(study)))]
      .filter(([path, v]) => typeof v === 'string' && CALENDAR_DATE.test(v) && path !== 'asOf')
      .map(([path]) => path.replace(/\.\d+(\.|$)/g, '.N$1'));
    assert.deepEqual([...new Set(identified)].sort(), [
      'adverseEvents.byInfusion.perPatient.N.post.N.infusionDate',
      'adverseEvents.events.N.onsetDate',
      'adverseEvents.seriousAndMas.N.onsetDate',
      'adverseEvents.seriousAndMas.N.stoppedBlocker.stopDate',
      'decisions.eligibility.N.referenceDate',
      'infusions.perSubject.N.dates.N',
      'infusions.products.N.infusionDate',
    ]);
  });

  test("each date is the CDISC study day from the subject's day one (no day 0)", () => {
    const [s1, s2] = pseudonymised.infusions.perSubject;
    // S1 counts from its enrolment (2020-01-06): 2020-01-08 is day 3, 2020-07-01 day 178.
    assert.deepEqual([s1?.subjectId, s1?.studyDays], ['S1', [3, 178]]);
    // S2 has no enrolment: from its first visit (2020-02-03), 2020-02-10 is day 8.
    assert.deepEqual([s2?.subjectId, s2?.studyDays], ['S2', [8]]);
    // Each infusion's product row: its date as the same study day.
    assert.deepEqual(
      pseudonymised.infusions.products.map((p) => [p.subjectId, p.infusionStudyDay]),
      [
        ['S1', 3],
        ['S1', 178],
        ['S2', 8],
        // S4 from its enrolment (2020-12-01): 2020-12-20 is day 20.
        ['S4', 20],
      ],
    );
    const [pneumonia, mas, s2Event] = pseudonymised.adverseEvents.seriousAndMas;
    assert.equal(pneumonia?.onsetStudyDay, 56);
    assert.equal(mas?.onsetStudyDay, 87);
    // Tocilizumab stopped on 2019-12-01, before day one: day -36.
    assert.deepEqual(mas?.stoppedBlocker, {
      drug: 'tocilizumab',
      target: 'IL-6',
      stopStudyDay: -36,
      daysBefore: 122,
    });
    assert.equal(s2Event?.onsetStudyDay, 18);
  });

  test('the data cut, the protocol and every other value stay as they were', () => {
    assert.equal(pseudonymised.asOf, AS_OF);
    assert.deepEqual(pseudonymised.protocol, study.analysis.protocol);
    // As report.json writes them (an infinite rate ratio as null), every other value equal.
    const asJson = (value: unknown) => JSON.parse(reportJsonText(value as object));
    assert.deepEqual(
      without(asJson(pseudonymised), /StudyDay$|^studyDays$/),
      without(asJson(study.analysis), /Date$|^dates$/),
    );
    // The terms and the medicine are not narrative in the dictionary: they stay.
    assert.deepEqual(
      pseudonymised.adverseEvents.seriousAndMas.map((e) => e.term),
      ['Pneumonia', 'Macrophage activation syndrome', 'Upper respiratory tract infection'],
    );
  });

  test('report.json pseudonymised says so first, and keeps the note and the generator', () => {
    const text = pseudonymisedReportJson(study, TIMELINES);
    assert.match(text, /^\{\n {2}"pseudonymised": true,\n {2}"protocol": /);
    const report = JSON.parse(text);
    assert.deepEqual([report.note, report.generator], ['synthetic', 'test']);
    assert.ok(text.endsWith('}\n'));
    assert.ok(!('pseudonymised' in JSON.parse(reportJson(study))), 'the identified one unchanged');
  });

  test('a subject without a day one has no study days: its dates go, they do not stay', () => {
    const out = pseudonymiseAnalysis(study.analysis, new Map([['S1', '2020-01-06']]));
    assert.deepEqual(out.infusions.perSubject[1]?.studyDays, [null]);
    assert.equal(out.adverseEvents.seriousAndMas[2]?.onsetStudyDay, null);
    assert.equal(out.adverseEvents.seriousAndMas[0]?.onsetStudyDay, 56);
  });

  test('day one comes from the whole record: an enrolment after the data cut still counts', () => {
    const late = subject({
      subjectId: 'L',
      enrolmentDate: '2021-02-01',
      visits: [visit('L-SCR', '2020-12-01')],
    });
    assert.equal(pseudonymDayOnes([late]).get('L'), '2021-02-01');
    assert.equal(pseudonymDayOnes([{ ...late, enrolmentDate: null }]).get('L'), '2020-12-01');
  });

  // What a future field of the analysis would meet (the type check refuses most before this).
  const extended = (extra: unknown) => ({ ...study.analysis, extra }) as unknown as StudyAnalysis;
  test('a birth date becomes the age on day one, as in the pseudonymised records', () => {
    const out = pseudonymiseAnalysis(
      extended([{ subjectId: 'S1', birthDate: '2008-03' }]),
      pseudonymDayOnes(TIMELINES),
    ) as unknown as { extra: unknown };
    assert.deepEqual(out.extra, [{ subjectId: 'S1', ageAtDayOne: 11 }]);
  });

  test('a date outside a subject listing, or a text not classified, is refused, not passed', () => {
    const dayOnes = pseudonymDayOnes(TIMELINES);
    assert.throws(
      () => pseudonymiseAnalysis(extended({ firstInfusionDate: '2020-01-08' }), dayOnes),
      /extra\.firstInfusionDate is a date outside a subject's listing/,
    );
    assert.throws(
      () => pseudonymiseAnalysis(extended([{ subjectId: 'S1', comment: 'seen at home' }]), dayOnes),
      /extra\[0\]\.comment is a text not in KEPT_TEXT/,
    );
  });
});
