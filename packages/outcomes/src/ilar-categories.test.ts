import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ILAR_CATEGORIES,
  ILAR_CATEGORY_CODES,
  ILAR_EXCLUSIONS,
  ILAR_GENERAL_CRITERIA,
  type IlarCategory,
  type IlarCourse,
  type IlarExclusion,
  ilarCategoriesMeasure,
  isIlarCategory,
  parseIlarCategory,
} from './ilar-categories.js';

/**
 * Code, course (Consolaro 2012's course groups; docs/clinical/ilar-categories.md) and exclusions
 * (Petty 2004, per category as in a textbook table [S]), in ILAR order.
 */
const EXPECTED: readonly [IlarCategory, IlarCourse, readonly IlarExclusion[]][] = [
  ['systemic', 'systemic', ['a', 'b', 'c', 'd']],
  ['oligoarticular_persistent', 'oligoarticular', ['a', 'b', 'c', 'd', 'e']],
  ['oligoarticular_extended', 'polyarticular', ['a', 'b', 'c', 'd', 'e']],
  ['polyarticular_rf_negative', 'polyarticular', ['a', 'b', 'c', 'd', 'e']],
  ['polyarticular_rf_positive', 'polyarticular', ['a', 'b', 'c', 'e']],
  ['psoriatic', 'other', ['b', 'c', 'd', 'e']],
  ['enthesitis_related', 'other', ['a', 'd', 'e']],
  ['undifferentiated', 'other', []],
];

describe('ILAR categories (Petty 2004)', () => {
  it('has the 8 codes in ILAR order, as docs/score-command.md lists them', () => {
    assert.deepEqual(
      ILAR_CATEGORY_CODES,
      EXPECTED.map(([code]) => code),
    );
  });

  for (const [code, course, exclusions] of EXPECTED) {
    it(`${code}: course ${course} (Consolaro 2012 groups), exclusions ${exclusions.join(',') || 'none'} (Petty 2004)`, () => {
      const info = ILAR_CATEGORIES[code];
      assert.equal(info.course, course);
      assert.deepEqual(info.exclusions, exclusions);
      assert.ok(info.name.length > 0);
    });
  }

  it('every exclusion letter used is defined, and every defined letter is used', () => {
    const used = new Set(Object.values(ILAR_CATEGORIES).flatMap((c) => c.exclusions));
    assert.deepEqual([...used].sort(), Object.keys(ILAR_EXCLUSIONS).sort());
  });

  it('systemic JIA (exclusion e) excludes every category but systemic and undifferentiated', () => {
    const withE = ILAR_CATEGORY_CODES.filter((c) =>
      (ILAR_CATEGORIES[c].exclusions as readonly string[]).includes('e'),
    );
    assert.deepEqual(withE, [
      'oligoarticular_persistent',
      'oligoarticular_extended',
      'polyarticular_rf_negative',
      'polyarticular_rf_positive',
      'psoriatic',
      'enthesitis_related',
    ]);
  });

  it('general criteria: onset before 16, arthritis >= 6 weeks (Petty 2004)', () => {
    assert.deepEqual(ILAR_GENERAL_CRITERIA, { onsetBeforeAgeYears: 16, minimumDurationWeeks: 6 });
  });

  it('cites Petty 2004', () => {
    assert.equal(ilarCategoriesMeasure.id, 'ilar-categories');
    assert.deepEqual(ilarCategoriesMeasure.citations, ['petty2004']);
  });
});

describe('isIlarCategory / parseIlarCategory', () => {
  const rows: readonly [string, boolean][] = [
    ...EXPECTED.map(([code]): [string, boolean] => [code, true]),
    ['Systemic', false],
    ['systemic ', false],
    ['oligoarticular', false],
    ['polyarticular_rf-negative', false],
    ['', false],
    ['toString', false],
    ['__proto__', false],
  ];
  for (const [input, valid] of rows) {
    it(`${JSON.stringify(input)} is ${valid ? 'a' : 'not a'} category code`, () => {
      assert.equal(isIlarCategory(input), valid);
      if (valid) assert.equal(parseIlarCategory(input), input);
      else assert.throws(() => parseIlarCategory(input), RangeError);
    });
  }

  it('names the bad value and lists every valid code in the error', () => {
    assert.throws(
      () => parseIlarCategory('oligo'),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /unknown ILAR category: "oligo"/);
        for (const code of ILAR_CATEGORY_CODES) assert.ok(error.message.includes(code), code);
        return true;
      },
    );
  });
});
