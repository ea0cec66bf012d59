import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CITATIONS } from './citations.js';
import {
  compareLabToThreshold,
  convertLab,
  convertLabMicro,
  isLabUnit,
  LAB_ANALYTES,
  type LabAnalyte,
  type LabThreshold,
  type LabUnit,
  labUnitsMeasure,
  MAS_2016_LAB_THRESHOLDS,
  meetsLabThreshold,
} from './lab-units.js';

type ConversionRow = readonly [
  label: string,
  analyte: LabAnalyte,
  value: number,
  from: string,
  to: string,
  expected: number,
];

const CONVERSIONS: readonly ConversionRow[] = [
  ['CRP x10 is exact (standard factor, 1 mg/dL = 10 mg/L)', 'crp', 1.5, 'mg/dL', 'mg/L', 15],
  ['CRP /10 is exact (standard factor)', 'crp', 15, 'mg/L', 'mg/dL', 1.5],
  ['CRP ULN 10 mg/L = 1.0 mg/dL (jia-trial default CRP ULN)', 'crp', 10, 'mg/L', 'mg/dL', 1],
  ['CRP 0.1 mg/dL, not 1.0000000000000002 mg/L', 'crp', 0.1, 'mg/dL', 'mg/L', 1],
  ['CRP 0.46 mg/dL (the CRP limit of a JA-PASS table)', 'crp', 0.46, 'mg/dL', 'mg/L', 4.6],
  ['ferritin ng/mL = ug/L 1:1 (standard)', 'ferritin', 684.5, 'ug/L', 'ng/mL', 684.5],
  [
    'fibrinogen 3.6 g/L = 360 mg/dL (Ravelli 2016 limit in SI units)',
    'fibrinogen',
    3.6,
    'g/L',
    'mg/dL',
    360,
  ],
  [
    'fibrinogen 360 mg/dL = 3.6 g/L (standard factor, g/L = mg/dL / 100)',
    'fibrinogen',
    360,
    'mg/dL',
    'g/L',
    3.6,
  ],
  [
    'fibrinogen 3.0 g/L = 300 mg/dL (an SI case of the Ravelli 2016 criteria)',
    'fibrinogen',
    3,
    'g/L',
    'mg/dL',
    300,
  ],
  [
    'TG 1.76 mmol/L = 155.8832 mg/dL (not > 156: why limits are per unit, ADR 0002)',
    'triglycerides',
    1.76,
    'mmol/L',
    'mg/dL',
    155.8832,
  ],
  [
    'TG 2.0 mmol/L = 177.14 mg/dL (an SI case of the Ravelli 2016 criteria)',
    'triglycerides',
    2,
    'mmol/L',
    'mg/dL',
    177.14,
  ],
  [
    'TG 156 mg/dL = 1.761319 mmol/L (Ravelli 2016 limit, 6 decimals)',
    'triglycerides',
    156,
    'mg/dL',
    'mmol/L',
    1.761319,
  ],
  ['AST 48 U/L = 0.8 ukat/L (Ravelli 2016 limit; U/L / 60)', 'ast', 48, 'U/L', 'ukat/L', 0.8],
  ['AST 0.80 ukat/L = 48 U/L (standard factor)', 'ast', 0.8, 'ukat/L', 'U/L', 48],
  ['AST 50 U/L = 0.833333 ukat/L (rounded to 6 decimals)', 'ast', 50, 'U/L', 'ukat/L', 0.833333],
  ['AST 1 U/L = 0.016667 ukat/L (half-up rounding)', 'ast', 1, 'U/L', 'ukat/L', 0.016667],
  [
    'platelets 181 x10^9/L = 181 x10^3/uL (Ravelli 2016 limit; the same quantity)',
    'platelets',
    181,
    '10^9/L',
    '10^3/uL',
    181,
  ],
  ['ESR has one unit', 'esr', 45, 'mm/h', 'mm/h', 45],
  ['zero stays zero', 'fibrinogen', 0, 'g/L', 'mg/dL', 0],
];

function convert(analyte: LabAnalyte, value: number, from: string, to: string): number {
  // The rows are data; the runtime check in convertLab is what is under test for bad units.
  return convertLab(analyte, value, from as LabUnit<LabAnalyte>, to as LabUnit<LabAnalyte>);
}

describe('lab unit conversion (standard factors, lab-units.ts)', () => {
  for (const [label, analyte, value, from, to, expected] of CONVERSIONS) {
    it(`${label}: ${value} ${from} -> ${expected} ${to}`, () => {
      assert.equal(convert(analyte, value, from, to), expected);
    });
  }

  it('prints converted values without binary noise', () => {
    // The naive products are 5.699999999999999 and 110.00000000000001.
    assert.notEqual(0.57 * 10, 5.7);
    assert.equal(String(convertLab('crp', 0.57, 'mg/dL', 'mg/L')), '5.7');
    assert.notEqual(1.1 * 100, 110);
    assert.equal(String(convertLab('fibrinogen', 1.1, 'g/L', 'mg/dL')), '110');
  });

  it('round-trips exactly whenever the unit ratio is an integer (x1, x10, x60, x100)', () => {
    let pairs = 0;
    for (const [analyte, spec] of Object.entries(LAB_ANALYTES)) {
      const units: Readonly<Record<string, readonly [number, number]>> = spec.units;
      for (const [from, [fromNum, fromDen]] of Object.entries(units)) {
        for (const [to, [toNum, toDen]] of Object.entries(units)) {
          if ((fromNum * toDen) % (fromDen * toNum) !== 0) continue;
          pairs++;
          const there = convert(analyte as LabAnalyte, 12.34, from, to);
          const back = convert(analyte as LabAnalyte, there, to, from);
          assert.equal(back, 12.34, `${analyte} ${from} -> ${to} -> ${from}`);
        }
      }
    }
    // 13 identity pairs; mg/dL->mg/L, ng/mL<->ug/L, g/L->mg/dL, 10^9/L<->10^3/uL, ukat/L->U/L.
    assert.equal(pairs, 20);
  });

  it('uses BigInt when an intermediate product leaves the exact double range', () => {
    // 1e8 mg/dL in micro-units times 100 exceeds 2^53; the quotient does not.
    assert.equal(convertLabMicro('triglycerides', 1e14, 'mg/dL', 'mmol/L'), 1_129_050_468_556);
    assert.equal(convertLab('triglycerides', 1e8, 'mg/dL', 'mmol/L'), 1_129_050.468556);
  });

  it('has each analyte base unit at factor 1:1', () => {
    for (const [analyte, spec] of Object.entries(LAB_ANALYTES)) {
      const factor = (spec.units as Readonly<Record<string, readonly [number, number]>>)[
        spec.baseUnit
      ];
      assert.deepEqual(factor, [1, 1], analyte);
    }
  });

  it('rejects unknown analytes and units, negative and non-finite values', () => {
    assert.throws(() => convert('crp', 1, 'mg/l', 'mg/L'), /unknown unit for crp: mg\/l/);
    assert.throws(() => convert('crp', 1, 'mg/L', 'toString'), RangeError);
    assert.throws(() => convert('ldh' as LabAnalyte, 1, 'U/L', 'U/L'), /unknown analyte: ldh/);
    assert.throws(() => convert('crp', -1, 'mg/L', 'mg/dL'), RangeError);
    assert.throws(() => convert('crp', Number.NaN, 'mg/L', 'mg/dL'), RangeError);
    assert.throws(() => convert('crp', Number.POSITIVE_INFINITY, 'mg/L', 'mg/dL'), RangeError);
  });

  it('recognises units per analyte', () => {
    assert.equal(isLabUnit('fibrinogen', 'g/L'), true);
    assert.equal(isLabUnit('fibrinogen', 'mmol/L'), false);
    assert.equal(isLabUnit('crp', 'constructor'), false);
  });
});

type ThresholdRow = readonly [
  label: string,
  analyte: keyof typeof MAS_2016_LAB_THRESHOLDS,
  value: number,
  unit: string,
  meets: boolean,
  compare: -1 | 0 | 1,
];

/** Both sides of every MAS 2016 threshold, in each unit, compared in the sample's own unit. */
const THRESHOLDS: readonly ThresholdRow[] = [
  ['Ravelli 2016: ferritin 684 ng/mL is not > 684', 'ferritin', 684, 'ng/mL', false, 0],
  ['Ravelli 2016: ferritin 684.01 ng/mL is > 684', 'ferritin', 684.01, 'ng/mL', true, 1],
  ['Ravelli 2016: ferritin 684 ug/L is not > 684', 'ferritin', 684, 'ug/L', false, 0],
  ['Ravelli 2016: ferritin 685 ug/L is > 684', 'ferritin', 685, 'ug/L', true, 1],
  ['Ravelli 2016: platelets 181 x10^9/L is <= 181', 'platelets', 181, '10^9/L', true, 0],
  ['Ravelli 2016: platelets 181.1 x10^9/L is not <= 181', 'platelets', 181.1, '10^9/L', false, 1],
  ['Ravelli 2016: platelets 181 x10^3/uL is <= 181', 'platelets', 181, '10^3/uL', true, 0],
  ['Ravelli 2016: platelets 182 x10^3/uL is not <= 181', 'platelets', 182, '10^3/uL', false, 1],
  ['Ravelli 2016: AST 48 U/L is not > 48', 'ast', 48, 'U/L', false, 0],
  ['Ravelli 2016: AST 49 U/L is > 48', 'ast', 49, 'U/L', true, 1],
  ['Ravelli 2016 in SI units: AST 0.80 ukat/L is not > 0.80', 'ast', 0.8, 'ukat/L', false, 0],
  ['Ravelli 2016 in SI units: AST 0.81 ukat/L is > 0.80', 'ast', 0.81, 'ukat/L', true, 1],
  ['Ravelli 2016: TG 156 mg/dL is not > 156', 'triglycerides', 156, 'mg/dL', false, 0],
  ['Ravelli 2016: TG 157 mg/dL is > 156', 'triglycerides', 157, 'mg/dL', true, 1],
  [
    'Ravelli 2016 per unit (ADR 0002): TG 1.76 mmol/L is not > 156 mg/dL',
    'triglycerides',
    1.76,
    'mmol/L',
    false,
    0,
  ],
  ['Ravelli 2016 in SI units: TG 1.77 mmol/L is > 1.76', 'triglycerides', 1.77, 'mmol/L', true, 1],
  ['Ravelli 2016: fibrinogen 360 mg/dL is <= 360', 'fibrinogen', 360, 'mg/dL', true, 0],
  ['Ravelli 2016: fibrinogen 361 mg/dL is not <= 360', 'fibrinogen', 361, 'mg/dL', false, 1],
  [
    'Ravelli 2016 per unit (ADR 0002): fibrinogen 3.6 g/L meets <= 360 mg/dL',
    'fibrinogen',
    3.6,
    'g/L',
    true,
    0,
  ],
  [
    'Ravelli 2016 in SI units: fibrinogen 3.61 g/L is not <= 3.6',
    'fibrinogen',
    3.61,
    'g/L',
    false,
    1,
  ],
  [
    'fibrinogen 3 x 1.2 g/L (3.5999999999999996 in doubles) is exactly 3.6',
    'fibrinogen',
    3 * 1.2,
    'g/L',
    true,
    0,
  ],
  ['TG 1.759 mmol/L is below 1.76', 'triglycerides', 1.759, 'mmol/L', false, -1],
];

function asThreshold(analyte: keyof typeof MAS_2016_LAB_THRESHOLDS): LabThreshold<LabAnalyte> {
  return MAS_2016_LAB_THRESHOLDS[analyte] as unknown as LabThreshold<LabAnalyte>;
}

describe('MAS 2016 thresholds per unit (Ravelli 2016; compared per unit, ADR 0002)', () => {
  for (const [label, analyte, value, unit, meets, compare] of THRESHOLDS) {
    it(`${label}`, () => {
      const sample = { value, unit: unit as LabUnit<LabAnalyte> };
      assert.equal(meetsLabThreshold(sample, asThreshold(analyte)), meets);
      assert.equal(compareLabToThreshold(sample, asThreshold(analyte)), compare);
    });
  }

  it('TG 1.76 mmol/L (ADR 0002): converting the sample would flip the TG boundary; per-unit limits do not', () => {
    const asMgDl = convertLab('triglycerides', 1.76, 'mmol/L', 'mg/dL');
    assert.equal(asMgDl, 155.8832);
    const byConversion = meetsLabThreshold(
      { value: asMgDl, unit: 'mg/dL' },
      MAS_2016_LAB_THRESHOLDS.triglycerides,
    );
    const inOwnUnit = meetsLabThreshold(
      { value: 1.76, unit: 'mmol/L' },
      MAS_2016_LAB_THRESHOLDS.triglycerides,
    );
    assert.equal(byConversion, inOwnUnit);
  });

  it('gives a limit for every unit of each analyte, equal to the base limit at its printed precision', () => {
    for (const threshold of Object.values(MAS_2016_LAB_THRESHOLDS)) {
      const { analyte, byUnit } = threshold;
      const spec = LAB_ANALYTES[analyte];
      const limits: Readonly<Record<string, number>> = byUnit;
      assert.deepEqual(Object.keys(limits).sort(), Object.keys(spec.units).sort(), analyte);
      const base = limits[spec.baseUnit] as number;
      for (const [unit, limit] of Object.entries(limits)) {
        // The published SI limit is the conventional one rounded to the decimals it is printed
        // with; this catches a unit error like the MSD Manual's "fibrinogen <= 10.58 g/L".
        const decimals = (String(limit).split('.')[1] ?? '').length;
        const converted = convert(analyte, base, spec.baseUnit, unit);
        assert.equal(Number(converted.toFixed(decimals)), limit, `${analyte} ${unit}`);
      }
    }
  });

  it('rejects a sample in a unit with no published limit, and a negative sample', () => {
    const tg = asThreshold('triglycerides');
    assert.throws(
      () => meetsLabThreshold({ value: 2, unit: 'g/L' as LabUnit<LabAnalyte> }, tg),
      /no published triglycerides threshold in unit g\/L/,
    );
    assert.throws(
      () => meetsLabThreshold({ value: -1, unit: 'mg/dL' as LabUnit<LabAnalyte> }, tg),
      RangeError,
    );
  });
});

describe('lab-units measure info', () => {
  it('cites Ravelli 2016', () => {
    assert.equal(labUnitsMeasure.id, 'lab-units');
    assert.deepEqual(labUnitsMeasure.citations, ['ravelli2016']);
    assert.ok(CITATIONS.ravelli2016.doi);
  });
});
