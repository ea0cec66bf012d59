import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pseudonymDayOne, pseudonymise } from './pseudonymise.js';
import { RECORD_TYPES } from './records.js';

const subject = {
  subjectId: 'D01',
  site: 'UMCU',
  sex: 'F',
  birthDate: '2002-04',
  ilarCategory: 'polyarticular_rf_negative',
  diagnosisDate: '2005-11-19',
  enrolmentDate: '2015-05-18',
  withdrawalDate: '2016-05-17',
  withdrawalReason: 'moved to Groningen with her aunt',
};

test('dates become CDISC study days from day one; the birth date an age; narrative goes', () => {
  const dayOne = pseudonymDayOne(subject, ['2015-06-05']);
  assert.equal(dayOne, '2015-05-18');
  const out = pseudonymise('subject', subject, dayOne);
  assert.equal(out.enrolmentStudyDay, 1);
  assert.equal(out.withdrawalStudyDay, 366);
  assert.equal(out.diagnosisStudyDay, -3467);
  assert.equal(out.ageAtDayOne, 13);
  assert.equal(out.subjectId, 'D01');
  assert.equal(out.site, 'UMCU');
  for (const gone of [
    'birthDate',
    'enrolmentDate',
    'diagnosisDate',
    'withdrawalDate',
    'withdrawalReason',
  ])
    assert.ok(!(gone in out), gone);
  assert.doesNotMatch(JSON.stringify(out), /Groningen|2015-|2002-/);
});

test('without enrolment, day one is the first visit; no record keeps a calendar date', () => {
  assert.equal(
    pseudonymDayOne({ ...subject, enrolmentDate: null }, ['2016-02-01', '2015-09-01']),
    '2015-09-01',
  );
  for (const type of RECORD_TYPES) {
    const record = Object.fromEntries(
      type.fields.map((f) => [
        f.key,
        f.type === 'date' ? '2016-01-01' : f.type === 'partial_date' ? '2010-01' : 'x',
      ]),
    );
    const out = pseudonymise(type.id, record, '2015-12-31');
    assert.doesNotMatch(JSON.stringify(out), /2016-01-01|2010-01/, type.id);
  }
});
