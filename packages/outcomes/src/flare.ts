/**
 * Disease flare against a reference visit.
 *
 * Default, 'withdrawal_trial': the PRCSG/PRINTO randomised-withdrawal definition as registered
 * for the abatacept trial (NCT00095173; Ruperto N, et al. Lancet 2008;372:383-91): worsening by
 * more than 30% in at least 3 of the 6 core-set variables and improvement by more than 30% in no
 * more than 1, where a worsened global assessment must rise by at least 2 cm (of 10) and a
 * worsened joint count by at least 2 joints. No extra ESR condition: the ESR clause of the
 * NCT00095173 register record is unreadable, so leaving it out is jia-trial's decision
 * (docs/clinical/flare.md).
 *
 * Alternatives from Brunner HI, et al. J Rheumatol 2002;29:1058-64 (PMID 12022323), which set no
 * absolute minima: 'brunner2002_f1' (preferred there) worsening >= 40% in >= 2 variables and
 * improvement >= 30% in no more than 1 of the remaining; 'brunner2002_f2' worsening >= 30% in
 * >= 3 variables; 'brunner2002_f3' any worsening of CHAQ and ESR worsening >= 30% and active
 * joint count worsening >= 10%.
 *
 * Missing data and zero baselines as in JIA-ACR (ADR 0003): from 0 any increase is a worsening.
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
} from './core-set.js';
import { MICRO } from './decimal.js';
import type { Outcome, Verdict } from './result.js';
import { allOf, atLeast, atMost } from './verdict.js';

export const flareMeasure: MeasureInfo = {
  id: 'flare',
  name: 'Disease flare (withdrawal-trial definition; Brunner 2002 variants)',
  citations: ['ruperto2008', 'brunner2002'],
};

export const FLARE_DEFINITIONS = [
  'withdrawal_trial',
  'brunner2002_f1',
  'brunner2002_f2',
  'brunner2002_f3',
] as const;
export type FlareDefinition = (typeof FLARE_DEFINITIONS)[number];

export interface FlareOptions extends CoreSetComparisonOptions {
  readonly definition?: FlareDefinition;
  /**
   * withdrawal_trial only: true (default) reads the register's ">30%" strictly; false reads
   * ">=30%" as the reviews and Brunner 2002 write it.
   */
  readonly strict?: boolean;
}

export interface FlareResult extends Outcome<boolean> {
  readonly definition: FlareDefinition;
  readonly worsened: readonly CoreSetVariable[];
  readonly improved: readonly CoreSetVariable[];
}

/** Absolute minimum rises of the withdrawal-trial definition (cm of 10 for VAS; joints). */
export const WITHDRAWAL_TRIAL_MINIMUM_RISE: Readonly<Partial<Record<CoreSetVariable, number>>> = {
  physicianGlobal: 2,
  parentGlobal: 2,
  activeJoints: 2,
  limitedJoints: 2,
};

interface Rule {
  readonly worsenPercent: number;
  readonly worsenStrict: boolean;
  readonly worsenAtLeast: number;
  readonly improvePercent: number;
  readonly improveStrict: boolean;
  readonly improveAtMost: number;
  readonly minimumRise: Readonly<Partial<Record<CoreSetVariable, number>>>;
}

function countingRule(
  definition: Exclude<FlareDefinition, 'brunner2002_f3'>,
  strict: boolean,
): Rule {
  switch (definition) {
    case 'withdrawal_trial':
      return {
        worsenPercent: 30,
        worsenStrict: strict,
        worsenAtLeast: 3,
        improvePercent: 30,
        improveStrict: strict,
        improveAtMost: 1,
        minimumRise: WITHDRAWAL_TRIAL_MINIMUM_RISE,
      };
    case 'brunner2002_f1':
      return {
        worsenPercent: 40,
        worsenStrict: false,
        worsenAtLeast: 2,
        improvePercent: 30,
        improveStrict: false,
        improveAtMost: 1,
        minimumRise: {},
      };
    case 'brunner2002_f2':
      return {
        worsenPercent: 30,
        worsenStrict: false,
        worsenAtLeast: 3,
        improvePercent: 0,
        improveStrict: false,
        improveAtMost: 6,
        minimumRise: {},
      };
  }
}

const MISSING = -1;
const WORSENED = 1;
const IMPROVED = 2;
const flagsScratch = new Int8Array(CORE_SET_VARIABLES.length);

/**
 * Classifies each variable as missing, worsened, improved or neither into `flags` and returns
 * the verdict of a counting definition. Allocation-free (the CLI's inner loop).
 */
function countingVerdict(
  reference: Float64Array,
  current: Float64Array,
  definition: Exclude<FlareDefinition, 'brunner2002_f3'>,
  options: FlareOptions,
  flags: Int8Array,
): Verdict {
  const rule = countingRule(definition, options.strict ?? true);
  let missing = 0;
  let worsened = 0;
  let improved = 0;
  for (let i = 0; i < CORE_SET_VARIABLES.length; i++) {
    const bMicro = reference[i] as number;
    const fMicro = current[i] as number;
    let flag = 0;
    if (Number.isNaN(bMicro) || Number.isNaN(fMicro)) {
      flag = MISSING;
      missing++;
    } else {
      const rise = rule.minimumRise[CORE_SET_VARIABLES[i] as CoreSetVariable];
      if (
        isWorsenedMicro(bMicro, fMicro, rule.worsenPercent, rule.worsenStrict) &&
        (rise === undefined || fMicro - bMicro >= rise * MICRO)
      ) {
        flag = WORSENED;
        worsened++;
      } else if (
        rule.improveAtMost < CORE_SET_VARIABLES.length &&
        isImprovedMicro(bMicro, fMicro, rule.improvePercent, rule.improveStrict)
      ) {
        flag = IMPROVED;
        improved++;
      }
    }
    flags[i] = flag;
  }
  if (CORE_SET_VARIABLES.length - missing < (options.minimumObserved ?? MINIMUM_OBSERVED_VARIABLES))
    return null;
  return allOf(
    atLeast(rule.worsenAtLeast, worsened, missing),
    atMost(rule.improveAtMost, improved, missing),
  );
}

const referenceScratch = new Float64Array(CORE_SET_VARIABLES.length);
const currentScratch = new Float64Array(CORE_SET_VARIABLES.length);

/**
 * flareVerdict on core sets prepared with coreSetMicro (the reactant chosen there), for a
 * caller that compares many visits with one reference.
 */
export function flareVerdictMicro(
  reference: Float64Array,
  current: Float64Array,
  options: FlareOptions = {},
): Verdict {
  const definition = options.definition ?? 'withdrawal_trial';
  if (definition === 'brunner2002_f3') return brunnerF3Verdict(reference, current, null);
  return countingVerdict(reference, current, definition, options, flagsScratch);
}

/** The flare verdict alone, allocation-free (see evaluateFlare). */
export function flareVerdict(
  reference: CoreSet,
  current: CoreSet,
  options: FlareOptions = {},
): Verdict {
  const reactant = options.acutePhaseReactant ?? 'esr';
  return flareVerdictMicro(
    coreSetMicro(reference, reactant, referenceScratch),
    coreSetMicro(current, reactant, currentScratch),
    options,
  );
}

/** Evaluates flare of `current` against `reference` (the baseline or the response visit). */
export function evaluateFlare(
  reference: CoreSet,
  current: CoreSet,
  options: FlareOptions = {},
): FlareResult {
  const definition = options.definition ?? 'withdrawal_trial';
  if (definition === 'brunner2002_f3') return evaluateBrunnerF3(reference, current, options);
  const flags = new Int8Array(CORE_SET_VARIABLES.length);
  const reactant = options.acutePhaseReactant ?? 'esr';
  const value = countingVerdict(
    coreSetMicro(reference, reactant),
    coreSetMicro(current, reactant),
    definition,
    options,
    flags,
  );
  const having = (flag: number) => CORE_SET_VARIABLES.filter((_, i) => flags[i] === flag);
  const missing = having(MISSING);
  return {
    definition,
    value,
    complete: missing.length === 0,
    missing,
    worsened: having(WORSENED),
    improved: having(IMPROVED),
  };
}

/** The F-B3 tests: [variable index, minimum worsening percent (0: any rise)]. */
const BRUNNER_F3_TESTS: readonly (readonly [index: number, percent: number])[] = [
  [CORE_SET_VARIABLES.indexOf('chaqDi'), 0],
  [CORE_SET_VARIABLES.indexOf('acutePhaseReactant'), 30],
  [CORE_SET_VARIABLES.indexOf('activeJoints'), 10],
];

/**
 * Brunner 2002 F-B3: any CHAQ worsening, ESR worsening >= 30%, AJC worsening >= 10%. "Any
 * worsening" is a strict rise; the percentage tests read "at least" (Brunner 2002).
 */
function brunnerF3Verdict(
  reference: Float64Array,
  current: Float64Array,
  worsened: CoreSetVariable[] | null,
): Verdict {
  let unknown = false;
  let failed = false;
  for (const [index, percent] of BRUNNER_F3_TESTS) {
    const b = reference[index] as number;
    const f = current[index] as number;
    if (Number.isNaN(b) || Number.isNaN(f)) {
      unknown = true;
      continue;
    }
    const met =
      percent === 0 ? isWorsenedMicro(b, f, 0, true) : isWorsenedMicro(b, f, percent, false);
    if (met) worsened?.push(CORE_SET_VARIABLES[index] as CoreSetVariable);
    else failed = true;
  }
  return failed ? false : unknown ? null : true;
}

function evaluateBrunnerF3(
  reference: CoreSet,
  current: CoreSet,
  options: FlareOptions,
): FlareResult {
  const reactant = options.acutePhaseReactant ?? 'esr';
  const b = coreSetMicro(reference, reactant);
  const f = coreSetMicro(current, reactant);
  const worsened: CoreSetVariable[] = [];
  const value = brunnerF3Verdict(b, f, worsened);
  const missing = BRUNNER_F3_TESTS.filter(
    ([i]) => Number.isNaN(b[i] as number) || Number.isNaN(f[i] as number),
  ).map(([i]) => CORE_SET_VARIABLES[i] as CoreSetVariable);
  return {
    definition: 'brunner2002_f3',
    value,
    complete: missing.length === 0,
    missing,
    worsened,
    improved: [],
  };
}
