/**
 * JIA-ACR (ACR Pedi) 30/50/70/90/100 improvement (Giannini EH, et al. Preliminary definition of
 * improvement in juvenile arthritis. Arthritis Rheum 1997; the abstract was read at a secondary
 * record [S]; volume, pages, DOI and the PMID 9214419 are unconfirmed [M], citations.ts).
 *
 * Level L is met when at least 3 of the 6 core-set variables improved by at least L% and no
 * more than 1 worsened by more than 30%. The worsening limit stays at >30% at every level (the
 * PRINTO/PRCSG trial convention [M] and the seed study's register entry NTR4146 [S]); threshold
 * and strictness are named options [D]. Zero baselines and missing variables follow ADR 0003
 * [D]: a verdict is given only when the missing values cannot change it, and never from fewer
 * than 4 observed variables. Boundaries are decided on exact decimals (ADR 0002): 4 -> 2.8 is
 * exactly -30%.
 *
 * Adapted JIA-ACR for systemic JIA (option `requireAbsenceOfFever`, ADR 0019): the same rule
 * plus absence of fever at the follow-up, the primary end point of the tocilizumab sJIA trial
 * ("an absence of fever and an improvement of 30% or more on at least three of the six
 * variables ... with no more than one variable worsening by more than 30%"; De Benedetti 2012,
 * abstract read at a PubMed copy [V]). The temperature limit and the 7-day window of the trial
 * definitions are not in the abstract [M]; the rule reads the visit's `fever` item, which a
 * protocol using it defines as "fever in the 7 days before the visit" (docs/clinical/jia-acr.md).
 * Fever unknown leaves a level undeterminable unless the core rule already fails it.
 */
import type { MeasureInfo } from './citations.js';
import {
  CORE_SET_VARIABLES,
  type CoreSet,
  type CoreSetComparisonOptions,
  type CoreSetVariable,
  coreSetMicro,
  isImprovedMicro,
  isWorsenedMicro,
  MINIMUM_OBSERVED_VARIABLES,
  type ZeroBaselineRule,
} from './core-set.js';
import type { Maybe, Outcome, Verdict } from './result.js';
import { allOf, atLeast, atMost } from './verdict.js';

export const jiaAcrMeasure: MeasureInfo = {
  id: 'jia-acr',
  name: 'JIA-ACR (ACR Pedi) 30/50/70/90/100',
  citations: ['giannini1997', 'debenedetti2012'],
};

export const JIA_ACR_LEVELS = [30, 50, 70, 90, 100] as const;
export type JiaAcrLevel = (typeof JIA_ACR_LEVELS)[number];

export interface JiaAcrOptions extends CoreSetComparisonOptions {
  /** Worsening threshold in percent, the same at every level (default 30). */
  readonly worseningPercent?: number;
  /** true (default): worsening means "more than" the threshold (Giannini); false: "at least". */
  readonly worseningStrict?: boolean;
  /** 'worsened' (default): 0 -> more counts as worsened; 'exclude': drop the variable. */
  readonly zeroBaseline?: ZeroBaselineRule;
  /**
   * Adapted JIA-ACR for systemic JIA: a level is met only when the follow-up is also without
   * fever (De Benedetti 2012). Default false: the core rule of Giannini 1997.
   */
  readonly requireAbsenceOfFever?: boolean;
}

/** A follow-up visit: its core set and, read by the adapted rule only, its fever. */
export interface JiaAcrFollowUp extends CoreSet {
  readonly fever?: Maybe<boolean>;
}

export interface JiaAcrLevelResult extends Outcome<boolean> {
  readonly level: JiaAcrLevel;
  readonly improved: readonly CoreSetVariable[];
  readonly worsened: readonly CoreSetVariable[];
  /** Variables left out under zeroBaseline 'exclude'. */
  readonly excluded: readonly CoreSetVariable[];
  /** With requireAbsenceOfFever: whether the follow-up was without fever (null: unknown). */
  readonly afebrile?: Verdict;
}

export interface JiaAcrResult extends Outcome<0 | JiaAcrLevel> {
  /** The verdict at each level (null: undeterminable). Percent changes: `describeChanges`. */
  readonly levels: Readonly<Record<JiaAcrLevel, Verdict>>;
  /** With requireAbsenceOfFever: whether the follow-up was without fever (null: unknown). */
  readonly afebrile?: Verdict;
}

/**
 * Per-variable classification of one comparison, shared by the verdicts and their explanations
 * and written into preallocated arrays: the CLI scores a million visits through this, so it
 * allocates nothing.
 */
const MISSING = -1;
const EXCLUDED = -2;
const WORSENED = 1;
/** Bit (1 << (k + 1)) is set when the variable improved at JIA_ACR_LEVELS[k]. */
const flagsScratch = new Int8Array(CORE_SET_VARIABLES.length);

interface Tally {
  missing: number;
  usable: number;
  worsened: number;
  /** Variables improved at each level, in JIA_ACR_LEVELS order. */
  readonly improved: Int32Array;
}
const tallyScratch: Tally = {
  missing: 0,
  usable: 0,
  worsened: 0,
  improved: new Int32Array(JIA_ACR_LEVELS.length),
};

const baselineScratch = new Float64Array(CORE_SET_VARIABLES.length);
const followUpScratch = new Float64Array(CORE_SET_VARIABLES.length);

function classify(
  baseline: CoreSet,
  followUp: CoreSet,
  options: JiaAcrOptions,
  flags: Int8Array,
): Tally {
  const reactant = options.acutePhaseReactant ?? 'esr';
  return classifyMicro(
    coreSetMicro(baseline, reactant, baselineScratch),
    coreSetMicro(followUp, reactant, followUpScratch),
    options,
    flags,
  );
}

/** Classifies each variable from micro-unit values (NaN: missing); see coreSetMicro. */
function classifyMicro(
  baseline: Float64Array,
  followUp: Float64Array,
  options: JiaAcrOptions,
  flags: Int8Array,
): Tally {
  const worseningPercent = options.worseningPercent ?? 30;
  const strict = options.worseningStrict ?? true;
  const exclude = options.zeroBaseline === 'exclude';
  const tally = tallyScratch;
  tally.missing = 0;
  tally.usable = 0;
  tally.worsened = 0;
  tally.improved.fill(0);
  for (let i = 0; i < CORE_SET_VARIABLES.length; i++) {
    const bMicro = baseline[i] as number;
    const fMicro = followUp[i] as number;
    if (Number.isNaN(bMicro) || Number.isNaN(fMicro)) {
      flags[i] = MISSING;
      tally.missing++;
      continue;
    }
    if (exclude && bMicro === 0) {
      flags[i] = EXCLUDED;
    } else {
      tally.usable++;
      let flag = 0;
      if (isWorsenedMicro(bMicro, fMicro, worseningPercent, strict)) {
        flag = WORSENED;
        tally.worsened++;
      } else {
        for (let k = 0; k < JIA_ACR_LEVELS.length; k++) {
          if (!isImprovedMicro(bMicro, fMicro, JIA_ACR_LEVELS[k] as JiaAcrLevel)) break;
          flag |= 1 << (k + 1);
          tally.improved[k] = (tally.improved[k] as number) + 1;
        }
      }
      flags[i] = flag;
    }
  }
  return tally;
}

/**
 * The follow-up's part of the adapted rule: true without fever, false with it, null unknown;
 * always true under the core rule (which does not read fever).
 */
function afebrileVerdict(options: JiaAcrOptions, fever: Maybe<boolean>): Verdict {
  if (options.requireAbsenceOfFever !== true) return true;
  return fever === true ? false : fever === false ? true : null;
}

function decide(
  tally: Tally,
  levelIndex: number,
  options: JiaAcrOptions,
  afebrile: Verdict,
): Verdict {
  // Kleene: fever fails the adapted rule even where the core rule is undeterminable.
  if (tally.usable < (options.minimumObserved ?? MINIMUM_OBSERVED_VARIABLES))
    return allOf(null, afebrile);
  return allOf(
    atLeast(3, tally.improved[levelIndex] as number, tally.missing),
    atMost(1, tally.worsened, tally.missing),
    afebrile,
  );
}

/** The result's fever fields: none under the core rule; `fever` missing when it is unknown. */
function feverFields(options: JiaAcrOptions, afebrile: Verdict) {
  return options.requireAbsenceOfFever === true ? { afebrile } : {};
}

function missingOf(flags: Int8Array, afebrile: Verdict): string[] {
  const missing: string[] = variablesWith(flags, (f) => f === MISSING);
  if (afebrile === null) missing.push('fever');
  return missing;
}

function variablesWith(flags: Int8Array, test: (flag: number) => boolean): CoreSetVariable[] {
  return CORE_SET_VARIABLES.filter((_, i) => test(flags[i] as number));
}

/** Evaluates one JIA-ACR level, with the variables behind the verdict. */
export function evaluateJiaAcr(
  baseline: CoreSet,
  followUp: JiaAcrFollowUp,
  level: JiaAcrLevel,
  options: JiaAcrOptions = {},
): JiaAcrLevelResult {
  const flags = new Int8Array(CORE_SET_VARIABLES.length);
  const levelIndex = JIA_ACR_LEVELS.indexOf(level);
  const tally = classify(baseline, followUp, options, flags);
  const afebrile = afebrileVerdict(options, followUp.fever);
  const missing = missingOf(flags, afebrile);
  return {
    level,
    value: decide(tally, levelIndex, options, afebrile),
    complete: missing.length === 0,
    missing,
    improved: variablesWith(flags, (f) => f > 0 && (f & (1 << (levelIndex + 1))) !== 0),
    worsened: variablesWith(flags, (f) => f === WORSENED),
    excluded: variablesWith(flags, (f) => f === EXCLUDED),
    ...feverFields(options, afebrile),
  };
}

/** The pinned highest level from the verdicts by level index (see jiaAcrLevel). */
function highestLevel(
  tally: Tally,
  options: JiaAcrOptions,
  afebrile: Verdict,
): 0 | JiaAcrLevel | null {
  let value: 0 | JiaAcrLevel = 0;
  for (let k = 0; k < JIA_ACR_LEVELS.length; k++) {
    const verdict = decide(tally, k, options, afebrile);
    if (verdict === null) return null;
    if (!verdict) return value;
    value = JIA_ACR_LEVELS[k] as JiaAcrLevel;
  }
  return value;
}

/**
 * The highest JIA-ACR level met (0 when JIA-ACR 30 is not met), or null unless the level is
 * pinned: every level up to it met and the next one decided as not met. Allocation-free.
 */
export function jiaAcrLevel(
  baseline: CoreSet,
  followUp: JiaAcrFollowUp,
  options: JiaAcrOptions = {},
): 0 | JiaAcrLevel | null {
  return highestLevel(
    classify(baseline, followUp, options, flagsScratch),
    options,
    afebrileVerdict(options, followUp.fever),
  );
}

/**
 * jiaAcrLevel on core sets prepared with coreSetMicro (the reactant chosen there); lets a
 * caller prepare a baseline once for all its follow-up visits. `followUpFever` is read only
 * under requireAbsenceOfFever.
 */
export function jiaAcrLevelMicro(
  baseline: Float64Array,
  followUp: Float64Array,
  options: JiaAcrOptions = {},
  followUpFever: Maybe<boolean> = null,
): 0 | JiaAcrLevel | null {
  return highestLevel(
    classifyMicro(baseline, followUp, options, flagsScratch),
    options,
    afebrileVerdict(options, followUpFever),
  );
}

/** The highest JIA-ACR level met, with the verdict at every level. */
export function scoreJiaAcr(
  baseline: CoreSet,
  followUp: JiaAcrFollowUp,
  options: JiaAcrOptions = {},
): JiaAcrResult {
  const flags = new Int8Array(CORE_SET_VARIABLES.length);
  const tally = classify(baseline, followUp, options, flags);
  const afebrile = afebrileVerdict(options, followUp.fever);
  const levels = {} as Record<JiaAcrLevel, Verdict>;
  JIA_ACR_LEVELS.forEach((level, k) => {
    levels[level] = decide(tally, k, options, afebrile);
  });
  const missing = missingOf(flags, afebrile);
  return {
    value: highestLevel(tally, options, afebrile),
    complete: missing.length === 0,
    missing,
    levels,
    ...feverFields(options, afebrile),
  };
}
