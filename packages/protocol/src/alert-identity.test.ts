import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertId, alertOccasion } from './alert-identity.js';
import { evaluate } from './evaluate.js';
import type { Alert } from './findings.js';
import { ALERT_CODES } from './findings.js';
import { testProtocol } from './test-protocol.fixture.js';
import type { SubjectTimeline } from './timeline.js';
import { adverseEvent, infusion, medication, subject, visit } from './timeline-builder.js';

const protocol = testProtocol();

/** Every alert of the evaluation: the safety rules' and the eligibility's (vacuous-pass.ts). */
function alertsOn(timeline: SubjectTimeline, asOf: string): readonly Alert[] {
  return evaluate(protocol, timeline, asOf).alerts;
}

const ids = (t: SubjectTimeline, asOf: string) =>
  alertsOn(t, asOf).map((a) => alertId(t.subjectId, a.code, alertOccasion(a).occasion));

const masLabs = {
  fever: true,
  ferritin: 5000,
  platelets: 120,
  ast: 80,
  triglycerides: 200,
  fibrinogen: 300,
  // The MS score's other inputs: MS 0.94 (>= -2.1).
  activeJoints: 0,
  ldh: 2000,
  cnsInvolvement: false,
  haemorrhagicManifestations: false,
};

/** Timelines that between them raise every alert code, several of a code on one subject. */
const busy: readonly SubjectTimeline[] = [
  subject({
    subjectId: 'P/1',
    infusions: [
      infusion('2020-01-01', { infusionReaction: true, totalCells: 9e7 }),
      infusion('2020-01-02', { totalCells: 9e7 }),
    ],
    visits: [visit('P', '2019-12-20')],
    adverseEvents: [
      adverseEvent('AE1', '2020-01-10', { serious: true }),
      adverseEvent('AE2', '2020-01-10', { serious: true }),
      adverseEvent('AE3', '2020-01-10', { serious: true, reportedDate: '2020-01-20' }),
    ],
  }),
  subject({
    subjectId: 'P2',
    ilarCategory: 'systemic',
    enrolmentDate: null,
    infusions: [infusion('2020-02-01')],
    medications: [
      medication('tocilizumab', 'biologic', '2018-01-01', {
        stopDate: '2020-01-01',
        stopReason: 'inefficacy',
      }),
    ],
    visits: [
      visit('A', '2020-02-10', masLabs),
      visit('B', '2020-02-12', { ferritin: 20000, platelets: 90, ast: 200, triglycerides: 300 }),
    ],
  }),
];

test('every alert code raised has an occasion, and no two alerts of a subject share an id', () => {
  const seen = new Set<string>();
  for (const t of busy)
    for (const asOf of ['2020-02-06', '2020-02-13', '2020-02-20']) {
      for (const a of alertsOn(t, asOf)) seen.add(a.code);
      const found = ids(t, asOf);
      assert.equal(new Set(found).size, found.length, `${t.subjectId} on ${asOf}: ${found}`);
    }
  assert.deepEqual([...seen].sort(), [...ALERT_CODES].sort(), 'the timelines raise every code');
});

test('an alert keeps its id while its message and figures change (an SAE report becoming overdue)', () => {
  const t = busy[0] as SubjectTimeline;
  const due = (asOf: string) => alertsOn(t, asOf).filter((a) => a.code === 'SAE_REPORT_DUE');
  const [before, after] = [due('2020-01-10'), due('2020-01-15')];
  assert.deepEqual(
    [before.map((a) => a.data.overdue), after.map((a) => a.data.overdue)],
    [
      [false, false, false],
      [true, true, true],
    ],
  );
  assert.deepEqual(
    before.map((a) => alertOccasion(a)),
    after.map((a) => alertOccasion(a)),
  );
  assert.deepEqual(
    after.map((a) => alertOccasion(a)),
    [
      { occasion: 'ae/AE1', raisedOn: '2020-01-10' },
      { occasion: 'ae/AE2', raisedOn: '2020-01-10' },
      { occasion: 'ae/AE3', raisedOn: '2020-01-10' },
    ],
  );
});

test('ids are unambiguous: a slash in a subject or key is encoded', () => {
  const sae = alertsOn(busy[0] as SubjectTimeline, '2020-01-10').find(
    (a) => a.code === 'SAE_REPORT_DUE',
  ) as Alert;
  assert.equal(
    alertId('P/1', sae.code, alertOccasion(sae).occasion),
    'P%2F1/SAE_REPORT_DUE/ae/AE1',
  );
  const odd = { ...sae, data: { ...sae.data, aeId: 'AE/1' } };
  assert.equal(alertOccasion(odd).occasion, 'ae/AE%2F1');
  assert.throws(() => alertOccasion({ ...sae, data: {} }), RangeError);
});
