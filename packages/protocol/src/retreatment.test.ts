import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate } from './evaluate.js';
import { coreSet, testProtocol } from './test-protocol.fixture.js';
import type { SubjectTimeline } from './timeline.js';
import { infusion, subject, visit } from './timeline-builder.js';

const ACTIVE = coreSet(10, 7, 8, 1.5, 8, 40);
const BETTER = coreSet(4, 3, 3, 0.8, 4, 15);
const base = testProtocol();
/** As MSC-JIA: fever at a screening visit in the last 7 days is rechecked for a repeat. */
const protocol = testProtocol({
  retreatment: {
    ...(base.retreatment ?? assert.fail()),
    recheckCriteria: ['concurrent_biologic', 'febrile'],
  },
});

/** Responded at R, lost the response at L (2020-04-27); `atL` adds to L's record. */
function lost(atL: object = {}, fields: Partial<SubjectTimeline> = {}): SubjectTimeline {
  return subject({
    enrolmentDate: '2020-02-01',
    visits: [
      visit('B', '2020-01-30', ACTIVE),
      visit('R', '2020-03-02', BETTER),
      visit('L', '2020-04-27', { ...ACTIVE, ...atL }),
    ],
    infusions: [infusion('2020-02-03')],
    ...fields,
  });
}
const decide = (t: SubjectTimeline, asOf: string) => evaluate(protocol, t, asOf).retreatment;

describe('qualifies (the rule) and allowed (today) are two facts', () => {
  test('afebrile at a visit 7 days ago: qualifies and allowed; 8 days ago: qualifies, pending', () => {
    const afebrile = lost({ fever: false });
    const seventh = decide(afebrile, '2020-05-04');
    assert.deepEqual(
      [seventh.qualifies, seventh.allowed, seventh.pending, seventh.blockers],
      [true, true, [], []],
    );
    const eighth = decide(afebrile, '2020-05-05');
    assert.deepEqual([eighth.qualifies, eighth.allowed, eighth.blockers], [true, false, []]);
    assert.deepEqual(eighth.pending, [
      {
        id: 'febrile',
        text: 'Febrile',
        reason: 'no visit in the 7 days up to 2020-05-05',
        settledBy: [
          'a screening visit recording fever (yes or no), dated from 2020-04-28 to 2020-05-05',
        ],
      },
    ]);
    assert.deepEqual(
      eighth.ruleReasons,
      seventh.ruleReasons,
      'the rule does not move with the day',
    );
  });
  test('a visit without a fever record: pending, naming that visit', () => {
    const d = decide(lost(), '2020-04-28');
    assert.deepEqual([d.qualifies, d.allowed], [true, false]);
    assert.deepEqual(d.pending[0]?.settledBy, ['fever at visit L (2020-04-27)']);
  });
  test('febrile: a blocker, known, not pending', () => {
    const d = decide(lost({ fever: true }), '2020-04-28');
    assert.deepEqual([d.qualifies, d.allowed, d.pending.length], [true, false, 0]);
    assert.deepEqual(
      d.blockers.map((b) => b.id),
      ['febrile'],
    );
  });
  test('withdrawn: qualifies under the rule, blocked today', () => {
    const d = decide(lost({ fever: false }, { withdrawalDate: '2020-04-28' }), '2020-04-29');
    assert.deepEqual([d.qualifies, d.allowed], [true, false]);
    assert.deepEqual(
      d.blockers.map((b) => [b.id, b.reason]),
      [['withdrawal', 'withdrawn on 2020-04-28']],
    );
  });
  test('not qualifying: no check of the day is evaluated, nothing is pending', () => {
    const holding = subject({
      visits: [visit('B', '2020-01-30', ACTIVE), visit('R', '2020-03-02', BETTER)],
      infusions: [infusion('2020-02-03')],
    });
    const d = decide(holding, '2020-05-05');
    assert.deepEqual([d.qualifies, d.allowed, d.pending, d.blockers], [false, false, [], []]);
  });
  test('the infusion limit: 2 of at most 3 qualifies, 3 does not', () => {
    const twice = lost(
      { fever: false },
      { infusions: [infusion('2020-01-31'), infusion('2020-02-03')] },
    );
    assert.equal(decide(twice, '2020-04-28').qualifies, true);
    assert.match(
      decide(twice, '2020-04-28').ruleReasons.at(-1) ?? '',
      /^2 of at most 3 infusions given$/,
    );
    const thrice = lost(
      { fever: false },
      {
        infusions: [infusion('2020-01-29'), infusion('2020-01-31'), infusion('2020-02-03')],
      },
    );
    assert.deepEqual(
      [decide(thrice, '2020-04-28').qualifies, decide(thrice, '2020-04-28').allowed],
      [false, false],
    );
  });
  test('every reason in one list too: the rule, then blockers, then pending with what settles it', () => {
    const d = decide(lost(), '2020-04-28');
    assert.equal(d.reasons.length, d.ruleReasons.length + 1);
    assert.match(
      d.reasons.at(-1) ?? '',
      /^Febrile: unknown \(fever not recorded at visit L\); to settle it: fever at visit L \(2020-04-27\)$/,
    );
  });
});

describe("the protocol's JIA-ACR for systemic JIA (ADR 0019)", () => {
  // Responded at R, but febrile there: a response under the standard rule only.
  const febrileResponse = (ilarCategory: SubjectTimeline['ilarCategory']) =>
    subject({
      ilarCategory,
      enrolmentDate: '2020-02-01',
      visits: [
        visit('B', '2020-01-30', ACTIVE),
        visit('R', '2020-03-02', { ...BETTER, fever: true }),
        visit('L', '2020-04-27', { ...ACTIVE, fever: false }),
      ],
      infusions: [infusion('2020-02-03')],
    });
  const adapted = testProtocol({ ...protocol, systemicJiaAcr: 'adapted' });
  test('adapted: a febrile systemic-JIA visit is no response, so nothing was lost', () => {
    const d = evaluate(adapted, febrileResponse('systemic'), '2020-04-28').retreatment;
    assert.equal(d.qualifies, false);
    assert.match(d.ruleReasons.join(' '), /no JIA-ACR 30 response/);
  });
  test('standard rule, or another category: the same visits qualify', () => {
    const standard = evaluate(protocol, febrileResponse('systemic'), '2020-04-28').retreatment;
    assert.equal(standard.qualifies, true);
    const poly = evaluate(adapted, febrileResponse('polyarticular_rf_negative'), '2020-04-28');
    assert.equal(poly.retreatment.qualifies, true);
  });
});
