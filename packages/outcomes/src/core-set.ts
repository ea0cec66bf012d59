/**
 * The JIA core set (Giannini 1997, Arthritis Rheum 40:1202-9, PMID 9214419): six response
 * variables, lower is better in all six. Percent changes from a baseline, and the per-variable
 * improvement and worsening tests that JIA-ACR and flare are built from, decided on exact
 * decimals (ADR 0002) with the zero-baseline rule of ADR 0003.
 */
import type { MeasureInfo } from './citations.js';
import { compareProducts, fromMicro, toMicro } from './decimal.js';
import { isPresent, type Maybe } from './result.js';

export const coreSetMeasure: MeasureInfo = {
  id: 'core-set',
  name: 'JIA core set and percent change from baseline',
  citations: ['giannini1997'],
};

/** The six core response variables, in the order of Giannini 1997. */
export const CORE_SET_VARIABLES = [
  'physicianGlobal',
  'parentGlobal',
  'chaqDi',
  'activeJoints',
  'limitedJoints',
  'acutePhaseReactant',
] as const;
export type CoreSetVariable = (typeof CORE_SET_VARIABLES)[number];

/** Which acute-phase reactant stands for the sixth variable; never mixed within a comparison. */
export type AcutePhaseReactant = 'esr' | 'crp';

/** One visit's core-set values (VAS in cm 0-10, CHAQ DI 0-3, counts, ESR mm/h, CRP mg/L). */
export interface CoreSet {
  readonly physicianGlobal?: Maybe<number>;
  readonly parentGlobal?: Maybe<number>;
  readonly chaqDi?: Maybe<number>;
  readonly activeJoints?: Maybe<number>;
  readonly limitedJoints?: Maybe<number>;
  readonly esr?: Maybe<number>;
  readonly crp?: Maybe<number>;
}

/** The value of a core-set variable at a visit; the reactant is ESR or CRP as chosen. */
export function coreSetValue(
  visit: CoreSet,
  variable: CoreSetVariable,
  reactant: AcutePhaseReactant = 'esr',
): number | null {
  const value = variable === 'acutePhaseReactant' ? visit[reactant] : visit[variable];
  return isPresent(value) ? value : null;
}

/**
 * The i-th core-set variable (CORE_SET_VARIABLES order) of a visit, without building a key:
 * the scoring kernels call this millions of times.
 */
export function coreSetValueAt(
  visit: CoreSet,
  index: number,
  reactant: AcutePhaseReactant = 'esr',
): number | null {
  let value: Maybe<number>;
  switch (index) {
    case 0:
      value = visit.physicianGlobal;
      break;
    case 1:
      value = visit.parentGlobal;
      break;
    case 2:
      value = visit.chaqDi;
      break;
    case 3:
      value = visit.activeJoints;
      break;
    case 4:
      value = visit.limitedJoints;
      break;
    default:
      value = reactant === 'crp' ? visit.crp : visit.esr;
  }
  return value ?? null;
}

/**
 * The six core-set values in micro-units, NaN where missing, in CORE_SET_VARIABLES order: the
 * form the JIA-ACR and flare kernels compare, prepared once per visit (a baseline serves many).
 */
export function coreSetMicro(
  visit: CoreSet,
  reactant: AcutePhaseReactant = 'esr',
  out: Float64Array = new Float64Array(CORE_SET_VARIABLES.length),
): Float64Array {
  for (let i = 0; i < CORE_SET_VARIABLES.length; i++) {
    const value = coreSetValueAt(visit, i, reactant);
    out[i] = value === null ? Number.NaN : toMicro(value);
  }
  return out;
}

/**
 * Fewest core-set variables from which a JIA-ACR or flare verdict is given, whatever the
 * missing ones (ADR 0003: a jia-trial decision, no published rule). Shared by both definitions.
 */
export const MINIMUM_OBSERVED_VARIABLES = 4;

/** Options common to every comparison of two core sets (JIA-ACR, flare). */
export interface CoreSetComparisonOptions {
  /** The sixth variable: 'esr' (Giannini 1997, default) or 'crp' when the protocol says so. */
  readonly acutePhaseReactant?: AcutePhaseReactant;
  /** Fewest observed variables from which a verdict is given (MINIMUM_OBSERVED_VARIABLES). */
  readonly minimumObserved?: number;
}

/** How a baseline of zero is handled (ADR 0003; no published rule exists). */
export type ZeroBaselineRule = 'worsened' | 'exclude';

/** The change of one variable from baseline to follow-up. */
export interface VariableChange {
  readonly variable: CoreSetVariable;
  readonly baseline: number | null;
  readonly followUp: number | null;
  /** 100 (f - b) / b, rounded to 6 decimals; null when a value is missing or b = 0. */
  readonly percentChange: number | null;
  /** True when the baseline is 0, so no percentage exists (reports count these decisions). */
  readonly baselineZero: boolean;
}

/** Percent change from b to f, to 6 decimals; null when b is 0. */
export function percentChange(baseline: number, followUp: number): number | null {
  const b = toMicro(baseline);
  if (b === 0) return null;
  const f = toMicro(followUp);
  return fromMicro(Math.round(((f - b) * 100 * 1_000_000) / b));
}

export function describeChanges(
  baseline: CoreSet,
  followUp: CoreSet,
  reactant: AcutePhaseReactant = 'esr',
): VariableChange[] {
  return CORE_SET_VARIABLES.map((variable) => {
    const b = coreSetValue(baseline, variable, reactant);
    const f = coreSetValue(followUp, variable, reactant);
    return {
      variable,
      baseline: b,
      followUp: f,
      percentChange: b === null || f === null ? null : percentChange(b, f),
      baselineZero: b !== null && toMicro(b) === 0,
    };
  });
}

/**
 * Improvement by at least `percent` (>=) or by more than `percent` (strict):
 * 100 f <= (100 - percent) b, decided on micro-units. A zero baseline can never improve.
 */
export function isImproved(
  baseline: number,
  followUp: number,
  percent: number,
  strict = false,
): boolean {
  return isImprovedMicro(toMicro(baseline), toMicro(followUp), percent, strict);
}

/** isImproved on values already in micro-units. */
export function isImprovedMicro(b: number, f: number, percent: number, strict = false): boolean {
  if (b <= 0) return false;
  const c = compareProducts(f, 100, b, 100 - percent);
  return strict ? c < 0 : c <= 0;
}

/**
 * Worsening by more than `percent` (strict, Giannini 1997's "more than 30%") or by at least
 * `percent`: 100 f > (100 + percent) b. From a zero baseline any increase is a worsening (an
 * infinite relative increase, the conservative reading, ADR 0003).
 */
export function isWorsened(
  baseline: number,
  followUp: number,
  percent: number,
  strict = true,
): boolean {
  return isWorsenedMicro(toMicro(baseline), toMicro(followUp), percent, strict);
}

/** isWorsened on values already in micro-units. */
export function isWorsenedMicro(b: number, f: number, percent: number, strict = true): boolean {
  if (b <= 0) return f > b;
  const c = compareProducts(f, 100, b, 100 + percent);
  return strict ? c > 0 : c >= 0;
}
