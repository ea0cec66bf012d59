/**
 * The visit form's missing-data codes (ADR 0040), without a browser: a "why empty?" code goes
 * into the record only for an empty field; a value typed since wins; a joint examination not
 * done leaves both counts empty instead of counting an empty body map as every joint normal; the
 * live scores name the code of a missing input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { whyMissing } from '../src/visit/missing-reasons.js';
import { type VisitFormValues, visitRecordOf } from '../src/visit/visit-form.js';

const form = (fields: Record<string, string>, joints: VisitFormValues['joints'] = {}) =>
  ({
    visitId: 'V9',
    fields: { visitDate: '2020-01-01', ...fields },
    joints,
    chaq: {},
    reason: '',
  }) as VisitFormValues;

describe('visitRecordOf with missing-data codes', () => {
  test('a code for an empty field is kept; an empty choice is no code', () => {
    const record = visitRecordOf('P1', form({ esr: '', esrMissing: 'ND', crpMissing: '' }));
    assert.equal(record.esr, null);
    assert.equal(record.esrMissing, 'ND');
    assert.equal(record.crpMissing, null);
  });

  test('a value typed after a code wins: the code is dropped, never sent beside it', () => {
    const record = visitRecordOf(
      'P1',
      form({ esr: '12', esrMissing: 'ND', fever: 'no', feverMissing: 'UNK' }),
    );
    assert.equal(record.esr, 12);
    assert.equal(record.esrMissing, null);
    assert.equal(record.fever, false);
    assert.equal(record.feverMissing, null);
  });

  test('a joint examination not done: no counts, the code on both', () => {
    const record = visitRecordOf('P1', form({ activeJointsMissing: 'ND' }));
    assert.equal(record.activeJoints, null);
    assert.equal(record.limitedJoints, null);
    assert.equal(record.activeJointCodes, null);
    assert.equal(record.activeJointsMissing, 'ND');
    assert.equal(record.limitedJointsMissing, 'ND');
  });

  test('an examined body map counts, and drops a stale "not done"', () => {
    const examined = visitRecordOf(
      'P1',
      form(
        { activeJointsMissing: 'ND' },
        { knee_l: { swollen: true, tender: false, limited: false } },
      ),
    );
    assert.equal(examined.activeJoints, 1);
    assert.equal(examined.activeJointsMissing, null);
    assert.equal(examined.limitedJointsMissing, null);
    const blank = visitRecordOf('P1', form({}));
    assert.equal(blank.activeJoints, 0, 'an empty body map without a code: every joint normal');
  });
});

describe('whyMissing: the live scores name the code', () => {
  test("the visit's own code, then the baseline's, and a derived input by its parts", () => {
    assert.equal(whyMissing('esr', { esr: { code: 'ND', at: 'visit' } }), 'missing (not done)');
    assert.equal(
      whyMissing('physicianGlobal', { physicianGlobal: { code: 'ASKU', at: 'reference' } }),
      'missing (asked but unknown at the baseline)',
    );
    assert.equal(
      whyMissing('acutePhaseReactant', { crp: { code: 'NA', at: 'visit' } }),
      'missing (not applicable)',
    );
    assert.equal(whyMissing('esr', {}), null);
  });
});
