import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageInterval, completedYears, day, partialDateInterval, studyDay } from './dates.js';

test('a partial date stands for every day of its year or month', () => {
  assert.deepEqual(partialDateInterval('2012'), {
    first: day('2012-01-01'),
    last: day('2012-12-31'),
  });
  assert.deepEqual(partialDateInterval('2016-02'), {
    first: day('2016-02-01'),
    last: day('2016-02-29'),
  });
  assert.deepEqual(partialDateInterval('2016-02-10'), {
    first: day('2016-02-10'),
    last: day('2016-02-10'),
  });
  assert.throws(() => partialDateInterval('2016-13'), /not a date/);
  assert.throws(() => day('2016-02-30'), /not a date/);
});

test('age in completed years turns on the birthday, not the day after', () => {
  assert.equal(completedYears(day('2010-06-15'), day('2014-06-14')), 3);
  assert.equal(completedYears(day('2010-06-15'), day('2014-06-15')), 4);
  // Born on 29 February: a year is completed on 1 March in a common year.
  assert.equal(completedYears(day('2012-02-29'), day('2013-02-28')), 0);
  assert.equal(completedYears(day('2012-02-29'), day('2013-03-01')), 1);
});

test('a birth month leaves the age open only around the birthday', () => {
  assert.deepEqual(ageInterval('2010-06', day('2014-05-31')), { min: 3, max: 3 });
  assert.deepEqual(ageInterval('2010-06', day('2014-06-10')), { min: 3, max: 4 });
  assert.deepEqual(ageInterval('2010-06', day('2014-06-30')), { min: 4, max: 4 });
});

test('study day follows CDISC: day 1 is the reference day, the day before is -1, no day 0', () => {
  const ref = day('2020-03-10');
  assert.equal(studyDay(ref, ref), 1);
  assert.equal(studyDay(ref + 1, ref), 2);
  assert.equal(studyDay(ref - 1, ref), -1);
  assert.equal(studyDay(ref - 7, ref), -7);
});
