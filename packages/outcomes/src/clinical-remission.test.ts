import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateClinicalRemission, type RemissionVisit } from './clinical-remission.js';

/** A visit every `step` days from day 0; `pattern` gives [inactive, onMedication] per visit. */
function series(
  step: number,
  pattern: readonly [boolean | null, boolean | null][],
): RemissionVisit[] {
  return pattern.map(([inactive, onMedication], i) => ({ day: i * step, inactive, onMedication }));
}

describe('clinical remission (Wallace 2004)', () => {
  it('on medication: 6 continuous months of inactive disease', () => {
    const visits = series(
      61,
      Array.from({ length: 4 }, () => [true, true] as [boolean, boolean]),
    );
    assert.equal(evaluateClinicalRemission(visits, 183).value, 'on_medication'); // 183 >= 182.6 days
    assert.equal(evaluateClinicalRemission(visits, 182).value, 'none'); // last visit day 122
  });

  it('off medication: 12 continuous months with no medication', () => {
    const visits = series(
      92,
      Array.from({ length: 5 }, () => [true, false] as [boolean, boolean]),
    );
    const result = evaluateClinicalRemission(visits, 368);
    assert.equal(result.value, 'off_medication');
    assert.equal(result.inactiveSince, 0);
  });

  it('off medication counts the last 12 months even after an earlier treated stretch', () => {
    const visits = series(92, [
      [true, true],
      [true, true],
      [true, false],
      [true, false],
      [true, false],
      [true, false],
      [true, false],
    ]);
    assert.equal(evaluateClinicalRemission(visits, 552).value, 'off_medication');
  });

  it('is undeterminable when a medication flag in the 12-month window is unknown', () => {
    const visits = series(92, [
      [true, true],
      [true, true],
      [true, false],
      [true, null],
      [true, false],
      [true, false],
      [true, false],
    ]);
    // Filled in as false this is off-medication remission; as true, on-medication.
    assert.equal(evaluateClinicalRemission(visits, 552).value, null);
  });

  it('a non-inactive visit resets the clock', () => {
    const visits = series(61, [
      [true, true],
      [true, true],
      [false, true],
      [true, true],
      [true, true],
    ]);
    const result = evaluateClinicalRemission(visits, 244);
    assert.equal(result.value, 'none');
    assert.equal(result.inactiveSince, 183);
  });

  it('a gap longer than 4 months makes a short run undeterminable', () => {
    const visits: RemissionVisit[] = [
      { day: 0, inactive: true, onMedication: true },
      { day: 150, inactive: true, onMedication: true },
      { day: 200, inactive: true, onMedication: true },
    ];
    const result = evaluateClinicalRemission(visits, 200);
    assert.equal(result.value, null);
    assert.deepEqual(result.missing, ['continuity']);
  });

  it('is none when the evaluation visit is not inactive, and undeterminable when unknown', () => {
    assert.equal(
      evaluateClinicalRemission(
        series(30, [
          [true, true],
          [false, true],
        ]),
        30,
      ).value,
      'none',
    );
    assert.equal(
      evaluateClinicalRemission(
        series(30, [
          [true, true],
          [null, true],
        ]),
        30,
      ).value,
      null,
    );
    assert.equal(evaluateClinicalRemission([], 30).value, null);
  });
});
