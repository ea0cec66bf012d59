import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate, type SubjectEvaluation } from './evaluate.js';
import { coreSet, testProtocol } from './test-protocol.fixture.js';
import type { SubjectTimeline } from './timeline.js';
import { infusion, medication, subject, visit } from './timeline-builder.js';

const protocol = testProtocol();
const ACTIVE = coreSet(10, 7, 8, 1.5, 8, 40);
const BETTER = coreSet(4, 3, 3, 0.8, 4, 15);

/**
 * One patient's whole course, as the record grows: screened, found eligible, enrolled, infused,
 * responding (JIA-ACR 30), losing the response, infused again twice, and refused a fourth
 * infusion. Evaluated on any day, only what was known then counts.
 */
const course: SubjectTimeline = subject({
  enrolmentDate: '2020-02-01',
  visits: [
    visit('SCR', '2020-01-30', { ...ACTIVE, fever: false }),
    visit('I1-W4', '2020-03-02', BETTER),
    visit('I1-W12', '2020-04-27', ACTIVE),
    visit('I2-PRE', '2020-05-04', { ...ACTIVE, fever: false }),
    visit('I2-W4', '2020-06-01', BETTER),
    visit('I2-W12', '2020-07-27', ACTIVE),
    visit('I3-W4', '2020-08-31', BETTER),
    visit('I3-W12', '2020-10-26', ACTIVE),
  ],
  medications: [
    medication('methotrexate', 'csdmard', '2013-01-01', {
      stopDate: '2014-01-01',
      stopReason: 'inefficacy',
    }),
    medication('etanercept', 'biologic', '2014-02-01', {
      stopDate: '2015-01-01',
      stopReason: 'inefficacy',
    }),
    medication('tocilizumab', 'biologic', '2015-02-01', {
      stopDate: '2019-12-01',
      stopReason: 'intolerance',
    }),
  ],
  infusions: [infusion('2020-02-03'), infusion('2020-05-04'), infusion('2020-08-03')],
  confirmations: { infection: { value: false, date: '2020-01-30' } },
});

const on = (asOf: string, timeline = course): SubjectEvaluation =>
  evaluate(protocol, timeline, asOf);

describe('a patient walked through the protocol', () => {
  test('screening: not enrolled, a criterion still open', () => {
    const s = on('2020-01-30', { ...course, enrolmentDate: null, confirmations: {} });
    assert.equal(s.state, 'screening');
    assert.match(s.stateReason, /criteria still open: infection/);
    assert.equal(s.eligibility.referenceDate, '2020-01-30');
  });
  test('eligible once the investigator has answered; not eligible if the answer excludes', () => {
    assert.equal(on('2020-01-31', { ...course, enrolmentDate: null }).state, 'eligible');
    const infected = {
      ...course,
      enrolmentDate: null,
      confirmations: { infection: { value: true, date: '2020-01-30' } },
    };
    assert.equal(on('2020-01-31', infected).state, 'not_eligible');
  });
  test('enrolled, not yet infused', () => {
    const s = on('2020-02-02');
    assert.deepEqual([s.state, s.infusions, s.eligibility.status], ['enrolled', 0, 'eligible']);
    assert.deepEqual(s.retreatment.reasons, [
      'no infusion yet: retreatment follows a response to an infusion',
    ]);
  });
  test('infused on the day and the day after, then in follow-up; eligibility read on the infusion day', () => {
    assert.deepEqual(
      [on('2020-02-03').state, on('2020-02-04').state, on('2020-02-05').state],
      ['infused', 'infused', 'in_follow_up'],
    );
    assert.equal(on('2020-02-05').eligibility.referenceDate, '2020-02-03');
    assert.equal(on('2020-02-05').studyDayOne, '2020-02-03');
  });
  test('response at W4: no retreatment while it holds', () => {
    const s = on('2020-03-02');
    assert.equal(s.retreatment.allowed, false);
    assert.equal(s.retreatment.responseVisitId, 'I1-W4');
    assert.match(
      s.retreatment.reasons.join('\n'),
      /JIA-ACR 30 reached at I1-W4 \(2020-03-02\) against baseline SCR \(2020-01-30\), after infusion 1/,
    );
    assert.match(s.retreatment.reasons.join('\n'), /no later visit yet to show a loss/);
  });
  test('response lost at W12: a second infusion is allowed, with every reason', () => {
    const s = on('2020-04-27');
    assert.equal(s.retreatment.allowed, true, s.retreatment.reasons.join('\n'));
    assert.deepEqual(
      [s.retreatment.baselineVisitId, s.retreatment.responseVisitId, s.retreatment.lossVisitId],
      ['SCR', 'I1-W4', 'I1-W12'],
    );
    assert.deepEqual(s.retreatment.reasons, [
      'JIA-ACR 30 reached at I1-W4 (2020-03-02) against baseline SCR (2020-01-30), after infusion 1 (2020-02-03)',
      'response lost at I1-W12 (2020-04-27): JIA-ACR 30 against baseline SCR (2020-01-30) no longer met',
      '1 of at most 3 infusions given',
    ]);
  });
  test('after the second infusion the rule starts again: a new response is needed', () => {
    const s = on('2020-05-05');
    assert.deepEqual([s.state, s.infusions, s.retreatment.allowed], ['infused', 2, false]);
    assert.match(
      s.retreatment.reasons[0] ?? '',
      /no JIA-ACR 30 response against baseline SCR \(2020-01-30\) after infusion 2/,
    );
    // The baseline stays the one before the first infusion.
    assert.equal(on('2020-07-27').retreatment.allowed, true);
    assert.equal(on('2020-07-27').retreatment.responseVisitId, 'I2-W4');
  });
  test('after the third infusion a fourth is refused, whatever the response', () => {
    const s = on('2020-10-26');
    assert.deepEqual([s.infusions, s.retreatment.allowed], [3, false]);
    assert.deepEqual(s.retreatment.reasons, [
      '3 infusions given: the protocol allows at most 3 (2 repeats)',
    ]);
  });
  test('each repeat supersedes the rest of the previous series', () => {
    const series = on('2020-10-26').schedule.map((v) => `${v.name}/${v.infusion}:${v.status}`);
    assert.deepEqual(series, [
      'Pre/1:done',
      'W4/1:done',
      'W12/1:done',
      'Pre/2:done',
      'W4/2:done',
      // One visit a week before the third infusion: its pre-infusion assessment first.
      'W12/2:missed',
      'Pre/3:done',
      'W4/3:done',
      'W12/3:done',
      'W52/3:upcoming',
    ]);
  });
  test('completed once the last series is over; withdrawn whenever withdrawn', () => {
    const lastMissed = on('2021-10-01');
    assert.equal(lastMissed.state, 'in_follow_up');
    assert.match(lastMissed.stateReason, /the last \(W52\) was missed: record a withdrawal/);
    const withW52 = {
      ...course,
      visits: [...course.visits, visit('I3-W52', '2021-08-02', BETTER)],
    };
    assert.equal(on('2021-10-01', withW52).state, 'completed');
    assert.equal(on('2021-06-01', { ...course, withdrawalDate: '2020-11-01' }).state, 'withdrawn');
    assert.equal(
      on('2020-10-31', { ...course, withdrawalDate: '2020-11-01' }).state,
      'in_follow_up',
    );
    // Three infusions: the rule itself refuses a fourth, withdrawn or not.
    const withdrawn = on('2021-06-01', { ...course, withdrawalDate: '2020-11-01' }).retreatment;
    assert.deepEqual(
      [withdrawn.qualifies, withdrawn.allowed, withdrawn.ruleReasons],
      [false, false, ['3 infusions given: the protocol allows at most 3 (2 repeats)']],
    );
  });
});

describe('retreatment rule options and blockers', () => {
  const twoVisits = (later: object) =>
    subject({
      enrolmentDate: '2020-02-01',
      visits: [
        visit('B', '2020-01-30', ACTIVE),
        visit('R', '2020-03-02', BETTER),
        visit('L', '2020-04-27', later),
      ],
      infusions: [infusion('2020-02-03')],
    });
  test('a loss the core set cannot decide is not a loss', () => {
    const s = on('2020-05-01', twoVisits({ activeJoints: 10 }));
    assert.equal(s.retreatment.allowed, false);
  });
  test('an undeterminable response is named', () => {
    const t = subject({
      visits: [visit('B', '2020-01-30', ACTIVE), visit('X', '2020-03-02', { activeJoints: 2 })],
      infusions: [infusion('2020-02-03')],
    });
    assert.match(
      on('2020-03-03', t).retreatment.reasons[0] ?? '',
      /undeterminable at X \(2020-03-02\)/,
    );
  });
  test('flare against the response visit, as a protocol option', () => {
    const flare = testProtocol({
      retreatment: { ...(protocol.retreatment ?? assert.fail()), loss: 'flare' },
    });
    // Against R (4, 3, 3, 0.8, 4, 15): >30% worse in 3 variables (joints +3, physician +2 cm,
    // CHAQ +0.4), with the minimum rises; the mild one is worse in none by more than 30%.
    const worse = coreSet(7, 5, 3, 1.2, 4, 15);
    assert.equal(evaluate(flare, twoVisits(worse), '2020-05-01').retreatment.allowed, true);
    const mild = coreSet(5, 3.5, 3, 0.8, 4, 15);
    assert.equal(evaluate(flare, twoVisits(mild), '2020-05-01').retreatment.allowed, false);
  });
  test('a biologic running now blocks a repeat, naming the criterion', () => {
    const t = {
      ...twoVisits(ACTIVE),
      medications: [medication('anakinra', 'biologic', '2020-04-01')],
    };
    const s = on('2020-05-01', t);
    assert.equal(s.retreatment.allowed, false);
    assert.match(
      s.retreatment.reasons.at(-1) ?? '',
      /^Concurrent biologic: running on 2020-05-01: anakinra/,
    );
  });
  test('a minimum interval between infusions, when the protocol sets one', () => {
    const spaced = testProtocol({
      retreatment: { ...(protocol.retreatment ?? assert.fail()), minDaysBetweenInfusions: 90 },
    });
    // 2020-02-03 + 90 days = 2020-05-03 (2020 is a leap year).
    assert.equal(evaluate(spaced, twoVisits(ACTIVE), '2020-05-03').retreatment.allowed, true);
    const s = evaluate(spaced, twoVisits(ACTIVE), '2020-05-02');
    assert.equal(s.retreatment.allowed, false);
    assert.match(
      s.retreatment.reasons.at(-1) ?? '',
      /89 days since the last infusion; at least 90 required/,
    );
  });
});

test('only data dated on or before the as-of day counts', () => {
  const s = on('2020-03-01');
  assert.equal(s.infusions, 1);
  assert.equal(s.retreatment.responseVisitId, null, 'the W4 visit of 2020-03-02 is not known yet');
  assert.deepEqual(
    s.studyDays.map((d) => d.visitId),
    ['SCR'],
  );
});

test('a malformed as-of day is refused, naming it', () => {
  assert.throws(() => on('2020-02-30'), /not a date \(YYYY-MM-DD\): "2020-02-30"/);
});

describe('infusions against the protocol (INFUSION_NOT_ALLOWED)', () => {
  const breaches = (s: SubjectEvaluation) =>
    s.alerts.filter((a) => a.code === 'INFUSION_NOT_ALLOWED').map((a) => a.data.infusion);
  test('the walked-through course breaks nothing', () => {
    assert.deepEqual(breaches(on('2020-10-26')), []);
  });
  test('a repeat given while the response held', () => {
    const early = { ...course, infusions: [infusion('2020-02-03'), infusion('2020-03-10')] };
    const s = on('2020-03-11', early);
    assert.deepEqual(breaches(s), [2]);
    assert.match(
      s.alerts.find((a) => a.code === 'INFUSION_NOT_ALLOWED')?.message ?? '',
      /repeat not allowed on the day: JIA-ACR 30 reached at I1-W4/,
    );
  });
  test('a fourth infusion', () => {
    const four = { ...course, infusions: [...course.infusions, infusion('2020-11-02')] };
    assert.deepEqual(breaches(on('2020-11-03', four)), [4]);
  });
  test('a first infusion before enrolment, without eligibility, or after a withdrawal', () => {
    assert.deepEqual(breaches(on('2020-02-05', { ...course, enrolmentDate: '2020-02-04' })), [1]);
    assert.deepEqual(breaches(on('2020-02-05', { ...course, confirmations: {} })), [1]);
    const withdrawn = { ...course, withdrawalDate: '2020-05-01' };
    assert.deepEqual(breaches(on('2020-05-05', withdrawn)), [2]);
  });
  test('an investigator answer given after the infusion does not make it eligible on the day', () => {
    const late = { ...course, confirmations: { infection: { value: false, date: '2020-02-10' } } };
    const s = on('2020-02-11', late);
    assert.equal(s.eligibility.status, 'unknown');
    assert.deepEqual(breaches(s), [1]);
  });
});

describe('retreatment reads the current state of the response', () => {
  const course2 = (later: Array<[string, string, object]>) =>
    subject({
      enrolmentDate: '2020-02-01',
      visits: [
        visit('B', '2020-01-30', ACTIVE),
        visit('R', '2020-03-02', BETTER),
        ...later.map(([id, d, o]) => visit(id, d, o)),
      ],
      infusions: [infusion('2020-02-03')],
    });
  test('a loss since recovered does not allow a repeat', () => {
    const s = on(
      '2020-06-01',
      course2([
        ['L', '2020-04-01', ACTIVE],
        ['R2', '2020-05-01', BETTER],
      ]),
    );
    assert.equal(s.retreatment.allowed, false);
    assert.match(
      s.retreatment.reasons.at(-1) ?? '',
      /holds at the latest deciding visit, R2 \(2020-05-01\)/,
    );
  });
  test('the loss is dated at the start of the current run of losses', () => {
    const s = on(
      '2020-06-01',
      course2([
        ['L1', '2020-04-01', ACTIVE],
        ['L2', '2020-05-01', ACTIVE],
      ]),
    );
    assert.deepEqual([s.retreatment.allowed, s.retreatment.lossVisitId], [true, 'L1']);
  });
  test('an undeterminable visit decides nothing and is named', () => {
    const s = on('2020-06-01', course2([['X', '2020-04-01', { activeJoints: 10 }]]));
    assert.equal(s.retreatment.allowed, false);
    assert.match(
      s.retreatment.reasons.at(-1) ?? '',
      /no later visit decides whether the response is lost; undeterminable at X \(2020-04-01\)/,
    );
  });
  test('flare is measured against the best response, not the first', () => {
    const flare = testProtocol({
      retreatment: { ...(protocol.retreatment ?? assert.fail()), loss: 'flare' },
    });
    // R reaches JIA-ACR 30; BEST (2, 1, 1, 0.3, 2, 8) a higher level. F is a flare against BEST only.
    const t = course2([
      ['BEST', '2020-04-01', coreSet(2, 1, 1, 0.3, 2, 8)],
      ['F', '2020-05-01', coreSet(4, 3, 3, 0.3, 2, 8)],
    ]);
    const s = evaluate(flare, t, '2020-05-02');
    assert.equal(s.retreatment.allowed, true, s.retreatment.reasons.join('\n'));
    assert.match(s.retreatment.reasons.join('\n'), /against the best response visit BEST/);
  });
});

test('a medication stopped after the as-of day was still running on it', () => {
  const t = {
    ...course,
    medications: [
      ...course.medications,
      medication('anakinra', 'biologic', '2020-07-01', {
        stopDate: '2020-07-28',
        stopReason: 'other',
      }),
    ],
  };
  // The response was lost on 2020-07-27; anakinra, stopped only the next day, blocks a repeat.
  const running = on('2020-07-27', t).retreatment;
  assert.equal(running.allowed, false);
  assert.match(
    running.reasons.at(-1) ?? '',
    /Concurrent biologic: running on 2020-07-27: anakinra/,
  );
  assert.equal(on('2020-07-28', t).retreatment.allowed, true);
});
