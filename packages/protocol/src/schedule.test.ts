import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ScheduledVisit } from './findings.js';
import { buildSchedule } from './schedule.js';
import { testProtocol } from './test-protocol.fixture.js';
import type { SubjectTimeline } from './timeline.js';
import { infusion, subject, visit } from './timeline-builder.js';

const protocol = testProtocol();
const infused = (fields: Partial<SubjectTimeline> = {}) =>
  subject({ infusions: [infusion('2020-01-01')], ...fields });

function slot(timeline: SubjectTimeline, asOf: string, name: string, series = 1): ScheduledVisit {
  const found = buildSchedule(protocol, timeline, asOf).visits.find(
    (v) => v.name === name && v.infusion === series,
  );
  return found ?? assert.fail(`no slot ${name} of infusion ${series}`);
}

describe('window edges (W4: target day 28 after 2020-01-01, window +/- 7, grace 14)', () => {
  const cases: Array<[string, ScheduledVisit['status']]> = [
    ['2020-01-21', 'upcoming'],
    ['2020-01-22', 'due'],
    ['2020-01-29', 'due'],
    ['2020-02-05', 'due'],
    ['2020-02-06', 'overdue'],
    ['2020-02-19', 'overdue'],
    ['2020-02-20', 'missed'],
  ];
  for (const [asOf, status] of cases)
    test(`on ${asOf}: ${status}`, () => {
      const w4 = slot(infused(), asOf, 'W4');
      assert.deepEqual(
        [w4.targetDate, w4.windowStart, w4.windowEnd, w4.status],
        ['2020-01-29', '2020-01-22', '2020-02-05', status],
      );
    });
});

describe('matching recorded visits', () => {
  test('a visit on the first and on the last day of the window fulfils it', () => {
    for (const date of ['2020-01-22', '2020-02-05']) {
      const w4 = slot(infused({ visits: [visit('V', date)] }), '2020-03-01', 'W4');
      assert.deepEqual([w4.status, w4.visitId, w4.late], ['done', 'V', false]);
    }
  });
  test('a day outside the window does not, until it is late within the grace period', () => {
    assert.equal(
      slot(infused({ visits: [visit('V', '2020-01-21')] }), '2020-03-01', 'W4').status,
      'missed',
    );
    const late = slot(infused({ visits: [visit('V', '2020-02-19')] }), '2020-03-01', 'W4');
    assert.deepEqual([late.status, late.late], ['done', true]);
    assert.equal(
      slot(infused({ visits: [visit('V', '2020-02-20')] }), '2020-03-01', 'W4').status,
      'missed',
    );
  });
  test('of two visits in a window the nearest to the target fulfils it', () => {
    const visits = [visit('EARLY', '2020-01-22'), visit('NEAR', '2020-01-30')];
    assert.equal(slot(infused({ visits }), '2020-03-01', 'W4').visitId, 'NEAR');
  });
  test('the pre-infusion visit is the last one in the 28 days up to the infusion', () => {
    const visits = [
      visit('OLD', '2019-12-03'),
      visit('SCR', '2019-12-20'),
      visit('DAY0', '2020-01-01'),
    ];
    assert.equal(slot(infused({ visits }), '2020-01-02', 'Pre').visitId, 'DAY0');
    assert.equal(slot(infused({ visits: visits.slice(0, 2) }), '2020-01-02', 'Pre').visitId, 'SCR');
    assert.equal(
      slot(infused({ visits: visits.slice(0, 1) }), '2020-01-02', 'Pre').status,
      'missed',
    );
  });
  test("a late visit inside another visit's window belongs to that one", () => {
    // W12's window opens on 2020-03-18; a visit then is W12's, not a late W4.
    const s = buildSchedule(
      protocol,
      infused({ visits: [visit('V', '2020-03-18')] }),
      '2020-04-01',
    ).visits;
    assert.deepEqual(
      s.filter((v) => v.name !== 'W52').map((v) => [v.name, v.status, v.visitId]),
      [
        ['Pre', 'missed', null],
        ['W4', 'missed', null],
        ['W12', 'done', 'V'],
      ],
    );
  });
});

test('a repeat infusion supersedes the visits of the previous series due on or after it', () => {
  const timeline = subject({ infusions: [infusion('2020-01-01'), infusion('2020-03-25')] });
  const s = buildSchedule(protocol, timeline, '2020-03-26').visits;
  assert.deepEqual(
    s.map((v) => [v.name, v.infusion, v.targetDate]),
    [
      ['Pre', 1, '2020-01-01'],
      ['W4', 1, '2020-01-29'],
      // W12 of infusion 1 (target 2020-03-25) is superseded by infusion 2 on that day.
      ['Pre', 2, '2020-03-25'],
      ['W4', 2, '2020-04-22'],
      ['W12', 2, '2020-06-17'],
      ['W52', 2, '2021-03-24'],
    ],
  );
  const dayBefore = subject({ infusions: [infusion('2020-01-01'), infusion('2020-03-26')] });
  assert.ok(
    buildSchedule(protocol, dayBefore, '2020-03-27').visits.some(
      (v) => v.name === 'W12' && v.infusion === 1,
    ),
  );
});

test('after a withdrawal only the visits done, or closed before it, remain', () => {
  const visits = [visit('P', '2019-12-20')];
  const s = buildSchedule(
    protocol,
    infused({ withdrawalDate: '2020-01-22', visits }),
    '2020-06-01',
  );
  // W4's window (2020-01-22 to 2020-02-05) was open on the day of withdrawal: no longer expected.
  assert.deepEqual(
    s.visits.map((v) => [v.name, v.status]),
    [['Pre', 'done']],
  );
  const late = buildSchedule(
    protocol,
    infused({ withdrawalDate: '2020-02-20', visits }),
    '2020-06-01',
  );
  assert.deepEqual(
    late.visits.map((v) => [v.name, v.status]),
    [
      ['Pre', 'done'],
      ['W4', 'missed'],
    ],
  );
});

test('no visit on or after a repeat infusion fulfils a visit of the earlier series', () => {
  // W12 of infusion 1 (target 2020-03-25, window to 2020-04-01) against a repeat on 2020-03-28.
  const timeline = subject({
    infusions: [infusion('2020-01-01'), infusion('2020-03-28')],
    visits: [visit('AFTER', '2020-03-30')],
  });
  const w12 = buildSchedule(protocol, timeline, '2020-05-01').visits.find(
    (v) => v.name === 'W12' && v.infusion === 1,
  );
  assert.deepEqual([w12?.status, w12?.visitId], ['missed', null]);
});

test('study days count from the first infusion as day 1, with no day 0', () => {
  const timeline = infused({
    visits: [visit('A', '2019-12-31'), visit('B', '2020-01-01'), visit('C', '2020-01-29')],
  });
  const s = buildSchedule(protocol, timeline, '2020-02-01');
  assert.equal(s.studyDayOne, '2020-01-01');
  assert.deepEqual(
    s.studyDays.map((d) => [d.visitId, d.studyDay]),
    [
      ['A', -1],
      ['B', 1],
      ['C', 29],
    ],
  );
  assert.equal(
    buildSchedule(protocol, subject({ visits: [visit('A', '2019-12-31')] }), '2020-02-01')
      .studyDays[0]?.studyDay,
    null,
  );
});
