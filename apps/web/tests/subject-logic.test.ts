/**
 * The subject page's pure rules, without a browser: which alerts come first, the timeline's
 * order, the narrowing of the API's loosely typed answers, and the charts' axes. (These modules
 * import with `.js` extensions so that this Node program resolves them as the bundler does.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dayOf, linear, monthTicks, valueTicks } from '../src/components/subject/chart-scale.js';
import {
  type AlertView,
  orderAlerts,
  type StatusBody,
  type SubjectBody,
  subjectRecords,
  subjectStatus,
} from '../src/components/subject/subject-data.js';
import { timelineEvents } from '../src/components/subject/timeline-events.js';

const alert = (code: string, severity: string, date: string | null = null): AlertView => ({
  alertId: `P/${code}/${date}`,
  code,
  severity,
  message: code,
  date,
  acknowledgement: null,
});

describe('alerts', () => {
  test('MAS_CRITERIA_MET and SAE_REPORT_DUE first, then by severity, else the engine order', () => {
    const ordered = orderAlerts([
      alert('VISIT_MISSED', 'info', '2015-01-01'),
      alert('MAS_WATCH', 'warning'),
      alert('MAS_SIGNS', 'urgent'),
      alert('SAE_REPORT_DUE', 'urgent'),
      alert('VISIT_MISSED', 'info', '2015-02-01'),
      alert('MAS_CRITERIA_MET', 'urgent'),
    ]);
    assert.deepEqual(
      ordered.map((a) => a.alertId),
      [
        'P/MAS_CRITERIA_MET/null',
        'P/SAE_REPORT_DUE/null',
        'P/MAS_SIGNS/null',
        'P/MAS_WATCH/null',
        'P/VISIT_MISSED/2015-01-01',
        'P/VISIT_MISSED/2015-02-01',
      ],
    );
  });

  test('the status narrows alerts, their day and acknowledgement, and drops one without an id', () => {
    const body: StatusBody = {
      asOf: '2015-11-02',
      protocol: { id: 'msc-jia', version: '1.0' },
      subject: {
        state: 'infused',
        retreatment: {
          allowed: false,
          qualifies: true,
          reasons: ['too early', 3],
          ruleReasons: ['response lost at D02-W26'],
          blockers: [],
          pending: [
            {
              id: 'febrile_illness',
              text: 'No fever',
              reason: 'no visit',
              settledBy: ['a visit', 1],
            },
          ],
        },
      },
      alerts: [
        {
          code: 'VISIT_MISSED',
          severity: 'info',
          message: 'm',
          data: { targetDate: '2015-09-21' },
        },
        {
          alertId: 'D02/MAS_CRITERIA_MET/visit/D02-MAS',
          code: 'MAS_CRITERIA_MET',
          severity: 'urgent',
          message: 'visit D02-MAS meets',
          data: { date: '2015-11-02' },
          acknowledgement: {
            comment: 'treated',
            acknowledged: { by: { id: '7', name: 'Ivan' }, at: '2015-11-02T10:00:00.000Z' },
          },
        },
      ],
    };
    const status = subjectStatus(body);
    assert.equal(status.retreatment.allowed, false);
    assert.deepEqual(status.retreatment.reasons, ['too early']);
    assert.equal(status.retreatment.qualifies, true);
    assert.deepEqual(status.retreatment.ruleReasons, ['response lost at D02-W26']);
    assert.deepEqual(status.retreatment.blockers, []);
    assert.deepEqual(status.retreatment.pending, [
      { id: 'febrile_illness', text: 'No fever', reason: 'no visit', settledBy: ['a visit'] },
    ]);
    assert.equal(status.eligibility.status, null);
    assert.deepEqual(status.alerts, [
      {
        alertId: 'D02/MAS_CRITERIA_MET/visit/D02-MAS',
        code: 'MAS_CRITERIA_MET',
        severity: 'urgent',
        message: 'visit D02-MAS meets',
        date: '2015-11-02',
        acknowledgement: { by: 'Ivan', at: '2015-11-02T10:00:00.000Z', comment: 'treated' },
      },
    ]);
  });
});

describe('the timeline', () => {
  const stored = (record: Record<string, unknown>, rowId = '1') => ({ record, version: 1, rowId });
  const body: SubjectBody = {
    subject: stored({ subjectId: 'P1', site: 'UMCU', ilarCategory: 'systemic' }),
    visits: [
      { ...stored({ visitId: 'P1-W8', visitDate: '2015-08-03', activeJoints: 5 }), scores: {} },
      {
        ...stored({ visitId: 'P1-BL', visitDate: '2015-06-08', activeJoints: '12' }),
        scores: { jadas10: 25.9, mas2016: true },
      },
    ],
    jointFindings: [],
    chaqAnswers: [],
    medications: [],
    infusions: [stored({ infusionDate: '2015-06-08', totalCells: 89_000_000 })],
    adverseEvents: [stored({ aeId: 'AE1', onsetDate: '2015-06-09', grade: 4, serious: true })],
    eligibilityAssessments: [],
  };

  test('records in date order; a visit before the infusion of its day; an undated alert on asOf', () => {
    const records = subjectRecords(body);
    assert.deepEqual(
      records.visits.map((v) => [v.visitId, v.activeJoints, v.jadas10, v.mas]),
      [
        ['P1-BL', null, 25.9, true],
        ['P1-W8', 5, null, false],
      ],
    );
    const events = timelineEvents(records, [alert('MAS_WATCH', 'warning')], '2016-01-01');
    assert.deepEqual(
      events.map((e) => `${e.date} ${e.kind}`),
      [
        '2015-06-08 visit',
        '2015-06-08 infusion',
        '2015-06-09 adverse_event',
        '2015-08-03 visit',
        '2016-01-01 alert',
      ],
    );
  });
});

describe('the charts', () => {
  test('days are UTC days, whatever the time zone', () => {
    assert.equal(dayOf('1970-01-02'), 1);
    assert.equal(dayOf('2016-03-01') - dayOf('2016-02-28'), 2);
  });

  test('value ticks are round steps from 0 reaching the maximum', () => {
    assert.deepEqual(valueTicks(25.9), [0, 10, 20, 30]);
    assert.deepEqual(valueTicks(12), [0, 5, 10, 15]);
    assert.deepEqual(valueTicks(0), [0, 1]);
    assert.deepEqual(valueTicks(4), [0, 1, 2, 3, 4]);
  });

  test('month ticks are first days, aligned on their step, within the domain', () => {
    assert.deepEqual(monthTicks(dayOf('2015-05-25'), dayOf('2016-06-28')), [
      '2015-07-01',
      '2015-10-01',
      '2016-01-01',
      '2016-04-01',
    ]);
    assert.deepEqual(monthTicks(dayOf('2015-05-25'), dayOf('2015-08-15')), [
      '2015-06-01',
      '2015-07-01',
      '2015-08-01',
    ]);
  });

  test('a linear scale maps its ends, and a one-point domain to the middle', () => {
    const x = linear(10, 20, 0, 100);
    assert.equal(x(10), 0);
    assert.equal(x(15), 50);
    assert.equal(linear(5, 5, 0, 100)(5), 50);
  });
});
