/**
 * JIA-ACR (ACR Pedi) 30/50/70/90/100 improvement (Giannini EH, et al. Preliminary definition of
 * improvement in juvenile arthritis. Arthritis Rheum 1997;40:1202-9, PMID 9214419).
 *
 * Level L is met when at least 3 of the 6 core-set variables improved by at least L% and no
 * more than 1 worsened by more than 30%. The worsening limit stays at >30% at every level (the
 * PRINTO/PRCSG trial convention and the seed study's register entry NTR4146); threshold and
 * strictness are named options. Zero baselines and missing variables follow ADR 0003: a verdict
 * is given only when the missing values cannot change it, and never from fewer than 4 observed
 * variables. Boundaries are decided on exact decimals (ADR 0002): 4 -> 2.8 is exactly -30%.
 */
import type { MeasureInfo } from './citations.js';
import {
  type AcutePhaseReactant,
  CORE_SET_VARIABLES,
  type CoreSet,
  type CoreSetVariable,
  coreSetValue,
  isImproved,
  isWorsened,
  type ZeroBaselineRule,
} from './core-set.js';
import type { Outcome, Verdict } from './result.js';
import { allOf, atLeast, atMost } from './verdict.js';

export const jiaAcrMeasure: MeasureInfo = {
  id: 'jia-acr',
  name: 'JIA-ACR (ACR Pedi) 30/50/70/90/100',
  citations: ['giannini1997'],
};

export const JIA_ACR_LEVELS = [30, 50, 70, 90, 100] as const;
export type JiaAcrLevel = (typeof JIA_ACR_LEVELS)[number];

export interface JiaAcrOptions {
  /** The sixth variable: 'esr' (Giannini 1997, default) or 'crp' when the protocol says so. */
  readonly acutePhaseReactant?: AcutePhaseReactant;
  /** Worsening threshold in percent, the same at every level (default 30). */
  readonly worseningPercent?: number;
  /** true (default): worsening means "more than" the threshold (Giannini); false: "at least". */
  readonly worseningStrict?: boolean;
  /** 'worsened' (default): 0 -> more counts as worsened; 'exclude': drop the variable. */
  readonly zeroBaseline?: ZeroBaselineRule;
  /** Fewest usable variables from which a verdict is given (default 4). */
  readonly minimumObserved?: number;
}

export interface JiaAcrLevelResult extends Outcome<boolean> {
  readonly level: JiaAcrLevel;
  readonly improved: readonly CoreSetVariable[];
  readonly worsened: readonly CoreSetVariable[];
  /** Variables left out under zeroBaseline 'exclude'. */
  readonly excluded: readonly CoreSetVariable[];
}

export interface JiaAcrResult extends Outcome<0 | JiaAcrLevel> {
  /** The verdict at each level (null: undeterminable). Percent changes: `describeChanges`. */
  readonly levels: Readonly<Record<JiaAcrLevel, Verdict>>;
}

interface Classified {
  readonly missing: CoreSetVariable[];
  readonly excluded: CoreSetVariable[];
  readonly usable: { variable: CoreSetVariable; b: number; f: number }[];
  readonly worsened: CoreSetVariable[];
}

function classify(baseline: CoreSet, followUp: CoreSet, options: JiaAcrOptions): Classified {
  const reactant = options.acutePhaseReactant ?? 'esr';
  const worseningPercent = options.worseningPercent ?? 30;
  const strict = options.worseningStrict ?? true;
  const result: Classified = { missing: [], excluded: [], usable: [], worsened: [] };
  for (const variable of CORE_SET_VARIABLES) {
    const b = coreSetValue(baseline, variable, reactant);
    const f = coreSetValue(followUp, variable, reactant);
    if (b === null || f === null) {
      result.missing.push(variable);
    } else if (b === 0 && options.zeroBaseline === 'exclude') {
      result.excluded.push(variable);
    } else {
      result.usable.push({ variable, b, f });
      if (isWorsened(b, f, worseningPercent, strict)) result.worsened.push(variable);
    }
  }
  return result;
}

function decideLevel(c: Classified, level: JiaAcrLevel, options: JiaAcrOptions): JiaAcrLevelResult {
  const improved = c.usable.filter((u) => isImproved(u.b, u.f, level)).map((u) => u.variable);
  const unknown = c.missing.length;
  const enoughObserved = c.usable.length >= (options.minimumObserved ?? 4);
  const value = enoughObserved
    ? allOf(atLeast(3, improved.length, unknown), atMost(1, c.worsened.length, unknown))
    : null;
  return {
    level,
    value,
    complete: unknown === 0,
    missing: c.missing,
    improved,
    worsened: c.worsened,
    excluded: c.excluded,
  };
}

/** Evaluates one JIA-ACR level. */
export function evaluateJiaAcr(
  baseline: CoreSet,
  followUp: CoreSet,
  level: JiaAcrLevel,
  options: JiaAcrOptions = {},
): JiaAcrLevelResult {
  return decideLevel(classify(baseline, followUp, options), level, options);
}

/**
 * The highest JIA-ACR level met (0 when JIA-ACR 30 is not met). The value is null unless the
 * level is pinned: every level up to it met and the next one decided as not met.
 */
export function scoreJiaAcr(
  baseline: CoreSet,
  followUp: CoreSet,
  options: JiaAcrOptions = {},
): JiaAcrResult {
  const c = classify(baseline, followUp, options);
  const levels = {} as Record<JiaAcrLevel, Verdict>;
  let value: 0 | JiaAcrLevel | null = 0;
  let pinned = false;
  for (const level of JIA_ACR_LEVELS) {
    const verdict = decideLevel(c, level, options).value;
    levels[level] = verdict;
    if (pinned) continue;
    if (verdict === true) value = level;
    else {
      if (verdict === null) value = null;
      pinned = true;
    }
  }
  return {
    value,
    complete: c.missing.length === 0,
    missing: c.missing,
    levels,
  };
}
