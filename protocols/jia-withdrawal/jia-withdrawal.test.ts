import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, randomisationDue, strataOf, timeToFlare } from '@jia-trial/protocol';
import { subject, visit } from '@jia-trial/protocol/testing';
import { JIA_WITHDRAWAL } from './protocol.js';

test('the protocol: 1:1 continue or placebo at week 16 for JIA-ACR 30 responders, by ILAR group, time to flare', () => {
  const r = JIA_WITHDRAWAL.randomisation ?? assert.fail('randomised');
  assert.deepEqual(
    r.arms.map((a) => [a.id, a.ratio]),
    [
      ['continue', 1],
      ['placebo', 1],
    ],
  );
  assert.deepEqual(r.step, {
    visit: 'week_16',
    requires: { kind: 'jia_acr_response', level: 30, baselineVisit: 'week_0' },
  });
  assert.deepEqual(strataOf(r), [
    'ilar_category=polyarticular',
    'ilar_category=systemic',
    'ilar_category=other',
  ]);
  assert.deepEqual(r.endpoint, { kind: 'time_to_flare', flareDefinition: 'withdrawal_trial' });
  assert.equal(JIA_WITHDRAWAL.schedule.visits.at(-1)?.name, 'week_40');
  assert.equal(JIA_WITHDRAWAL.intervention, null);
});

test('a JIA-ACR 30 responder at week 16 is due; a flare at week 24 is the end point, 56 days on', () => {
  const core = (
    activeJoints: number,
    md: number,
    parent: number,
    chaq: number,
    lom: number,
    esr: number,
  ) => ({
    activeJoints,
    physicianGlobal: md,
    parentGlobal: parent,
    chaqDi: chaq,
    limitedJoints: lom,
    esr,
  });
  const child = subject({
    birthDate: '2012-04',
    enrolmentDate: '2024-01-08',
    medications: [
      {
        drug: 'methotrexate',
        drugClass: 'csdmard',
        startDate: '2020-01-01',
        stopDate: '2022-01-01',
        stopReason: 'inefficacy',
      },
    ],
    confirmations: { active_infection: { value: false, date: '2024-01-08' } },
    visits: [
      visit('B', '2024-01-08', core(10, 6, 5.5, 1.5, 8, 40)),
      visit('R', '2024-04-29', core(3, 2, 2, 0.75, 3, 15)),
      visit('F', '2024-06-24', core(7, 4.5, 4.5, 1.25, 5, 25)),
    ],
  });
  const on = (day: string) => evaluate(JIA_WITHDRAWAL, child, day);
  assert.equal(on('2024-04-29').eligibility.status, 'eligible');
  assert.deepEqual(
    [
      randomisationDue(JIA_WITHDRAWAL, on('2024-04-29'), child).code,
      randomisationDue(JIA_WITHDRAWAL, on('2024-04-28'), child).code,
    ],
    ['due', 'visit_not_done'],
  );
  const end = timeToFlare(JIA_WITHDRAWAL, on('2024-07-01'), child);
  assert.deepEqual(
    [end.status, end.referenceVisitId, end.flareVisitId, end.days],
    ['flare', 'R', 'F', 56],
  );
});
