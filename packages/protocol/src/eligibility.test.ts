import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateEligibility } from './eligibility.js';
import type { CriterionResult } from './findings.js';
import { testProtocol } from './test-protocol.fixture.js';
import type { SubjectTimeline } from './timeline.js';
import { medication, subject, visit } from './timeline-builder.js';

const protocol = testProtocol();
const REFERENCE = '2020-02-03';

/** A subject meeting every criterion on REFERENCE, to vary one thing at a time. */
function eligible(fields: Partial<SubjectTimeline> = {}): SubjectTimeline {
  return subject({
    visits: [visit('SCR', '2020-01-30', { activeJoints: 6, fever: false })],
    medications: [
      medication('methotrexate', 'csdmard', '2013-01-01', {
        stopDate: '2014-01-01',
        stopReason: 'inefficacy',
      }),
      medication('etanercept', 'biologic', '2011-02-01', {
        stopDate: '2012-06-01',
        stopReason: 'inefficacy',
      }),
      medication('tocilizumab', 'biologic', '2015-02-01', {
        stopDate: '2019-12-01',
        stopReason: 'intolerance',
      }),
    ],
    confirmations: { infection: { value: false, date: '2020-01-20' } },
    ...fields,
  });
}

function criterion(timeline: SubjectTimeline, id: string, reference = REFERENCE): CriterionResult {
  const found = evaluateEligibility(protocol, timeline, reference).criteria.find(
    (c) => c.id === id,
  );
  return found ?? assert.fail(`no criterion ${id}`);
}

test('a subject meeting every criterion is eligible, each criterion with its reason', () => {
  const result = evaluateEligibility(protocol, eligible(), REFERENCE);
  assert.equal(result.status, 'eligible', JSON.stringify(result.criteria, null, 1));
  assert.deepEqual(
    result.criteria.map((c) => [c.id, c.type, c.status]),
    [
      ['jia', 'inclusion', 'met'],
      ['age', 'inclusion', 'met'],
      ['active', 'inclusion', 'met'],
      ['failed_mtx', 'inclusion', 'met'],
      ['failed_registered', 'inclusion', 'met'],
      ['concurrent_biologic', 'exclusion', 'not_met'],
      ['febrile', 'exclusion', 'not_met'],
      ['infection', 'exclusion', 'not_met'],
    ],
  );
  assert.equal(criterion(eligible(), 'active').reason, '6 active joints at visit SCR (2020-01-30)');
});

describe('age', () => {
  test('4th birthday on the day: met; the day before: not met', () => {
    assert.equal(criterion(eligible({ birthDate: '2016-02-03' }), 'age').status, 'met');
    assert.equal(criterion(eligible({ birthDate: '2016-02-04' }), 'age').status, 'not_met');
  });
  test('aged 18 on the day before the 19th birthday: met; on it: not met', () => {
    assert.equal(criterion(eligible({ birthDate: '2001-02-04' }), 'age').status, 'met');
    assert.equal(criterion(eligible({ birthDate: '2001-02-03' }), 'age').status, 'not_met');
  });
  test('a birth month that straddles the birthday leaves it unknown, asking for the full date', () => {
    const result = criterion(eligible({ birthDate: '2016-02' }), 'age');
    assert.equal(result.status, 'unknown');
    assert.deepEqual(result.missing, ['full birth date']);
    assert.equal(criterion(eligible({ birthDate: '2016-01' }), 'age').status, 'met');
  });
});

describe('active disease at the screening visit', () => {
  test('1 active joint: met; 0: not met', () => {
    assert.equal(
      criterion(eligible({ visits: [visit('S', '2020-01-20', { activeJoints: 1 })] }), 'active')
        .status,
      'met',
    );
    assert.equal(
      criterion(eligible({ visits: [visit('S', '2020-01-20', { activeJoints: 0 })] }), 'active')
        .status,
      'not_met',
    );
  });
  test('a visit 28 days before counts; 29 days before, none does', () => {
    assert.equal(
      criterion(eligible({ visits: [visit('S', '2020-01-06', { activeJoints: 3 })] }), 'active')
        .status,
      'met',
    );
    const late = criterion(
      eligible({ visits: [visit('S', '2020-01-05', { activeJoints: 3 })] }),
      'active',
    );
    assert.equal(late.status, 'unknown');
    assert.deepEqual(late.missing, [
      'a screening visit with an active joint count, dated from 2020-01-06 to 2020-02-03',
    ]);
  });
  test('the last visit before the reference is the screening visit; a later one does not count', () => {
    const visits = [
      visit('A', '2020-01-10', { activeJoints: 0 }),
      visit('B', '2020-01-30', { activeJoints: 5 }),
      visit('C', '2020-02-04', { activeJoints: 0 }),
    ];
    assert.match(criterion(eligible({ visits }), 'active').reason, /5 active joints at visit B/);
  });
  test('no joint count at the screening visit: unknown, naming what is missing', () => {
    const result = criterion(eligible({ visits: [visit('S', '2020-01-20', {})] }), 'active');
    assert.equal(result.status, 'unknown');
    assert.deepEqual(result.missing, ['active_joints at visit S']);
  });
});

describe('failed medicines', () => {
  const mtx = (stop: Parameters<typeof medication>[3]) => ({
    medications: [
      medication('Methotrexate', 'csdmard', '2013-01-01', stop),
      ...eligible().medications.slice(1),
    ],
  });
  test('stopped for inefficacy or intolerance: met (names match whatever the case)', () => {
    assert.equal(
      criterion(eligible(mtx({ stopDate: '2014-01-01', stopReason: 'intolerance' })), 'failed_mtx')
        .status,
      'met',
    );
  });
  test('stopped for another reason, still running, or stopped after the reference: not met', () => {
    assert.equal(
      criterion(eligible(mtx({ stopDate: '2014-01-01', stopReason: 'other' })), 'failed_mtx')
        .status,
      'not_met',
    );
    assert.match(criterion(eligible(mtx({})), 'failed_mtx').reason, /still running on 2020-02-03/);
    assert.equal(
      criterion(eligible(mtx({ stopDate: '2020-02-04', stopReason: 'inefficacy' })), 'failed_mtx')
        .status,
      'not_met',
    );
    assert.equal(
      criterion(eligible(mtx({ stopDate: '2020-02-03', stopReason: 'inefficacy' })), 'failed_mtx')
        .status,
      'met',
    );
  });
  test('never given: not met', () => {
    assert.equal(
      criterion(eligible({ medications: [] }), 'failed_mtx').reason,
      'no methotrexate recorded',
    );
  });
});

describe('every registered biological failed', () => {
  const without = (drug: string) => eligible().medications.filter((m) => m.drug !== drug);
  test('a registered biological not failed: not met, naming it', () => {
    const result = criterion(eligible({ medications: without('etanercept') }), 'failed_registered');
    assert.equal(result.status, 'not_met');
    assert.match(result.reason, /not failed: etanercept \(authorised 2012-08\)/);
  });
  test('authorised in 2013 (year only): undecided during 2013, registered on its last day', () => {
    const noToci = eligible({ medications: without('tocilizumab') });
    const early = criterion(noToci, 'failed_registered', '2012-12-31');
    assert.equal(early.status, 'met', early.reason);
    assert.equal(criterion(noToci, 'failed_registered', '2013-01-01').status, 'unknown');
    assert.equal(criterion(noToci, 'failed_registered', '2013-12-30').status, 'unknown');
    // By the last day of 2013 the authorisation has certainly happened.
    assert.equal(criterion(noToci, 'failed_registered', '2013-12-31').status, 'not_met');
  });
  test('a category with nothing registered: met, saying so', () => {
    const result = criterion(
      eligible({ ilarCategory: 'oligoarticular_persistent' }),
      'failed_registered',
    );
    assert.equal(result.status, 'met');
    assert.match(result.reason, /no biological registered for Oligoarthritis, persistent/);
  });
  test("a child younger than the indication's minimum age is not counted", () => {
    const young = eligible({ birthDate: '2018-06-01', medications: without('etanercept') });
    assert.equal(criterion(young, 'failed_registered').status, 'met');
  });
});

describe('exclusions', () => {
  test('a biologic running on the reference day excludes; stopped on that day does not', () => {
    const running = eligible({
      medications: [...eligible().medications, medication('anakinra', 'biologic', '2020-01-01')],
    });
    assert.equal(criterion(running, 'concurrent_biologic').status, 'met');
    assert.equal(evaluateEligibility(protocol, running, REFERENCE).status, 'not_eligible');
    const stopped = eligible({
      medications: [
        ...eligible().medications,
        medication('anakinra', 'biologic', '2020-01-01', {
          stopDate: REFERENCE,
          stopReason: 'other',
        }),
      ],
    });
    assert.equal(criterion(stopped, 'concurrent_biologic').status, 'not_met');
  });
  test('fever at a screening visit within 7 days excludes; 8 days before it is not a screening visit', () => {
    assert.equal(
      criterion(
        eligible({ visits: [visit('S', '2020-01-27', { activeJoints: 3, fever: true })] }),
        'febrile',
      ).status,
      'met',
    );
    assert.equal(
      criterion(
        eligible({ visits: [visit('S', '2020-01-26', { activeJoints: 3, fever: true })] }),
        'febrile',
      ).status,
      'unknown',
    );
  });
  test('a confirmation criterion is unknown until the investigator answers', () => {
    const open = eligible({ confirmations: {} });
    assert.equal(criterion(open, 'infection').status, 'unknown');
    assert.equal(evaluateEligibility(protocol, open, REFERENCE).status, 'unknown');
    const present = eligible({ confirmations: { infection: { value: true, date: '2020-01-20' } } });
    assert.equal(evaluateEligibility(protocol, present, REFERENCE).status, 'not_eligible');
  });
});

test('a minimum age in months (anakinra: 8 months, 0.67 years) is compared in months', () => {
  const infantProtocol = testProtocol({
    registeredIndications: [
      {
        drug: 'anakinra',
        brand: 'Kineret',
        target: 'IL-1',
        kind: 'biological',
        ilarCategory: 'systemic',
        history: [{ from: '2018-04', minAgeYears: 0.67, evidence: 'D', source: 'test' }],
      },
    ],
  });
  const infant = (birthDate: string) =>
    evaluateEligibility(
      infantProtocol,
      subject({ ilarCategory: 'systemic', birthDate }),
      '2020-06-15',
    ).criteria.find((c) => c.id === 'failed_registered');
  assert.equal(
    infant('2019-09-15')?.status,
    'not_met',
    '9 months old: anakinra registered, not failed',
  );
  assert.equal(
    infant('2019-10-16')?.status,
    'met',
    '7 months old: not yet registered for this child',
  );
});
