/**
 * Laboratory units: exact conversions, and published thresholds stated per unit.
 *
 * Rule: a threshold is applied in the unit the sample was reported in, against the value the
 * source publishes for that unit (triglycerides > 156 mg/dL and > 1.76 mmol/L), never by
 * converting the sample first. Converting loses the rounding of the original unit and flips
 * boundaries: 1.76 mmol/L is 155.8832 mg/dL, which is not > 156 (jia-trial's decision, ADR
 * 0002).
 *
 * Thresholds: Ravelli A, Minoia F, Davi S, et al. 2016 Classification criteria for macrophage
 * activation syndrome complicating systemic juvenile idiopathic arthritis. Ann Rheum Dis
 * 2016;75(3):481-489. doi:10.1136/annrheumdis-2015-208982, PMID 26865703. The SI equivalents are
 * those reproduced in the MSD Manual and the Hindawi MAS table [S]; the MSD Manual's
 * "fibrinogen <= 10.58 g/L" is a unit error (10.58 is umol/L) and is not used.
 *
 * Conversion factors (standard): CRP mg/dL = mg/L / 10; ferritin
 * ng/mL = ug/L; triglycerides mmol/L = mg/dL / 88.57 (triolein, 885.7 g/mol); fibrinogen
 * g/L = mg/dL / 100; platelets 10^9/L = 10^3/uL; AST ukat/L = U/L / 60 (1 U = 1 umol/min).
 * Every factor is a ratio of integers, so a conversion is one exact rational product on
 * micro-units (decimal.ts), rounded once to 6 decimals: 1.5 mg/dL -> 15 mg/L exactly.
 */

import type { MeasureInfo } from './citations.js';
import { type Comparator, compareDecimal, fromMicro, meetsThreshold, toMicro } from './decimal.js';

export const labUnitsMeasure: MeasureInfo = {
  id: 'lab-units',
  name: 'Laboratory units and per-unit thresholds',
  citations: ['ravelli2016'],
};

/**
 * Each analyte's units. A unit's factor `[num, den]` says 1 unit = num/den base units; the base
 * unit (factor [1, 1]) is the conventional unit the scoring rules are written in.
 */
export const LAB_ANALYTES = {
  crp: { baseUnit: 'mg/L', units: { 'mg/L': [1, 1], 'mg/dL': [10, 1] } },
  ferritin: { baseUnit: 'ng/mL', units: { 'ng/mL': [1, 1], 'ug/L': [1, 1] } },
  triglycerides: { baseUnit: 'mg/dL', units: { 'mg/dL': [1, 1], 'mmol/L': [8857, 100] } },
  fibrinogen: { baseUnit: 'mg/dL', units: { 'mg/dL': [1, 1], 'g/L': [100, 1] } },
  platelets: { baseUnit: '10^9/L', units: { '10^9/L': [1, 1], '10^3/uL': [1, 1] } },
  ast: { baseUnit: 'U/L', units: { 'U/L': [1, 1], 'ukat/L': [60, 1] } },
  esr: { baseUnit: 'mm/h', units: { 'mm/h': [1, 1] } },
} as const;

export type LabAnalyte = keyof typeof LAB_ANALYTES;
export type LabUnit<A extends LabAnalyte> = Extract<
  keyof (typeof LAB_ANALYTES)[A]['units'],
  string
>;
export type CrpUnit = LabUnit<'crp'>;
export type FerritinUnit = LabUnit<'ferritin'>;
export type TriglycerideUnit = LabUnit<'triglycerides'>;
export type FibrinogenUnit = LabUnit<'fibrinogen'>;
export type PlateletUnit = LabUnit<'platelets'>;
export type AstUnit = LabUnit<'ast'>;
export type EsrUnit = LabUnit<'esr'>;

/** A measured value with its unit, stored as reported (convert only at the scoring boundary). */
export type Quantity<U extends string> = { readonly value: number; readonly unit: U };

/** A published threshold `sample <comparator> limit`, with the limit the source gives per unit. */
export interface LabThreshold<A extends LabAnalyte> {
  readonly analyte: A;
  readonly comparator: Comparator;
  readonly byUnit: { readonly [U in LabUnit<A>]: number };
}

/**
 * The laboratory thresholds of the 2016 MAS classification criteria (Ravelli 2016), each in
 * every unit we accept. Inequalities exactly as published: ferritin strictly > 684, platelets
 * <= 181, AST strictly > 48, triglycerides strictly > 156, fibrinogen <= 360.
 *
 * Known consequence of per-unit limits: the SI limits are the conventional ones rounded to the
 * precision labs report (156 mg/dL = 1.7613 mmol/L, printed 1.76), so a sample between 1.7600
 * and 1.7613 mmol/L meets "> 1.76 mmol/L" although it converts to just under 156 mg/dL. We follow
 * the published per-unit limit (a jia-trial decision, ADR 0002); labs report mmol/L to 2
 * decimals, where the two readings agree (1.76 does not meet, 1.77 does).
 */
export const MAS_2016_LAB_THRESHOLDS = {
  ferritin: { analyte: 'ferritin', comparator: '>', byUnit: { 'ng/mL': 684, 'ug/L': 684 } },
  platelets: { analyte: 'platelets', comparator: '<=', byUnit: { '10^9/L': 181, '10^3/uL': 181 } },
  ast: { analyte: 'ast', comparator: '>', byUnit: { 'U/L': 48, 'ukat/L': 0.8 } },
  triglycerides: {
    analyte: 'triglycerides',
    comparator: '>',
    byUnit: { 'mg/dL': 156, 'mmol/L': 1.76 },
  },
  fibrinogen: { analyte: 'fibrinogen', comparator: '<=', byUnit: { 'mg/dL': 360, 'g/L': 3.6 } },
} as const satisfies {
  readonly ferritin: LabThreshold<'ferritin'>;
  readonly platelets: LabThreshold<'platelets'>;
  readonly ast: LabThreshold<'ast'>;
  readonly triglycerides: LabThreshold<'triglycerides'>;
  readonly fibrinogen: LabThreshold<'fibrinogen'>;
};

type UnitFactor = readonly [number, number];
const UNIT_TABLE: Readonly<
  Record<
    string,
    { readonly baseUnit: string; readonly units: Readonly<Record<string, UnitFactor>> }
  >
> = LAB_ANALYTES;

function unitFactor(analyte: string, unit: string): UnitFactor {
  const spec = Object.hasOwn(UNIT_TABLE, analyte) ? UNIT_TABLE[analyte] : undefined;
  if (spec === undefined) {
    throw new RangeError(
      `unknown analyte: ${analyte} (valid: ${Object.keys(UNIT_TABLE).join(', ')})`,
    );
  }
  const factor = Object.hasOwn(spec.units, unit) ? spec.units[unit] : undefined;
  if (factor === undefined) {
    throw new RangeError(
      `unknown unit for ${analyte}: ${unit} (valid: ${Object.keys(spec.units).join(', ')})`,
    );
  }
  return factor;
}

/** True when `unit` is one of the units accepted for `analyte`. */
export function isLabUnit<A extends LabAnalyte>(analyte: A, unit: string): unit is LabUnit<A> {
  const spec = Object.hasOwn(UNIT_TABLE, analyte) ? UNIT_TABLE[analyte] : undefined;
  return spec !== undefined && Object.hasOwn(spec.units, unit);
}

/** Concentrations and counts cannot be negative; a negative value is a data error. */
function checkLabValue(value: number, what: string): void {
  if (!(value >= 0)) {
    throw new RangeError(`${what} must be a finite value >= 0: ${value}`);
  }
}

/**
 * micro * num / den, rounded to the nearest integer with ties towards +infinity (as Math.round
 * in toMicro). Exact: integer arithmetic in doubles while safe, BigInt beyond.
 */
function scaleMicro(micro: number, num: number, den: number): number {
  const product = micro * num;
  if (Number.isSafeInteger(product)) {
    if (den === 1) return product + 0;
    const rest = product % den;
    const quotient = (product - rest) / den;
    if (rest >= 0) return 2 * rest >= den ? quotient + 1 : quotient + 0;
    return 2 * rest < -den ? quotient - 1 : quotient + 0;
  }
  const big = BigInt(micro) * BigInt(num);
  const bigDen = BigInt(den);
  const rest = big % bigDen;
  let quotient = (big - rest) / bigDen;
  if (rest >= 0n ? 2n * rest >= bigDen : 2n * rest < -bigDen) {
    quotient += rest >= 0n ? 1n : -1n;
  }
  const result = Number(quotient);
  if (!Number.isSafeInteger(result)) {
    throw new RangeError('converted value is outside the exactly representable range');
  }
  return result;
}

/**
 * Converts a value given in micro-units of `from` to micro-units of `to` (an integer), exactly
 * when the ratio of the two units is an integer (x10, x100, 1:1, x60), otherwise rounded once
 * to the nearest micro-unit.
 */
export function convertLabMicro<A extends LabAnalyte>(
  analyte: A,
  micro: number,
  from: LabUnit<A>,
  to: LabUnit<A>,
): number {
  const [fromNum, fromDen] = unitFactor(analyte, from);
  const [toNum, toDen] = unitFactor(analyte, to);
  return scaleMicro(micro, fromNum * toDen, fromDen * toNum);
}

/**
 * Converts a laboratory value between two units of the same analyte. The result is the exact
 * decimal when it has at most 6 decimals (1.5 mg/dL -> 15 mg/L; 3.6 g/L -> 360 mg/dL), otherwise
 * the value rounded to 6 decimals (50 U/L -> 0.833333 ukat/L). Throws a RangeError on an unknown
 * analyte or unit, and on a negative or non-finite value.
 */
export function convertLab<A extends LabAnalyte>(
  analyte: A,
  value: number,
  from: LabUnit<A>,
  to: LabUnit<A>,
): number {
  checkLabValue(value, analyte);
  return fromMicro(convertLabMicro(analyte, toMicro(value), from, to));
}

/** The published limit in the sample's own unit; RangeError when the source gives none. */
function limitFor<A extends LabAnalyte>(
  threshold: LabThreshold<A>,
  sample: Quantity<string>,
): number {
  const byUnit: Readonly<Record<string, number>> = threshold.byUnit;
  const limit = Object.hasOwn(byUnit, sample.unit) ? byUnit[sample.unit] : undefined;
  if (limit === undefined) {
    throw new RangeError(
      `no published ${threshold.analyte} threshold in unit ${sample.unit} (valid: ${Object.keys(byUnit).join(', ')})`,
    );
  }
  checkLabValue(sample.value, threshold.analyte);
  return limit;
}

/**
 * Compares a sample with a published threshold expressed in the sample's own unit, in exact
 * decimal arithmetic: -1 below, 0 equal, 1 above.
 */
export function compareLabToThreshold<A extends LabAnalyte>(
  sample: Quantity<LabUnit<A>>,
  threshold: LabThreshold<A>,
): -1 | 0 | 1 {
  return compareDecimal(sample.value, limitFor(threshold, sample));
}

/** True when `sample <comparator> limit` holds, with the limit published for the sample's unit. */
export function meetsLabThreshold<A extends LabAnalyte>(
  sample: Quantity<LabUnit<A>>,
  threshold: LabThreshold<A>,
): boolean {
  return meetsThreshold(sample.value, threshold.comparator, limitFor(threshold, sample));
}
