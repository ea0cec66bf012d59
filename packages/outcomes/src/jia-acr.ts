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
import type { Outcome, Verdict } from './result.js';
import { allOf, atLeast, atMost } from './verdict.js';

export const jiaAcrMeasure: MeasureInfo = {
  id: 'jia-acr',
  name: 'JIA-ACR (ACR Pedi) 30/50/70/90/100',
  citations: ['giannini1997'],
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

function decide(tally: Tally, levelIndex: number, options: JiaAcrOptions): Verdict {
  if (tally.usable < (options.minimumObserved ?? MINIMUM_OBSERVED_VARIABLES)) return null;
  return allOf(
    atLeast(3, tally.improved[levelIndex] as number, tally.missing),
    atMost(1, tally.worsened, tally.missing),
  );
}

function variablesWith(flags: Int8Array, test: (flag: number) => boolean): CoreSetVariable[] {
  return CORE_SET_VARIABLES.filter((_, i) => test(flags[i] as number));
}

/** Evaluates one JIA-ACR level, with the variables behind the verdict. */
export function evaluateJiaAcr(
  baseline: CoreSet,
  followUp: CoreSet,
  level: JiaAcrLevel,
  options: JiaAcrOptions = {},
): JiaAcrLevelResult {
  const flags = new Int8Array(CORE_SET_VARIABLES.length);
  const levelIndex = JIA_ACR_LEVELS.indexOf(level);
  const tally = classify(baseline, followUp, options, flags);
  return {
    level,
    value: decide(tally, levelIndex, options),
    complete: tally.missing === 0,
    missing: variablesWith(flags, (f) => f === MISSING),
    improved: variablesWith(flags, (f) => f > 0 && (f & (1 << (levelIndex + 1))) !== 0),
    worsened: variablesWith(flags, (f) => f === WORSENED),
    excluded: variablesWith(flags, (f) => f === EXCLUDED),
  };
}

/** The pinned highest level from the verdicts by level index (see jiaAcrLevel). */
function highestLevel(tally: Tally, options: JiaAcrOptions): 0 | JiaAcrLevel | null {
  let value: 0 | JiaAcrLevel = 0;
  for (let k = 0; k < JIA_ACR_LEVELS.length; k++) {
    const verdict = decide(tally, k, options);
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
  followUp: CoreSet,
  options: JiaAcrOptions = {},
): 0 | JiaAcrLevel | null {
  return highestLevel(classify(baseline, followUp, options, flagsScratch), options);
}

/**
 * jiaAcrLevel on core sets prepared with coreSetMicro (the reactant chosen there); lets a
 * caller prepare a baseline once for all its follow-up visits.
 */
export function jiaAcrLevelMicro(
  baseline: Float64Array,
  followUp: Float64Array,
  options: JiaAcrOptions = {},
): 0 | JiaAcrLevel | null {
  return highestLevel(classifyMicro(baseline, followUp, options, flagsScratch), options);
}

/** The highest JIA-ACR level met, with the verdict at every level. */
export function scoreJiaAcr(
  baseline: CoreSet,
  followUp: CoreSet,
  options: JiaAcrOptions = {},
): JiaAcrResult {
  const flags = new Int8Array(CORE_SET_VARIABLES.length);
  const tally = classify(baseline, followUp, options, flags);
  const levels = {} as Record<JiaAcrLevel, Verdict>;
  JIA_ACR_LEVELS.forEach((level, k) => {
    levels[level] = decide(tally, k, options);
  });
  return {
    value: highestLevel(tally, options),
    complete: tally.missing === 0,
    missing: variablesWith(flags, (f) => f === MISSING),
    levels,
  };
}
