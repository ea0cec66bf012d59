/**
 * MS score (MAS/sJIA score) for the diagnosis of macrophage activation syndrome in systemic JIA.
 *
 * Rule: MS = 2.44 CNS + 1.54 HAEM - 1.30 ARTH - 0.003 PLT + 0.001 LDH - 0.004 FIB + 0.0001 FERR,
 * with CNS involvement, haemorrhagic manifestations and active arthritis as 1/0, platelets in
 * x10^9/L, LDH in U/L, fibrinogen in mg/dL and ferritin in ng/mL. MS >= -2.1 indicates MAS (in a
 * febrile patient with known or suspected systemic JIA); sensitivity 0.85, specificity 0.95.
 * AST and triglycerides are not in the score.
 *
 * Source: Minoia F, Bovis F, Davi S, et al. Development and initial validation of the MS score
 * for diagnosis of macrophage activation syndrome in systemic juvenile idiopathic arthritis.
 * Ann Rheum Dis 2019;78(10):1357-1362. doi:10.1136/annrheumdis-2019-215211 [V: publisher
 * citation record]; PMID 31296501 unconfirmed [M]. The seven coefficients, their units, the
 * formula and the cut-off ">= -2.1" in a febrile patient [V: read at the publisher's Table 4,
 * checked again for issue 14]; range -8.4 to 41.8, sensitivity and specificity [V: abstract].
 * Not the Arthritis Rheumatol journal: the score was published in Ann Rheum Dis.
 *
 * Missing inputs give no score and nothing is imputed [D]. Which visit items feed the clinical
 * inputs (active arthritis: at least one active joint) is scoreVisitMsScore's reading [D].
 *
 * Arithmetic: every coefficient has at most 4 decimals and every input is taken in micro-units,
 * so the sum is an exact integer in units of 10^-10, rounded once to 6 decimals. Inputs with at
 * most 2 decimals therefore give the exact decimal (-2.7146, not -2.7146000000000003), and the
 * cut-off is decided on that exact value. Any missing input gives no score.
 *
 * Pitfall: the published range -8.4 to 41.8 describes realistic inputs; the score is linear in
 * unbounded laboratory values, so it is never clamped (ms-score.test.ts scores inputs below -8.4
 * and above 41.8).
 */

import type { MeasureInfo } from './citations.js';
import { fromMicro, MICRO, meetsThreshold, toMicro } from './decimal.js';
import {
  convertLabMicro,
  type FerritinUnit,
  type FibrinogenUnit,
  type PlateletUnit,
  type Quantity,
} from './lab-units.js';
import type { BandedOutcome, Maybe } from './result.js';

export const msScoreMeasure: MeasureInfo = {
  id: 'ms-score',
  name: 'MS score for macrophage activation syndrome in systemic JIA',
  citations: ['minoia2019'],
};

/** Coefficients per input (Minoia 2019, Table 4 [V]), in the units of MS_SCORE_UNITS. */
export const MS_SCORE_COEFFICIENTS = {
  cnsInvolvement: 2.44,
  haemorrhagicManifestations: 1.54,
  activeArthritis: -1.3,
  platelets: -0.003,
  ldh: 0.001,
  fibrinogen: -0.004,
  ferritin: 0.0001,
} as const;

/**
 * The units the coefficients are defined in (Table 4 and its footnote "the observed values in the
 * above-mentioned unit" [V]); samples in other units are converted exactly.
 */
export const MS_SCORE_UNITS = {
  platelets: '10^9/L',
  ldh: 'U/L',
  fibrinogen: 'mg/dL',
  ferritin: 'ng/mL',
} as const;

/** MS >= -2.1 indicates MAS in a febrile patient with known or suspected sJIA (Minoia 2019, Table 4 [V]). */
export const MS_SCORE_CUTOFF = { comparator: '>=', value: -2.1, band: 'mas' } as const;

export type MsScoreBand = 'mas' | 'no_mas';
export type MsScoreInputName = keyof typeof MS_SCORE_COEFFICIENTS;

export interface MsScoreInput {
  readonly cnsInvolvement: Maybe<boolean>;
  readonly haemorrhagicManifestations: Maybe<boolean>;
  readonly activeArthritis: Maybe<boolean>;
  readonly platelets: Maybe<Quantity<PlateletUnit>>;
  /** Lactate dehydrogenase, U/L. */
  readonly ldh: Maybe<number>;
  readonly fibrinogen: Maybe<Quantity<FibrinogenUnit>>;
  readonly ferritin: Maybe<Quantity<FerritinUnit>>;
}

export type MsScoreResult = BandedOutcome<number, MsScoreBand>;

/** Input names in the order of the formula; the order of `missing`. */
export const MS_SCORE_INPUTS = Object.keys(MS_SCORE_COEFFICIENTS) as readonly MsScoreInputName[];

/** Decimal places of the coefficients: they are held as integers of 10^-4. */
const COEFFICIENT_SCALE = 10_000;
const SUM_PER_MICRO = COEFFICIENT_SCALE;

function toTenThousandths(coefficient: number): number {
  const scaled = Math.round(coefficient * COEFFICIENT_SCALE);
  if (Math.abs(scaled - coefficient * COEFFICIENT_SCALE) > 1e-6) {
    throw new RangeError(`MS score coefficient has more than 4 decimals: ${coefficient}`);
  }
  return scaled;
}

const C = {
  cns: toTenThousandths(MS_SCORE_COEFFICIENTS.cnsInvolvement),
  haem: toTenThousandths(MS_SCORE_COEFFICIENTS.haemorrhagicManifestations),
  arth: toTenThousandths(MS_SCORE_COEFFICIENTS.activeArthritis),
  plt: toTenThousandths(MS_SCORE_COEFFICIENTS.platelets),
  ldh: toTenThousandths(MS_SCORE_COEFFICIENTS.ldh),
  fib: toTenThousandths(MS_SCORE_COEFFICIENTS.fibrinogen),
  ferr: toTenThousandths(MS_SCORE_COEFFICIENTS.ferritin),
} as const;

const NONE: readonly never[] = Object.freeze([]);

/** Adds c*x to sum; NaN (which then propagates) once a step is no longer exact in doubles. */
function addTerm(sum: number, c: number, x: number): number {
  const product = c * x;
  const next = sum + product;
  return Number.isSafeInteger(product) && Number.isSafeInteger(next) ? next : Number.NaN;
}

/** Rounds an integer count of 10^-10 units to micro-units, ties towards +infinity. */
function roundToMicro(sum: number): number {
  const rest = sum % SUM_PER_MICRO;
  const quotient = (sum - rest) / SUM_PER_MICRO;
  if (rest >= 0) return (2 * rest >= SUM_PER_MICRO ? quotient + 1 : quotient) + 0;
  return (2 * rest < -SUM_PER_MICRO ? quotient - 1 : quotient) + 0;
}

function roundBigToMicro(sum: bigint): number {
  const scale = BigInt(SUM_PER_MICRO);
  const rest = sum % scale;
  let quotient = (sum - rest) / scale;
  if (rest >= 0n ? 2n * rest >= scale : 2n * rest < -scale) quotient += rest >= 0n ? 1n : -1n;
  return Number(quotient);
}

function checkNonNegative(micro: number, name: string): number {
  if (micro < 0) throw new RangeError(`${name} must be >= 0: ${fromMicro(micro)}`);
  return micro;
}

function flag(value: boolean): number {
  return value ? MICRO : 0;
}

/**
 * The MS score in micro-units from the seven inputs in micro-units of the score's units. Exact
 * in doubles for all realistic inputs; BigInt only when an intermediate leaves the safe range.
 */
function sumMicro(
  cns: number,
  haem: number,
  arth: number,
  plt: number,
  ldh: number,
  fib: number,
  ferr: number,
): number {
  let sum = addTerm(0, C.cns, cns);
  sum = addTerm(sum, C.haem, haem);
  sum = addTerm(sum, C.arth, arth);
  sum = addTerm(sum, C.plt, plt);
  sum = addTerm(sum, C.ldh, ldh);
  sum = addTerm(sum, C.fib, fib);
  sum = addTerm(sum, C.ferr, ferr);
  if (Number.isSafeInteger(sum)) return roundToMicro(sum);
  const big =
    BigInt(C.cns) * BigInt(cns) +
    BigInt(C.haem) * BigInt(haem) +
    BigInt(C.arth) * BigInt(arth) +
    BigInt(C.plt) * BigInt(plt) +
    BigInt(C.ldh) * BigInt(ldh) +
    BigInt(C.fib) * BigInt(fib) +
    BigInt(C.ferr) * BigInt(ferr);
  return roundBigToMicro(big);
}

/**
 * Computes the MS score. `value` is the exact score (6 decimals at most), `band` 'mas' when
 * MS >= -2.1, else 'no_mas'. Any missing input: value and band null, complete false. Throws a
 * RangeError on a negative or non-finite laboratory value or an unknown unit.
 */
export function scoreMsScore(input: MsScoreInput): MsScoreResult {
  const { cnsInvolvement, haemorrhagicManifestations, activeArthritis } = input;
  const { platelets, ldh, fibrinogen, ferritin } = input;
  if (
    cnsInvolvement == null ||
    haemorrhagicManifestations == null ||
    activeArthritis == null ||
    platelets == null ||
    ldh == null ||
    fibrinogen == null ||
    ferritin == null
  ) {
    return {
      value: null,
      band: null,
      complete: false,
      missing: MS_SCORE_INPUTS.filter((name) => input[name] == null),
    };
  }
  const u = MS_SCORE_UNITS;
  const micro = sumMicro(
    flag(cnsInvolvement),
    flag(haemorrhagicManifestations),
    flag(activeArthritis),
    convertLabMicro(
      'platelets',
      checkNonNegative(toMicro(platelets.value), 'platelets'),
      platelets.unit,
      u.platelets,
    ),
    checkNonNegative(toMicro(ldh), 'ldh'),
    convertLabMicro(
      'fibrinogen',
      checkNonNegative(toMicro(fibrinogen.value), 'fibrinogen'),
      fibrinogen.unit,
      u.fibrinogen,
    ),
    convertLabMicro(
      'ferritin',
      checkNonNegative(toMicro(ferritin.value), 'ferritin'),
      ferritin.unit,
      u.ferritin,
    ),
  );
  const value = fromMicro(micro);
  const { comparator, value: cutoff, band } = MS_SCORE_CUTOFF;
  return {
    value,
    // meetsThreshold decides in micro-units, where `value` is exact.
    band: meetsThreshold(value, comparator, cutoff) ? band : 'no_mas',
    complete: true,
    missing: NONE,
  };
}
