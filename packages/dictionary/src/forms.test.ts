import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FORMS,
  type FormData,
  type FormFacts,
  formCompletion,
  formDefinition,
  formStatus,
} from './forms.js';
import { isFilled } from './missing-codes.js';
import { recordType } from './records.js';

const NONE = { confirmationCriteria: [] };
const texts = (entries: Record<string, string>) => new Map(Object.entries(entries));
const visitOnly = (entries: Record<string, string>): FormData => ({
  visit: texts(entries),
  records: [],
});

test('every value of a visit belongs to exactly one visit form (identity, units and missing-data codes aside)', () => {
  const visit = recordType('visit');
  const units = new Set(visit.fields.flatMap((f) => (f.unitField ? [f.unitField] : [])));
  // A missing-data code travels with its value's field, as a unit does (ADR 0040).
  const codes = new Set(visit.fields.flatMap((f) => (f.missingField ? [f.missingField] : [])));
  const values = visit.fields
    .map((f) => f.name)
    .filter(
      (name) => !['visit_id', 'subject_id'].includes(name) && !units.has(name) && !codes.has(name),
    );
  const inForms = FORMS.flatMap((f) => f.visitFields);
  assert.deepEqual([...inForms].sort(), [...values].sort());
  for (const form of FORMS)
    for (const alternatives of form.requiredVisitFields)
      for (const name of alternatives)
        assert.ok(form.visitFields.includes(name), `${form.id}.${name}`);
});

test('a value is filled when its text is present and not blank, or a missing-data code says why', () => {
  assert.equal(isFilled('', 'ND'), true, 'a reason for being empty fills the field');
  assert.equal(isFilled('', 'XX'), false, 'not a code of the list');
  assert.equal(isFilled('12'), true);
  assert.equal(isFilled('0'), true, 'zero is a value');
  assert.equal(isFilled(''), false);
  assert.equal(isFilled('  '), false);
  assert.equal(isFilled(undefined), false);
});

const facts = (over: Partial<FormFacts>): FormFacts => ({
  hasAnyData: true,
  requiredFilled: true,
  verified: false,
  signed: false,
  locked: false,
  ...over,
});

test('status: each fact on both sides', () => {
  assert.equal(formStatus(facts({ hasAnyData: false, requiredFilled: false })), 'not_started');
  assert.equal(formStatus(facts({ requiredFilled: false })), 'incomplete');
  assert.equal(formStatus(facts({})), 'complete');
  assert.equal(formStatus(facts({ verified: true })), 'verified');
  assert.equal(formStatus(facts({ signed: true })), 'signed');
  assert.equal(formStatus(facts({ verified: true, signed: true })), 'signed');
  assert.equal(formStatus(facts({ locked: true })), 'locked');
  assert.equal(formStatus(facts({ hasAnyData: false, locked: true })), 'locked');
});

test('status: an incomplete form stays incomplete however much was verified or signed', () => {
  assert.equal(formStatus(facts({ requiredFilled: false, verified: true })), 'incomplete');
  assert.equal(formStatus(facts({ requiredFilled: false, signed: true })), 'incomplete');
  assert.equal(formStatus(facts({ hasAnyData: false, signed: true })), 'not_started');
});

test('visit core set: complete with the date and both global assessments, not without one', () => {
  const form = formDefinition('visit_core');
  const full = { visit_date: '2017-01-01', physician_global: '2', parent_global: '0' };
  assert.deepEqual(formCompletion(form, visitOnly(full), NONE), {
    hasAnyData: true,
    requiredFilled: true,
    missing: [],
  });
  const { parent_global: _, ...lacking } = full;
  assert.deepEqual(formCompletion(form, visitOnly(lacking), NONE).missing, ['parent_global']);
  // A required value may be given as a missing-data code instead (issue 18, ADR 0040).
  const asked = { ...lacking, parent_global_missing: 'ASKU' };
  assert.equal(formCompletion(form, visitOnly(asked), NONE).requiredFilled, true);
  assert.equal(formCompletion(form, visitOnly(lacking), NONE).hasAnyData, true);
});

test('laboratory: the ESR or the CRP completes it; neither leaves it incomplete; nothing is not started', () => {
  const form = formDefinition('laboratory');
  assert.equal(formCompletion(form, visitOnly({ esr: '12' }), NONE).requiredFilled, true);
  assert.equal(formCompletion(form, visitOnly({ crp: '3.1' }), NONE).requiredFilled, true);
  const ferritinOnly = formCompletion(form, visitOnly({ ferritin: '300' }), NONE);
  assert.deepEqual(ferritinOnly, {
    hasAnyData: true,
    requiredFilled: false,
    missing: ['esr or crp'],
  });
  assert.equal(
    formCompletion(form, visitOnly({ visit_date: '2017-01-01' }), NONE).hasAnyData,
    false,
  );
});

test('joint examination: the counts complete it; a finding alone does not', () => {
  const form = formDefinition('joint_examination');
  const finding = texts({
    visit_id: 'V1',
    joint_code: 'knee_l',
    swollen: 'true',
    tender: 'false',
    limited: 'true',
  });
  const onlyFinding = formCompletion(form, { visit: texts({}), records: [finding] }, NONE);
  assert.deepEqual(onlyFinding.missing, ['active_joints', 'limited_joints']);
  assert.equal(onlyFinding.hasAnyData, true);
  const counted = formCompletion(
    form,
    { visit: texts({ active_joints: '1', limited_joints: '1' }), records: [finding] },
    NONE,
  );
  assert.equal(counted.requiredFilled, true);
  const { tender: _, ...rest } = Object.fromEntries(finding);
  const lacking = formCompletion(
    form,
    { visit: texts({ active_joints: '1', limited_joints: '1' }), records: [texts(rest)] },
    NONE,
  );
  assert.deepEqual(lacking.missing, ['1.tender']);
});

test('subject forms: none recorded is not started; one with its required fields is complete', () => {
  const form = formDefinition('adverse_events');
  assert.deepEqual(formCompletion(form, { visit: null, records: [] }, NONE), {
    hasAnyData: false,
    requiredFilled: false,
    missing: ['adverse_event'],
  });
  const ae = Object.fromEntries(
    recordType('adverse_event')
      .fields.filter((f) => f.required)
      .map((f) => [f.name, 'x']),
  );
  assert.equal(
    formCompletion(form, { visit: null, records: [texts(ae)] }, NONE).requiredFilled,
    true,
  );
});

test('eligibility: complete when every criterion to confirm is answered', () => {
  const form = formDefinition('eligibility');
  const answer = (criterion: string) =>
    texts({
      subject_id: 'P1',
      criterion_id: criterion,
      value: 'true',
      assessed_date: '2017-01-01',
    });
  const context = { confirmationCriteria: ['a', 'b'] };
  assert.deepEqual(formCompletion(form, { visit: null, records: [answer('a')] }, context).missing, [
    'b',
  ]);
  assert.equal(
    formCompletion(form, { visit: null, records: [answer('a'), answer('b')] }, context)
      .requiredFilled,
    true,
  );
});
