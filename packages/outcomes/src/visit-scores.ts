/**
 * Every score of one visit, computed together: the row of `jia-trial score`, and what a visit
 * form shows live while it is filled. Each score comes from its own measure module; this module
 * only gathers the inputs and applies the options, so the CLI, the server and the browser score
 * a visit identically.
 */
import { CORE_SET_VARIABLES, type CoreSet, coreSetMicro } from './core-set.js';
import { flareVerdictMicro } from './flare.js';
import type { IlarCategory } from './ilar-categories.js';
import { inactiveDiseaseVerdict } from './inactive-disease.js';
import { type JadasInput, type JadasScores, scoreJadasVariants } from './jadas.js';
import { type CutoffSetId, classifyJadas, type DiseaseActivityBand } from './jadas-cutoffs.js';
import { type JiaAcrLevel, type JiaAcrOptions, jiaAcrLevelMicro } from './jia-acr.js';
import { classifyMas2016, type Mas2016Result } from './mas.js';
import { type MsScoreResult, scoreMsScore } from './ms-score.js';
import type { Maybe, Verdict } from './result.js';

/** One visit's observations, in the units of the visits CSV (docs/score-command.md). */
export interface VisitObservation extends CoreSet, JadasInput {
  readonly ilarCategory?: Maybe<IlarCategory>;
  readonly morningStiffnessMinutes?: Maybe<number>;
  readonly systemicFeatures?: Maybe<boolean>;
  readonly activeUveitis?: Maybe<boolean>;
  readonly fever?: Maybe<boolean>;
  /** ng/mL */
  readonly ferritin?: Maybe<number>;
  /** 10^9/L */
  readonly platelets?: Maybe<number>;
  /** U/L */
  readonly ast?: Maybe<number>;
  /** mg/dL */
  readonly triglycerides?: Maybe<number>;
  /** mg/dL */
  readonly fibrinogen?: Maybe<number>;
  /** Lactate dehydrogenase, U/L (an input of the MS score). */
  readonly ldh?: Maybe<number>;
  /** Central nervous system involvement (MS score; Minoia 2019). */
  readonly cnsInvolvement?: Maybe<boolean>;
  /** Haemorrhagic manifestations (MS score; Minoia 2019). */
  readonly haemorrhagicManifestations?: Maybe<boolean>;
}

/**
 * Which JIA-ACR a systemic-JIA visit is scored by: 'standard' (Giannini 1997, the default) or
 * 'adapted' (also without fever at the follow-up; De Benedetti 2012; ADR 0019). Other
 * categories are always scored by the standard rule.
 */
export type SystemicJiaAcr = 'standard' | 'adapted';
export const SYSTEMIC_JIA_ACR_RULES = [
  'standard',
  'adapted',
] as const satisfies readonly SystemicJiaAcr[];

export interface VisitScoreOptions {
  readonly cutoffs?: CutoffSetId;
  /** ESR upper limit of normal, mm/h (default 20). */
  readonly esrUpperLimit?: number;
  /** CRP upper limit of normal, mg/L (default 10). */
  readonly crpUpperLimit?: number;
  /** The JIA-ACR of systemic-JIA visits (default 'standard'). */
  readonly systemicJiaAcr?: SystemicJiaAcr;
}

/** The JIA-ACR options of a visit of `category` under `rule` (ADR 0019). */
export function jiaAcrOptionsFor(
  category: Maybe<IlarCategory>,
  rule: SystemicJiaAcr = 'standard',
): JiaAcrOptions {
  return rule === 'adapted' && category === 'systemic' ? ADAPTED_ACR : STANDARD_ACR;
}
const STANDARD_ACR: JiaAcrOptions = Object.freeze({});
const ADAPTED_ACR: JiaAcrOptions = Object.freeze({ requireAbsenceOfFever: true });

export interface VisitScores {
  readonly jadas10: number | null;
  readonly jadas27: number | null;
  readonly jadas71: number | null;
  readonly cjadas10: number | null;
  readonly jadas10Crp: number | null;
  readonly jadas10Band: DiseaseActivityBand | null;
  /** Highest JIA-ACR level met against the baseline; null on a baseline visit. */
  readonly acrPedi: 0 | JiaAcrLevel | null;
  /** Withdrawal-trial flare against the baseline; null on a baseline visit. */
  readonly flare: Verdict;
  readonly inactiveDisease: Verdict;
  /** 2016 MAS classification; null for a non-systemic or unknown category. */
  readonly mas2016: Verdict;
  /** MS score (Minoia 2019); null for a non-systemic or unknown category, or an input missing. */
  readonly msScore: number | null;
}

/**
 * Core sets already in micro-units (coreSetMicro, ESR as the reactant), for a caller that scores
 * many visits against one baseline and prepares the baseline once.
 */
export interface PreparedCoreSets {
  readonly visit: Float64Array;
  readonly baseline: Float64Array | null;
}

const visitScratch = new Float64Array(CORE_SET_VARIABLES.length);
const baselineScratch = new Float64Array(CORE_SET_VARIABLES.length);

const jadasScratch: JadasScores = {
  jadas10: null,
  jadas27: null,
  jadas71: null,
  cjadas10: null,
  jadas10Crp: null,
};

/**
 * Scores a visit; `baseline` is null for a baseline visit (no response scores). Each value is
 * the `value` of the measure's own evaluate/score function (visit-scores.test.ts checks it).
 */
export function scoreVisit(
  visit: VisitObservation,
  baseline: VisitObservation | null,
  options: VisitScoreOptions = {},
  prepared?: PreparedCoreSets,
): VisitScores {
  const visitCoreSet = prepared?.visit ?? coreSetMicro(visit, 'esr', visitScratch);
  const baselineCoreSet = baseline
    ? (prepared?.baseline ?? coreSetMicro(baseline, 'esr', baselineScratch))
    : null;
  const jadas = scoreJadasVariants(visit, jadasScratch);
  const jadas10 = jadas.jadas10;
  const category = visit.ilarCategory ?? null;
  return {
    jadas10,
    jadas27: jadas.jadas27,
    jadas71: jadas.jadas71,
    cjadas10: jadas.cjadas10,
    jadas10Crp: jadas.jadas10Crp,
    jadas10Band:
      jadas10 === null || category === null
        ? null
        : classifyJadas(
            jadas10,
            'jadas10',
            category,
            options.cutoffs ?? 'consolaro',
            visit.systemicFeatures ?? null,
          ),
    acrPedi: baselineCoreSet
      ? jiaAcrLevelMicro(
          baselineCoreSet,
          visitCoreSet,
          jiaAcrOptionsFor(category, options.systemicJiaAcr),
          visit.fever,
        )
      : null,
    flare: baselineCoreSet ? flareVerdictMicro(baselineCoreSet, visitCoreSet) : null,
    inactiveDisease: inactiveDiseaseVerdict(visit, 'wallace2011', options),
    mas2016: category === 'systemic' ? classifyVisitForMas(visit).value : null,
    msScore: category === 'systemic' ? scoreVisitMsScore(visit).value : null,
  };
}

/**
 * The 2016 MAS classification of one visit's observations (units of the visits CSV), for a
 * patient with known or suspected systemic JIA: the one call shared by scoreVisit and the
 * protocol engine's safety rules.
 */
export function classifyVisitForMas(visit: VisitObservation): Mas2016Result {
  return classifyMas2016({
    febrile: visit.fever,
    systemicJia: true,
    ferritin: quantity(visit.ferritin, 'ng/mL'),
    platelets: quantity(visit.platelets, '10^9/L'),
    ast: quantity(visit.ast, 'U/L'),
    triglycerides: quantity(visit.triglycerides, 'mg/dL'),
    fibrinogen: quantity(visit.fibrinogen, 'mg/dL'),
  });
}

/**
 * The MS score (Minoia 2019) of one visit's observations (units of the visits CSV), for a
 * patient with known or suspected systemic JIA: the one call shared by scoreVisit and the
 * protocol engine. Active arthritis is read as at least one active joint [D: the visit's
 * joint count is the record's measure of it]; CNS involvement and haemorrhagic manifestations
 * are the visit's own items. Any input missing: no score (`missing` names it).
 */
export function scoreVisitMsScore(visit: VisitObservation): MsScoreResult {
  const activeJoints = visit.activeJoints;
  return scoreMsScore({
    cnsInvolvement: visit.cnsInvolvement,
    haemorrhagicManifestations: visit.haemorrhagicManifestations,
    activeArthritis: activeJoints === null || activeJoints === undefined ? null : activeJoints > 0,
    platelets: quantity(visit.platelets, '10^9/L'),
    ldh: visit.ldh,
    fibrinogen: quantity(visit.fibrinogen, 'mg/dL'),
    ferritin: quantity(visit.ferritin, 'ng/mL'),
  });
}

function quantity<U extends string>(
  value: Maybe<number>,
  unit: U,
): { value: number; unit: U } | null {
  return value === null || value === undefined ? null : { value, unit };
}
