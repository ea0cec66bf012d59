import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { day } from './dates.js';
import { defineProtocol, type RegisteredIndication } from './definition.js';
import { registrationOn } from './medicines.js';
import { testProtocol } from './test-protocol.fixture.js';
import { infusion, medication, subject } from './timeline-builder.js';

const DRUGS = [
  { drug: 'etanercept', drugClass: 'biologic' as const, target: 'TNF' },
  { drug: 'abatacept', drugClass: 'biologic' as const, target: 'CTLA4-Ig' },
];

function history(...versions: RegisteredIndication['history']): RegisteredIndication {
  return {
    drug: 'x',
    brand: 'X',
    target: 'TNF',
    kind: 'biological',
    ilarCategory: 'polyarticular_rf_negative',
    history: versions,
  };
}
const v = (from: string | null, minAgeYears: number, extra = {}) => ({
  from,
  minAgeYears,
  evidence: 'D' as const,
  source: 'test',
  ...extra,
});
const on = (
  indication: RegisteredIndication,
  date: string,
  fields: Parameters<typeof subject>[0] = {},
) => registrationOn(indication, subject(fields), day(date), DRUGS).status;

describe('an indication whose minimum age changed (etanercept pJIA: 4 years from 2000-02, 2 years from a day in 2008-11..2012-08)', () => {
  const etanercept = history(v('2000-02', 4), v('2008-11..2012-08', 2));
  const born = (birthDate: string) => ({ birthDate });
  test('a 3-year-old: not on label before the change, open during its range, on label after', () => {
    assert.equal(on(etanercept, '2008-10-31', born('2005-01-01')), 'not_registered');
    assert.equal(on(etanercept, '2008-11-01', born('2005-01-01')), 'unknown');
    // The range's last day is the first on which the change has certainly happened.
    assert.equal(on(etanercept, '2012-08-30', born('2009-06-01')), 'unknown');
    assert.equal(on(etanercept, '2012-08-31', born('2009-06-01')), 'registered');
  });
  test('a 5-year-old: on label under both wordings once the first is certainly in force', () => {
    assert.equal(on(etanercept, '2000-01-31', born('1995-01-01')), 'not_registered');
    // Authorised in February 2000: open on its last day but one, certain on its last.
    assert.equal(on(etanercept, '2000-02-28', born('1995-01-01')), 'unknown');
    assert.equal(on(etanercept, '2000-02-29', born('1995-01-01')), 'registered');
    assert.equal(on(etanercept, '2000-03-01', born('1995-01-01')), 'registered');
    assert.equal(on(etanercept, '2010-06-01', born('2005-01-01')), 'registered');
  });
  test('the reason names the wording in force and what would settle an open day', () => {
    const open = registrationOn(etanercept, subject(born('2007-01-01')), day('2010-01-01'), DRUGS);
    assert.match(open.why, /the label changed around this day/);
    assert.deepEqual(open.missing, ['the date the x label changed (2000-02, 2008-11..2012-08)']);
    const now = registrationOn(etanercept, subject(born('2005-01-01')), day('2013-01-01'), DRUGS);
    assert.equal(now.why, 'authorised 2000-02; wording in force from 2008-11..2012-08, age 2+');
  });
});

describe('conditions besides age', () => {
  test('a minimum body weight: 40 kg on label, 39.9 kg not, no weight recorded: unknown', () => {
    const golimumab = history(v('2016-06', 0, { minWeightKg: 40 }));
    const weighing = (kg: number) => ({ infusions: [infusion('2017-01-10', { weightKg: kg })] });
    assert.equal(on(golimumab, '2017-01-10', weighing(40)), 'registered');
    assert.equal(on(golimumab, '2017-01-10', weighing(39.9)), 'not_registered');
    const unweighed = registrationOn(golimumab, subject(), day('2017-01-09'), DRUGS);
    assert.deepEqual(
      [unweighed.status, unweighed.missing],
      ['unknown', ['body weight on 2017-01-09']],
    );
  });
  test('only after a TNF inhibitor (abatacept, 2010 wording): failed for inefficacy counts, intolerance does not', () => {
    const abatacept = history(
      v('2010-01', 6, { afterTnfInhibitor: true }),
      v('2019-01..2019-03', 2),
    );
    const tnf = (stopReason: 'inefficacy' | 'intolerance') => ({
      medications: [
        medication('etanercept', 'biologic', '2014-01-01', { stopDate: '2015-01-01', stopReason }),
      ],
    });
    assert.equal(on(abatacept, '2016-01-01'), 'not_registered');
    assert.equal(on(abatacept, '2016-01-01', tnf('inefficacy')), 'registered');
    assert.equal(on(abatacept, '2016-01-01', tnf('intolerance')), 'not_registered');
    // From the 2019 wording on, no TNF inhibitor is needed.
    assert.equal(on(abatacept, '2019-04-01'), 'registered');
    assert.equal(on(abatacept, '2019-02-01'), 'unknown');
  });
  test('a later change whose date was not found leaves open only the children it changes', () => {
    const dropped = history(v('2016-06', 2, { minWeightKg: 40 }), v(null, 2));
    const weighing = (kg: number) => ({ infusions: [infusion('2020-01-10', { weightKg: kg })] });
    assert.equal(on(dropped, '2020-01-10', weighing(45)), 'registered');
    assert.equal(on(dropped, '2020-01-10', weighing(30)), 'unknown');
  });
  test('a first version without a date: unknown, unless the child is too young for every wording', () => {
    const undated = history(v(null, 2));
    assert.equal(on(undated, '2020-01-10'), 'unknown');
    assert.equal(on(undated, '2020-01-10', { birthDate: '2019-01-01' }), 'not_registered');
  });
});

describe('the history is checked when the protocol is defined', () => {
  const withHistory = (versions: unknown[]) => () =>
    defineProtocol({
      ...testProtocol(),
      registeredIndications: [{ ...history(v('2000', 2)), history: versions }],
    });
  test('versions out of order, a reversed range and a malformed date are refused, naming the path', () => {
    assert.throws(
      withHistory([v('2010', 4), v('2008', 2)]),
      /registeredIndications\.0\.history\.1\.from: 2008 is before the previous version's 2010/,
    );
    assert.throws(withHistory([v('2012..2010', 4)]), /registeredIndications\.0\.history\.0\.from/);
    assert.throws(withHistory([v('2010-13', 4)]), /registeredIndications\.0\.history\.0\.from/);
    assert.throws(withHistory([]), /registeredIndications\.0\.history/);
  });
});
