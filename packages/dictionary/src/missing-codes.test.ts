import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scoreVisit } from '@jia-trial/outcomes';
import { CODE_LISTS, codesOf } from './code-lists.js';
import {
  DATA_ABSENT_REASONS,
  isFilled,
  MISSING_CODES,
  missingFieldKey,
  withMissingCodes,
} from './missing-codes.js';
import { checkRecordRules } from './record-rules.js';
import { recordType, VISIT_FIELDS_ACCEPTING_MISSING_CODES } from './records.js';
import type { FieldDefinition } from './types.js';
import { isRequiredAndEmpty, validateRecordValues } from './validate-values.js';
import {
  explainAgainstReference,
  scoreAgainstReference,
  type VisitKeyAcceptingMissingCode,
  type VisitRecord,
} from './visit-scoring.js';

const VISIT = recordType('visit');

describe('the missing-data code list', () => {
  it('is the four codes, each mapped to a FHIR R4 DataAbsentReason code', () => {
    assert.deepEqual(codesOf('missing_reason'), ['ND', 'NA', 'UNK', 'ASKU']);
    assert.deepEqual(
      MISSING_CODES.map((c) => DATA_ABSENT_REASONS[c].code),
      ['not-performed', 'not-applicable', 'unknown', 'asked-unknown'],
    );
    assert.match(CODE_LISTS.missing_reason.source, /DataAbsentReason/);
  });
});

describe('isFilled (what counts as filled for a form, for every form-status check)', () => {
  it('a value is filled, false and 0 included', () => {
    assert.equal(isFilled(0, null), true);
    assert.equal(isFilled(false, undefined), true);
    assert.equal(isFilled('2020-01-01', null), true);
  });
  it('a plain blank is not filled', () => {
    assert.equal(isFilled(null, null), false);
    assert.equal(isFilled(undefined, undefined), false);
    assert.equal(isFilled('', null), false);
  });
  it('a blank with a missing-data code is filled; an unknown code is not one', () => {
    for (const code of MISSING_CODES) assert.equal(isFilled(null, code), true, code);
    assert.equal(isFilled(null, 'NOT_DONE'), false);
    assert.equal(isFilled(null, ''), false);
  });
});

describe('the visit fields that accept a code', () => {
  it('each has its companion code field, of the missing_reason list, after every other field', () => {
    const names = VISIT.fields.map((f) => f.name);
    const firstCompanion = names.findIndex((n) => n.endsWith('_missing'));
    for (const name of VISIT_FIELDS_ACCEPTING_MISSING_CODES) {
      const field = VISIT.fields.find((f) => f.name === name) as FieldDefinition;
      assert.equal(field.missingField, `${name}_missing`);
      const companion = VISIT.fields.find((f) => f.name === `${name}_missing`) as FieldDefinition;
      assert.equal(companion.codeList, 'missing_reason');
      assert.equal(companion.missingFor, name);
      assert.equal(companion.key, missingFieldKey(field.key));
      assert.ok(names.indexOf(companion.name) >= firstCompanion);
    }
    assert.ok(names.slice(firstCompanion).every((n) => n.endsWith('_missing')));
  });
  it('the TypeScript keys (VisitKeyAcceptingMissingCode) are the dictionary fields', () => {
    const keys: Record<VisitKeyAcceptingMissingCode, true> = {
      physicianGlobal: true,
      parentGlobal: true,
      chaqDi: true,
      activeJoints: true,
      limitedJoints: true,
      esr: true,
      crp: true,
      morningStiffnessMinutes: true,
      systemicFeatures: true,
      activeUveitis: true,
      fever: true,
      ferritin: true,
      platelets: true,
      ast: true,
      triglycerides: true,
      fibrinogen: true,
      ldh: true,
      cnsInvolvement: true,
      haemorrhagicManifestations: true,
    };
    assert.deepEqual(
      Object.keys(keys).sort(),
      VISIT.fields
        .filter((f) => f.missingField)
        .map((f) => f.key)
        .sort(),
    );
  });
  it('refuses a field named to accept a code that does not exist', () => {
    assert.throws(
      () => withMissingCodes(VISIT.fields, ['no_such_field']),
      /no field no_such_field/,
    );
  });
});

describe('a value or a code, never both', () => {
  const visit = { subjectId: 'P1', visitId: 'V1', visitDate: '2020-01-07' };
  it('accepts a code for an empty field', () => {
    assert.deepEqual(validateRecordValues('visit', { ...visit, esrMissing: 'ND' }), []);
  });
  it('refuses a code beside a value, naming both', () => {
    const issues = validateRecordValues('visit', { ...visit, esr: 12, esrMissing: 'ND' });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, 'esrMissing');
    assert.match(issues[0]?.message ?? '', /ND \(not done\) is given with a value of esr \(12\)/);
  });
  it('a false finding is a value too', () => {
    const problems = checkRecordRules(
      'visit',
      new Map<string, string | boolean>([
        ['fever', false],
        ['fever_missing', 'UNK'],
      ]),
    );
    assert.deepEqual(
      problems.map((p) => p.field),
      ['fever_missing'],
    );
  });
  it('refuses a code that is not of the list', () => {
    const issues = validateRecordValues('visit', { ...visit, esrMissing: 'NOT DONE' });
    assert.equal(issues[0]?.path, 'esrMissing');
    assert.match(issues[0]?.message ?? '', /NOT DONE/);
  });
});

describe('a required field accepts a code instead of a value', () => {
  const [required] = withMissingCodes(
    [
      {
        name: 'grade',
        key: 'grade',
        label: 'Grade',
        type: 'integer',
        required: true,
        storage: 'integer',
      },
    ],
    ['grade'],
  ) as [FieldDefinition];
  const { missingField: _companion, ...plain } = required;
  it('with a code it is not required and empty', () => {
    assert.equal(isRequiredAndEmpty(required, { gradeMissing: 'UNK' }), false);
  });
  it('blank, or with a code it does not accept, it is', () => {
    assert.equal(isRequiredAndEmpty(required, {}), true);
    assert.equal(isRequiredAndEmpty(required, { gradeMissing: 'maybe' }), true);
    assert.equal(isRequiredAndEmpty(plain, { gradeMissing: 'UNK' }), true);
  });
});

describe('scores read a coded field as missing, and say why', () => {
  const baseline: VisitRecord = {
    visitId: 'BL',
    subjectId: 'S',
    visitDate: '2020-01-01',
    ilarCategory: 'polyarticular_rf_negative',
    physicianGlobal: 7,
    parentGlobal: 7,
    chaqDi: 1.5,
    activeJoints: 10,
    limitedJoints: 8,
    esrMissing: 'NA',
  };
  const blank: VisitRecord = {
    visitId: 'W8',
    subjectId: 'S',
    visitDate: '2020-03-01',
    ilarCategory: 'polyarticular_rf_negative',
    physicianGlobal: 1,
    parentGlobal: 1,
    activeJoints: 2,
    limitedJoints: 1,
  };
  const coded: VisitRecord = { ...blank, esrMissing: 'ND', chaqDiMissing: 'ASKU' };
  it('the scores of a coded visit are those of the same visit left blank', () => {
    assert.deepEqual(
      scoreAgainstReference(coded, baseline),
      scoreAgainstReference(blank, baseline),
    );
    assert.equal(scoreAgainstReference(coded, baseline).jadas10, null);
    assert.deepEqual(
      scoreAgainstReference(coded, null),
      scoreVisit({ ...blank, activeJoints27: null } as never, null),
    );
  });
  it('names the code of each coded input, the visit first, then its reference', () => {
    const reasons = explainAgainstReference(coded, baseline);
    assert.deepEqual(reasons.missingCodes, {
      chaqDi: { code: 'ASKU', at: 'visit' },
      esr: { code: 'ND', at: 'visit' },
    });
    assert.ok(reasons.inactiveDisease.missing.length > 0);
    const onlyBaseline = explainAgainstReference(blank, baseline);
    assert.deepEqual(onlyBaseline.missingCodes, { esr: { code: 'NA', at: 'reference' } });
  });
  it('a blank input has no code', () => {
    assert.deepEqual(explainAgainstReference(blank, null).missingCodes, {});
  });
});
