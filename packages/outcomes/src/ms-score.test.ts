import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MS_SCORE_COEFFICIENTS,
  MS_SCORE_CUTOFF,
  MS_SCORE_INPUTS,
  type MsScoreInput,
  msScoreMeasure,
  scoreMsScore,
} from './ms-score.js';

/** CNS, haemorrhage, arthritis (0/1), PLT x10^9/L, LDH U/L, fibrinogen mg/dL, ferritin ng/mL. */
function ms(
  cns: 0 | 1,
  haem: 0 | 1,
  arth: 0 | 1,
  platelets: number,
  ldh: number,
  fibrinogen: number,
  ferritin: number,
): MsScoreInput {
  return {
    cnsInvolvement: cns === 1,
    haemorrhagicManifestations: haem === 1,
    activeArthritis: arth === 1,
    platelets: { value: platelets, unit: '10^9/L' },
    ldh,
    fibrinogen: { value: fibrinogen, unit: 'mg/dL' },
    ferritin: { value: ferritin, unit: 'ng/mL' },
  };
}

type Row = readonly [label: string, input: MsScoreInput, value: number, band: 'mas' | 'no_mas'];

const ROWS: readonly Row[] = [
  [
    'Minoia 2019 Table 4 coefficients: no CNS, haemorrhage or arthritis, ferritin 10000',
    ms(0, 0, 0, 100, 1000, 150, 10000),
    1.1,
    'mas',
  ],
  [
    'Minoia 2019 Table 4 coefficients: active arthritis, PLT 450, ferritin 500',
    ms(0, 0, 1, 450, 300, 600, 500),
    -4.7,
    'no_mas',
  ],
  [
    'labs at the Ravelli 2016 thresholds do not reach the MS cut-off (Minoia 2019)',
    ms(0, 0, 1, 181, 500, 360, 684),
    -2.7146,
    'no_mas',
  ],
  [
    'Minoia 2019 Table 4 coefficients: CNS and haemorrhage, ferritin 50000',
    ms(1, 1, 0, 50, 3000, 100, 50000),
    11.43,
    'mas',
  ],
  [
    'Minoia 2019 cut-off: MS exactly -2.1 is >= -2.1',
    ms(0, 0, 1, 200, 300, 200, 3000),
    -2.1,
    'mas',
  ],
  [
    'Minoia 2019 cut-off: MS -2.1001 is below -2.1',
    ms(0, 0, 1, 200, 300, 200, 2999),
    -2.1001,
    'no_mas',
  ],
  [
    'Minoia 2019 cut-off: MS -2.0999 is above -2.1',
    ms(0, 0, 1, 200, 300, 200, 3001),
    -2.0999,
    'mas',
  ],
  [
    'Minoia 2019 range: below the published minimum -8.4 the score is not clamped',
    ms(0, 0, 1, 2000, 0, 700, 0),
    -10.1,
    'no_mas',
  ],
  [
    'Minoia 2019 range: beyond the published maximum 41.8 the score is not clamped',
    ms(1, 1, 0, 10, 10000, 50, 400000),
    53.75,
    'mas',
  ],
  ['an all-zero input scores 0, which is >= -2.1', ms(0, 0, 0, 0, 0, 0, 0), 0, 'mas'],
];

describe('MS score (Minoia 2019)', () => {
  for (const [label, input, value, band] of ROWS) {
    it(`${label}: MS = ${value} -> ${band}`, () => {
      const result = scoreMsScore(input);
      assert.equal(result.value, value);
      assert.equal(String(result.value), String(value), 'printed without binary noise');
      assert.equal(result.band, band);
      assert.equal(result.complete, true);
      assert.deepEqual(result.missing, []);
    });
  }

  it('decides the -2.1 cut-off on the exact score, where naive floating point misses it', () => {
    // -0.003*110 + 0.001*100 - 0.004*470 + 0.0001*100 = -2.1 exactly; doubles give
    // -2.1000000000000005, which would fall below the cut-off.
    const naive = -0.003 * 110 + 0.001 * 100 - 0.004 * 470 + 0.0001 * 100;
    assert.ok(naive < -2.1);
    const result = scoreMsScore(ms(0, 0, 0, 110, 100, 470, 100));
    assert.equal(result.value, -2.1);
    assert.equal(result.band, 'mas');
    assert.ok(Object.is(scoreMsScore(ms(0, 0, 0, 0, 0, 0, 0)).value, 0), 'no negative zero');
  });

  it('converts fibrinogen g/L, ferritin ug/L and platelets x10^3/uL exactly', () => {
    const si: MsScoreInput = {
      ...ms(0, 0, 1, 181, 500, 360, 684),
      platelets: { value: 181, unit: '10^3/uL' },
      fibrinogen: { value: 3.6, unit: 'g/L' },
      ferritin: { value: 684, unit: 'ug/L' },
    };
    assert.equal(scoreMsScore(si).value, -2.7146);
  });

  it('rounds the exact sum once to 6 decimals, ties towards +infinity (as toMicro)', () => {
    // -0.004 * 0.1234 = -0.0004936; 0.0001 * 0.005 = 0.0000005; -0.003 * 0.0005 = -0.0000015.
    assert.equal(scoreMsScore(ms(0, 0, 0, 0, 0, 0.1234, 0)).value, -0.000494);
    assert.equal(scoreMsScore(ms(0, 0, 0, 0, 0, 0, 0.005)).value, 0.000001);
    assert.equal(scoreMsScore(ms(0, 0, 0, 0.0005, 0, 0, 0)).value, -0.000001);
  });

  it('stays exact through the BigInt path for huge laboratory values', () => {
    // 0.0001 * 9e8 + 2.44 = 90002.44; the 10^-10 sum of these terms exceeds 2^53.
    const result = scoreMsScore(ms(1, 0, 0, 0, 900_000_000, 0, 900_000_000));
    assert.equal(result.value, 990_002.44);
  });

  it('gives no score when any input is missing, naming them in formula order', () => {
    const full = ms(0, 0, 1, 181, 500, 360, 684);
    for (const name of MS_SCORE_INPUTS) {
      for (const absent of [null, undefined]) {
        const result = scoreMsScore({ ...full, [name]: absent });
        assert.equal(result.value, null, name);
        assert.equal(result.band, null, name);
        assert.equal(result.complete, false, name);
        assert.deepEqual(result.missing, [name]);
      }
    }
    const none = scoreMsScore({
      cnsInvolvement: null,
      haemorrhagicManifestations: null,
      activeArthritis: null,
      platelets: null,
      ldh: null,
      fibrinogen: null,
      ferritin: null,
    });
    assert.deepEqual(none.missing, [...MS_SCORE_INPUTS]);
  });

  it('rejects negative and non-finite laboratory values and unknown units', () => {
    const full = ms(0, 0, 1, 181, 500, 360, 684);
    assert.throws(() => scoreMsScore({ ...full, ldh: -1 }), /ldh must be >= 0/);
    assert.throws(() => scoreMsScore({ ...full, ldh: Number.NaN }), RangeError);
    assert.throws(
      () => scoreMsScore({ ...full, platelets: { value: -5, unit: '10^9/L' } }),
      RangeError,
    );
    const badUnit = {
      ...full,
      fibrinogen: { value: 3, unit: 'mmol/L' },
    } as unknown as MsScoreInput;
    assert.throws(() => scoreMsScore(badUnit), /unknown unit for fibrinogen: mmol\/L/);
  });

  it('holds the published coefficients and cut-off as data (Minoia 2019 Table 4)', () => {
    assert.deepEqual(MS_SCORE_COEFFICIENTS, {
      cnsInvolvement: 2.44,
      haemorrhagicManifestations: 1.54,
      activeArthritis: -1.3,
      platelets: -0.003,
      ldh: 0.001,
      fibrinogen: -0.004,
      ferritin: 0.0001,
    });
    assert.deepEqual(MS_SCORE_CUTOFF, { comparator: '>=', value: -2.1, band: 'mas' });
    assert.equal(msScoreMeasure.id, 'ms-score');
    assert.deepEqual(msScoreMeasure.citations, ['minoia2019']);
  });
});
