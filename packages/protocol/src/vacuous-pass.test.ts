import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Criterion } from './definition.js';
import { evaluateEligibility } from './eligibility.js';
import { evaluate } from './evaluate.js';
import { testProtocol } from './test-protocol.fixture.js';
import type { SubjectTimeline } from './timeline.js';
import { medication, subject, visit } from './timeline-builder.js';

const REFERENCE = '2020-02-03';

/** The test protocol with the registered-biologicals criterion's vacuous pass set to `policy`. */
function protocolWith(policy: 'met' | 'not_met' | 'confirm') {
  const base = testProtocol();
  const inclusion = base.eligibility.inclusion.map(
    (c): Criterion =>
      c.kind === 'failed_registered_medicines' ? { ...c, whenNoneRegistered: policy } : c,
  );
  return testProtocol({ eligibility: { ...base.eligibility, inclusion } });
}

/** A biological-naive child with persistent oligoarthritis: nothing is registered for it. */
function naive(fields: Partial<SubjectTimeline> = {}): SubjectTimeline {
  return subject({
    ilarCategory: 'oligoarticular_persistent',
    visits: [visit('SCR', '2020-01-30', { activeJoints: 2, fever: false })],
    medications: [
      medication('methotrexate', 'csdmard', '2013-01-01', {
        stopDate: '2014-01-01',
        stopReason: 'inefficacy',
      }),
    ],
    confirmations: { infection: { value: false, date: '2020-01-20' } },
    ...fields,
  });
}

const registered = (policy: 'met' | 'not_met' | 'confirm', t: SubjectTimeline) =>
  evaluateEligibility(protocolWith(policy), t, REFERENCE).criteria.find(
    (c) => c.id === 'failed_registered',
  ) ?? assert.fail('no criterion');

describe('"failed every registered biological" with none registered', () => {
  test('met: counted as met, and reported as vacuous', () => {
    const c = registered('met', naive());
    assert.deepEqual([c.status, c.vacuous], ['met', true]);
    assert.match(
      c.reason,
      /no biological registered for Oligoarthritis, persistent on 2020-02-03: met only vacuously \(none registered\); the protocol counts it/,
    );
  });
  test('not_met: refused, and reported as vacuous', () => {
    const c = registered('not_met', naive());
    assert.deepEqual([c.status, c.vacuous], ['not_met', true]);
  });
  test("confirm: unknown until the investigator's answer on or before the reference day", () => {
    const open = registered('confirm', naive());
    assert.deepEqual([open.status, open.vacuous], ['unknown', true]);
    assert.match(
      open.missing[0] ?? '',
      /the investigator's confirmation of "Failed registered biologicals"/,
    );
    const answer = (value: boolean, date: string) =>
      naive({
        confirmations: {
          infection: { value: false, date: '2020-01-20' },
          failed_registered: { value, date },
        },
      });
    assert.equal(registered('confirm', answer(true, REFERENCE)).status, 'met');
    assert.equal(registered('confirm', answer(true, '2020-02-04')).status, 'unknown');
    assert.equal(registered('confirm', answer(false, REFERENCE)).status, 'not_met');
  });
  test('a child too young for every registered indication passes vacuously too; one that failed them does not', () => {
    const infant = registered('met', subject({ birthDate: '2018-06-01' }));
    assert.deepEqual([infant.status, infant.vacuous], ['met', true]);
    const refractory = registered(
      'met',
      subject({
        medications: ['etanercept', 'tocilizumab'].map((drug) =>
          medication(drug, 'biologic', '2014-01-01', {
            stopDate: '2019-01-01',
            stopReason: 'inefficacy',
          }),
        ),
      }),
    );
    assert.deepEqual([refractory.status, refractory.vacuous], ['met', false]);
  });
});

describe('ELIGIBILITY_NONE_REGISTERED is raised for the investigator whatever the protocol decides', () => {
  const raised = (policy: 'met' | 'not_met' | 'confirm', t = naive()) =>
    evaluate(protocolWith(policy), t, REFERENCE)
      .alerts.filter((a) => a.code === 'ELIGIBILITY_NONE_REGISTERED')
      .map((a) => [a.severity, a.data.status]);
  test('a warning while it waits for confirmation, information once decided', () => {
    assert.deepEqual(raised('confirm'), [['warning', 'unknown']]);
    assert.deepEqual(raised('met'), [['info', 'met']]);
    assert.deepEqual(raised('not_met'), [['info', 'not_met']]);
  });
  test('not raised when a registered biological decided the criterion', () => {
    assert.deepEqual(raised('met', subject({ medications: [] })), []);
  });
});
