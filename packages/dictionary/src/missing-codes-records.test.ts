/**
 * Missing-data codes on the record types other than the visit (ADR 0040, "Which fields"): the
 * fields named, their companions, the one required field that takes a code (an eligibility
 * answer), "a value or a code, never both", the protocol engine reading a coded answer as no
 * answer, and the quality checks' expected-but-missing counting a code as filled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MISSING_CODES } from './missing-codes.js';
import { runQualityRules } from './quality/run-rules.js';
import { checkRecordRules } from './record-rules.js';
import {
  ELIGIBILITY_FIELDS_ACCEPTING_MISSING_CODES,
  INFUSION_FIELDS_ACCEPTING_MISSING_CODES,
  MEDICATION_FIELDS_ACCEPTING_MISSING_CODES,
  RECORD_TYPES,
  recordType,
} from './records.js';
import { subjectTimelines } from './timelines.js';
import type { RecordTypeId } from './types.js';
import { validateRecordValues } from './validate-values.js';

const ACCEPTING: Readonly<Partial<Record<RecordTypeId, readonly string[]>>> = {
  medication: MEDICATION_FIELDS_ACCEPTING_MISSING_CODES,
  infusion: INFUSION_FIELDS_ACCEPTING_MISSING_CODES,
  eligibility_assessment: ELIGIBILITY_FIELDS_ACCEPTING_MISSING_CODES,
};

describe('the fields of the other record types that accept a code', () => {
  it('are exactly the listed ones, each with a companion of the missing_reason list', () => {
    for (const record of RECORD_TYPES) {
      if (record.id === 'visit') continue;
      const named = record.fields.filter((f) => f.missingField).map((f) => f.name);
      assert.deepEqual(named.sort(), [...(ACCEPTING[record.id] ?? [])].sort(), record.id);
      for (const name of named) {
        const companion = record.fields.find((f) => f.missingFor === name);
        assert.equal(companion?.name, `${name}_missing`);
        assert.equal(companion?.codeList, 'missing_reason');
        assert.equal(companion?.required, false);
      }
    }
  });

  it('never a key, a date or a time that places the record', () => {
    for (const record of RECORD_TYPES)
      for (const field of record.fields.filter((f) => f.missingField)) {
        assert.ok(!record.key.includes(field.name), `${record.id}.${field.name} is a key`);
        assert.notEqual(field.type, 'date', `${record.id}.${field.name}`);
        assert.notEqual(field.type, 'id', `${record.id}.${field.name}`);
      }
  });

  it("not an AE's grade, seriousness or relatedness, nor an infusion's dose, weight, lot or reaction", () => {
    const refused = {
      adverse_event: ['grade', 'serious', 'related', 'outcome', 'action_taken'],
      infusion: ['weight_kg', 'cells_per_kg', 'total_cells', 'product_lot', 'infusion_reaction'],
    } as const;
    for (const [type, names] of Object.entries(refused))
      for (const name of names)
        assert.equal(
          recordType(type as RecordTypeId).fields.find((f) => f.name === name)?.missingField,
          undefined,
          `${type}.${name}`,
        );
  });
});

const answer = (values: Record<string, unknown>) => ({
  subjectId: 'P01',
  criterionId: 'infection_or_malignancy',
  assessedDate: '2019-02-04',
  ...values,
});

describe('an eligibility answer (required) takes a code instead of a value', () => {
  it('with a code and no value it is valid', () => {
    for (const code of MISSING_CODES)
      assert.deepEqual(
        validateRecordValues('eligibility_assessment', answer({ valueMissing: code })),
        [],
        code,
      );
  });

  it('with neither it is required; with both it is refused at the code', () => {
    assert.deepEqual(validateRecordValues('eligibility_assessment', answer({})), [
      { path: 'value', message: 'is required' },
    ]);
    const both = checkRecordRules(
      'eligibility_assessment',
      new Map<string, string | boolean>([
        ['value', true],
        ['value_missing', 'UNK'],
      ]),
    );
    assert.equal(both.length, 1);
    assert.equal(both[0]?.field, 'value_missing');
    assert.match(both[0]?.message ?? '', /not both/);
  });

  it('the protocol engine reads it as no answer: the criterion stays unknown', () => {
    const row = (value: Record<string, string>) =>
      new Map(
        Object.entries({
          subject_id: 'P01',
          criterion_id: 'infection_or_malignancy',
          assessed_date: '2019-02-04',
          ...value,
        }),
      );
    const timelines = (eligibility: ReadonlyMap<string, string>[]) =>
      subjectTimelines({
        subjects: [
          new Map([
            ['subject_id', 'P01'],
            ['sex', 'F'],
            ['birth_date', '2010-01'],
            ['ilar_category', 'systemic'],
            ['diagnosis_date', '2015-01-01'],
          ]),
        ],
        medications: [],
        infusions: [],
        adverseEvents: [],
        eligibility,
        visits: [],
      });
    assert.deepEqual(timelines([row({ value: 'false' })])[0]?.confirmations, {
      infection_or_malignancy: { value: false, date: '2019-02-04' },
    });
    assert.deepEqual(timelines([row({ value_missing: 'UNK' })])[0]?.confirmations, {});
  });
});

describe("the quality checks' expected-but-missing", () => {
  it('counts a vital sign given as a code as recorded, a plain blank as missing', () => {
    const infusion = (values: Record<string, unknown>) => ({
      subjectId: 'P01',
      infusionDate: '2019-02-04',
      weightKg: 30,
      cellsPerKg: 2e6,
      totalCells: 6e7,
      productLot: 'L1',
      infusionReaction: false,
      ...values,
    });
    const findings = (record: Record<string, unknown>) =>
      runQualityRules(
        {
          rules: [
            {
              kind: 'expected',
              id: 'vitals_recorded',
              recordType: 'infusion',
              fields: ['pre_heart_rate'],
              source: 'test',
            },
          ],
        } as unknown as Parameters<typeof runQualityRules>[0],
        {
          studyId: 'pilot',
          subjectId: 'P01',
          records: new Map([['infusion', [record]]]),
          evaluation: null,
        } as unknown as Parameters<typeof runQualityRules>[1],
      );
    assert.equal(findings(infusion({})).length, 1);
    assert.equal(findings(infusion({ preHeartRate: 90 })).length, 0);
    assert.equal(findings(infusion({ preHeartRateMissing: 'ND' })).length, 0);
  });
});
