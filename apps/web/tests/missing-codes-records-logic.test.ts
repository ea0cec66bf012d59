/**
 * The record forms' missing-data codes without a browser (ADR 0040): a blank field's code is
 * sent with it; a value typed since wins and its code is dropped; a required field that accepts
 * a code (an eligibility answer) may be sent with the code alone, and without either is
 * required.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bodyOfValues, emptyValues } from '../src/components/records/record-form.js';

const infusion = (values: Record<string, string>) => ({
  ...emptyValues('infusion'),
  infusionDate: '2017-12-21',
  weightKg: '45',
  cellsPerKg: '2000000',
  totalCells: '90000000',
  productLot: 'L1',
  infusionReaction: 'false',
  ...values,
});

describe('record form: missing-data codes', () => {
  test("a blank field's code is sent; a value typed since drops it", () => {
    const coded = bodyOfValues('infusion', 'D01', infusion({ volumeMlMissing: 'ND' }));
    assert.deepEqual(coded.problems, []);
    assert.equal(coded.body.volumeMl, null);
    assert.equal(coded.body.volumeMlMissing, 'ND');
    const typed = bodyOfValues(
      'infusion',
      'D01',
      infusion({ volumeMl: '50', volumeMlMissing: 'ND' }),
    );
    assert.equal(typed.body.volumeMl, 50);
    assert.equal(typed.body.volumeMlMissing, null);
  });

  test('a required eligibility answer: the code alone is enough; neither is required', () => {
    const answer = (values: Record<string, string>) =>
      bodyOfValues('eligibility_assessment', 'D01', {
        ...emptyValues('eligibility_assessment'),
        criterionId: 'infection_or_malignancy',
        assessedDate: '2017-01-10',
        ...values,
      });
    const coded = answer({ valueMissing: 'UNK' });
    assert.deepEqual(coded.problems, []);
    assert.equal(coded.body.value, null);
    assert.equal(coded.body.valueMissing, 'UNK');
    assert.deepEqual(answer({}).problems, [{ path: 'value', message: 'is required' }]);
  });
});
