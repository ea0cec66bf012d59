import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineProtocol } from '@jia-trial/protocol';
import { infusion, medication, subject, visit } from '@jia-trial/protocol/testing';
import { renderHtml } from '../report/render-html.js';
import { analysedStudy } from '../report/report-json.js';
import { protocolDecisions } from './protocol-decisions.js';

/** Retreatment after a lost JIA-ACR 30 response, rechecking fever at a visit in the last 7 days. */
const PROTOCOL = defineProtocol({
  id: 'decisions-test',
  title: 'Decisions test protocol',
  version: '1',
  design: 'test',
  plannedSubjects: null,
  sources: [],
  eligibility: {
    assessedOn: 'first_infusion',
    inclusion: [
      {
        kind: 'failed_registered_medicines',
        id: 'failed_registered',
        text: 'Failed every registered biological',
        kinds: ['biological'],
        failureReasons: ['inefficacy'],
        whenNoneRegistered: 'met',
      },
    ],
    exclusion: [
      {
        kind: 'febrile_at_screening',
        id: 'febrile',
        text: 'Febrile at screening',
        maxDaysBefore: 7,
      },
    ],
  },
  drugs: [{ drug: 'etanercept', drugClass: 'biologic', target: 'TNF' }],
  registeredIndications: [
    {
      drug: 'etanercept',
      brand: 'E',
      target: 'TNF',
      kind: 'biological',
      ilarCategory: 'polyarticular_rf_negative',
      history: [{ from: '2000', minAgeYears: 2, evidence: 'D', source: 'test' }],
    },
  ],
  intervention: {
    name: 'cells',
    route: 'intravenous',
    dosePerKg: 2e6,
    unit: 'cells',
    tolerancePercent: 10,
    concentrationPerMl: null,
    observationDays: 1,
  },
  schedule: {
    studyDayReference: 'first_infusion',
    lateGraceDays: 14,
    visits: [{ name: 'W4', anchor: 'each_infusion', day: 28, windowBefore: 7, windowAfter: 7 }],
  },
  retreatment: {
    maxInfusions: 3,
    responseLevel: 30,
    loss: 'acr_lost',
    flareDefinition: 'withdrawal_trial',
    minDaysBetweenInfusions: 0,
    recheckCriteria: ['febrile'],
  },
  safety: [],
  analysis: {
    aeWindowMonths: 3,
    sensitivityAeWindowMonths: 12,
    timepoints: [{ id: 'week8', label: 'Week 8', day: 56, toleranceDays: 14 }],
  },
  esrUpperLimit: 20,
  crpUpperLimit: 10,
});

const core = (aj: number, g: number, esr: number, fever: boolean) => ({
  activeJoints: aj,
  physicianGlobal: g,
  parentGlobal: g,
  chaqDi: g / 5,
  limitedJoints: aj,
  esr,
  fever,
});
const lost = (subjectId: string, fields = {}) =>
  subject({
    subjectId,
    enrolmentDate: '2020-01-20',
    visits: [
      visit(`${subjectId}-B`, '2020-01-30', core(10, 7, 40, false)),
      visit(`${subjectId}-R`, '2020-03-02', core(3, 3, 15, false)),
      visit(`${subjectId}-L`, '2020-04-27', core(10, 7, 40, false)),
    ],
    medications: [
      medication('etanercept', 'biologic', '2015-01-01', {
        stopDate: '2016-01-01',
        stopReason: 'inefficacy',
      }),
    ],
    infusions: [infusion('2020-02-03')],
    ...fields,
  });

// P1 and P2 lost their response on 2020-04-27; P2's last visit is too old on the data cut for
// the fever recheck. P3 (persistent oligoarthritis) passed the registered-biologicals criterion
// vacuously.
const TIMELINES = [
  lost('P1', { visits: [...lost('P1').visits, visit('P1-S', '2020-05-01', { fever: false })] }),
  lost('P2'),
  lost('P3', { ilarCategory: 'oligoarticular_persistent', medications: [] }),
];

test('the report lists who qualifies, who is allowed at the data cut, what is pending, and vacuous passes', () => {
  const d = protocolDecisions(PROTOCOL, TIMELINES, '2020-05-06');
  assert.deepEqual(
    d.retreatment.map((r) => [r.subjectId, r.qualifies, r.allowed, r.pending, r.blockers]),
    [
      ['P1', true, true, [], []],
      ['P2', true, false, ['febrile'], []],
      ['P3', true, false, ['febrile'], []],
    ],
  );
  assert.deepEqual(
    d.eligibility.map((e) => [e.subjectId, e.noneRegistered]),
    [
      ['P1', []],
      ['P2', []],
      ['P3', [{ criterionId: 'failed_registered', status: 'met' }]],
    ],
  );
  const html = renderHtml(
    analysedStudy(PROTOCOL, TIMELINES, { asOf: '2020-05-06', generator: 'test' }),
  );
  assert.match(
    html,
    /3 of 3 infused patients qualify for a repeat infusion under the protocol's rule \(a response, lost now, within the infusion limit\): allowed today 1 \(P1\), waiting on a check of the day still unknown 2 \(P2, P3\), blocked by a check not met 0\./,
  );
  assert.match(html, /1 subject met "failed every registered biological" only vacuously/);
  assert.match(
    html,
    /<td>P2<\/td><td>1<\/td><td>yes<\/td><td>no<\/td><td>-<\/td><td>Febrile at screening<\/td>/,
  );
});
