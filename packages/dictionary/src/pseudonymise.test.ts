import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pseudonymDayOne, pseudonymise } from './pseudonymise.js';
import { RECORD_TYPES, recordType } from './records.js';
import { subjectTimelines, visitObservationOf } from './timelines.js';
import type { FieldDefinition, RecordTypeId } from './types.js';

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

test('no narrative field reaches a subject timeline, so nothing computed from them (the report) has one', () => {
  const NARRATIVE = 'words of a person';
  const cell = (f: FieldDefinition): string | null => {
    if (f.narrative) return NARRATIVE;
    if (f.type === 'code' || f.type === 'codes') return null;
    if (f.type === 'date') return '2020-01-01';
    if (f.type === 'partial_date') return '2010-01';
    if (f.type === 'boolean') return 'true';
    if (f.type === 'integer' || f.type === 'decimal' || f.type === 'chaq_score') return '1';
    return f.name === 'subject_id' ? 'S1' : 'x';
  };
  const row = (type: RecordTypeId) =>
    new Map(
      recordType(type).fields.flatMap((f) => {
        const value = cell(f);
        return value === null ? [] : [[f.name, value] as const];
      }),
    );
  const narrative = RECORD_TYPES.flatMap((t) => t.fields.filter((f) => f.narrative));
  assert.ok(narrative.length > 0, 'the dictionary has narrative fields to keep out');
  const timelines = subjectTimelines({
    subjects: [row('subject')],
    medications: [row('medication')],
    infusions: [row('infusion')],
    adverseEvents: [row('adverse_event')],
    eligibility: [row('eligibility_assessment')],
    visits: [
      ['S1', { visitId: 'V1', date: '2020-01-01', observation: visitObservationOf(row('visit')) }],
    ],
  });
  assert.equal(timelines[0]?.adverseEvents.length, 1, 'every record type read');
  assert.doesNotMatch(JSON.stringify(timelines), new RegExp(NARRATIVE));
});
