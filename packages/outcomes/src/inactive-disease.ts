/**
 * Clinical inactive disease (CID).
 *
 * 'wallace2011' (default; ACR provisional criteria, Wallace CA, et al. Arthritis Care Res
 * 2011;63(7):929-936, doi:10.1002/acr.20497 [V: DOI at the publisher]; PMID 21717596 not
 * confirmed [M]): all of no active joints; no fever, rash, serositis, splenomegaly or
 * generalised lymphadenopathy attributable to JIA; no active uveitis (SUN); ESR or CRP within
 * normal limits or, if elevated, not attributable to JIA; physician global at the best possible
 * score; morning stiffness <= 15 minutes [V: Wiley abstract and the Table 3 reproduction in
 * Consolaro 2016].
 * 'wallace2004' (preliminary criteria, J Rheumatol 2004;31(11):2290- [S: publisher page; last
 * page and PMID 15517647 not confirmed, M]): the first five without the attribution escape and
 * without morning stiffness; if both ESR and CRP were tested, both must be normal [V: abstract
 * (J Rheumatol page, OpenAIRE record)].
 *
 * Decisions [D] (ADR 0003; no source states them): every recorded reactant must be normal and at
 * least one recorded; an elevated reactant counts against CID unless the clinician states it is
 * not attributable to JIA (2011); for a non-systemic ILAR category an unrecorded `systemicFeatures` counts as absent,
 * since systemic features attributable to JIA do not occur there. Undecided items give null only
 * when no recorded item already fails.
 */
import type { MeasureInfo } from './citations.js';
import { meetsThreshold } from './decimal.js';
import type { IlarCategory } from './ilar-categories.js';
import { isPresent, type Maybe, type Outcome, type Verdict } from './result.js';

export const inactiveDiseaseMeasure: MeasureInfo = {
  id: 'inactive-disease',
  name: 'Clinical inactive disease (Wallace 2004; ACR 2011)',
  citations: ['wallace2004', 'wallace2011'],
};

export type InactiveDiseaseCriteria = 'wallace2011' | 'wallace2004';

/**
 * Default upper limits of normal when the laboratory gives none: a jia-trial decision [D]
 * (docs/clinical/inactive-disease.md); ESR 20 mm/h is the level up to which JADAS counts ESR as 0
 * (Consolaro 2009), CRP 10 mg/L the corresponding JADAS-CRP level (Nordal 2012; that formula
 * awaits confirmation, docs/clinical/README.md).
 */
export const DEFAULT_ESR_UPPER_LIMIT = 20;
export const DEFAULT_CRP_UPPER_LIMIT_MG_PER_L = 10;
/** Wallace 2011: morning stiffness of at most 15 minutes. */
export const MAX_MORNING_STIFFNESS_MINUTES = 15;

export interface InactiveDiseaseInput {
  readonly activeJoints?: Maybe<number>;
  /** Fever, rash, serositis, splenomegaly or generalised lymphadenopathy attributable to JIA. */
  readonly systemicFeatures?: Maybe<boolean>;
  /** Active uveitis (SUN Working Group grading). */
  readonly activeUveitis?: Maybe<boolean>;
  readonly esr?: Maybe<number>;
  /** CRP in mg/L. */
  readonly crp?: Maybe<number>;
  /** Upper limits of normal of the laboratory that measured the sample. */
  readonly esrUpperLimit?: Maybe<number>;
  readonly crpUpperLimit?: Maybe<number>;
  /** 2011 only: false when an elevated ESR/CRP is judged not attributable to JIA. */
  readonly elevationAttributableToJia?: Maybe<boolean>;
  /** Physician global assessment, 0-10; CID needs 0 (0.5 is not the best possible score). */
  readonly physicianGlobal?: Maybe<number>;
  readonly morningStiffnessMinutes?: Maybe<number>;
  readonly ilarCategory?: Maybe<IlarCategory>;
}

export const INACTIVE_DISEASE_ITEMS = [
  'activeJoints',
  'systemicFeatures',
  'activeUveitis',
  'acutePhaseReactant',
  'physicianGlobal',
  'morningStiffnessMinutes',
] as const;
export type InactiveDiseaseItem = (typeof INACTIVE_DISEASE_ITEMS)[number];

/** Upper limits of normal to use when a sample carries none (for example a protocol's). */
export interface ReactantLimits {
  readonly esrUpperLimit?: Maybe<number>;
  readonly crpUpperLimit?: Maybe<number>;
}

export interface InactiveDiseaseResult extends Outcome<boolean> {
  readonly criteria: InactiveDiseaseCriteria;
  /** Items known to fail. */
  readonly failed: readonly InactiveDiseaseItem[];
}

/** Whether one item of the criteria is met (null: not recorded). */
export function inactiveDiseaseItem(
  input: InactiveDiseaseInput,
  item: InactiveDiseaseItem,
  criteria: InactiveDiseaseCriteria = 'wallace2011',
  defaults: ReactantLimits = {},
): Verdict {
  switch (item) {
    case 'activeJoints':
      return isPresent(input.activeJoints) ? input.activeJoints === 0 : null;
    case 'systemicFeatures':
      return noSystemicFeatures(input);
    case 'activeUveitis':
      return isPresent(input.activeUveitis) ? !input.activeUveitis : null;
    case 'acutePhaseReactant':
      return reactantsNormal(input, criteria, defaults);
    case 'physicianGlobal':
      return isPresent(input.physicianGlobal)
        ? meetsThreshold(input.physicianGlobal, '<=', 0)
        : null;
    case 'morningStiffnessMinutes': {
      if (criteria === 'wallace2004') return true; // not part of the 2004 criteria
      const stiffness = input.morningStiffnessMinutes;
      return isPresent(stiffness)
        ? meetsThreshold(stiffness, '<=', MAX_MORNING_STIFFNESS_MINUTES)
        : null;
    }
  }
}

/** The verdict alone, allocation-free (the CLI's inner loop); see evaluateInactiveDisease. */
export function inactiveDiseaseVerdict(
  input: InactiveDiseaseInput,
  criteria: InactiveDiseaseCriteria = 'wallace2011',
  defaults: ReactantLimits = {},
): Verdict {
  let unknown = false;
  for (const item of INACTIVE_DISEASE_ITEMS) {
    const verdict = inactiveDiseaseItem(input, item, criteria, defaults);
    if (verdict === false) return false;
    if (verdict === null) unknown = true;
  }
  return unknown ? null : true;
}

export function evaluateInactiveDisease(
  input: InactiveDiseaseInput,
  criteria: InactiveDiseaseCriteria = 'wallace2011',
  defaults: ReactantLimits = {},
): InactiveDiseaseResult {
  const items = INACTIVE_DISEASE_ITEMS.filter(
    (item) => criteria === 'wallace2011' || item !== 'morningStiffnessMinutes',
  );
  const verdicts = items.map((item) => inactiveDiseaseItem(input, item, criteria, defaults));
  const failed = items.filter((_, i) => verdicts[i] === false);
  const missing = items.filter((_, i) => verdicts[i] === null);
  return {
    criteria,
    value: inactiveDiseaseVerdict(input, criteria, defaults),
    complete: missing.length === 0,
    missing,
    failed,
  };
}

function noSystemicFeatures(input: InactiveDiseaseInput): Verdict {
  if (isPresent(input.systemicFeatures)) return !input.systemicFeatures;
  const category = input.ilarCategory;
  return isPresent(category) && category !== 'systemic' ? true : null;
}

function reactantsNormal(
  input: InactiveDiseaseInput,
  criteria: InactiveDiseaseCriteria,
  defaults: ReactantLimits,
): Verdict {
  const esr = input.esr;
  const crp = input.crp;
  if (!isPresent(esr) && !isPresent(crp)) return null;
  const esrLimit = input.esrUpperLimit ?? defaults.esrUpperLimit ?? DEFAULT_ESR_UPPER_LIMIT;
  const crpLimit =
    input.crpUpperLimit ?? defaults.crpUpperLimit ?? DEFAULT_CRP_UPPER_LIMIT_MG_PER_L;
  const normal =
    (!isPresent(esr) || meetsThreshold(esr, '<=', esrLimit)) &&
    (!isPresent(crp) || meetsThreshold(crp, '<=', crpLimit));
  if (normal) return true;
  // An elevated value is held against CID unless the clinician records that it is not due to JIA.
  return criteria === 'wallace2011' && input.elevationAttributableToJia === false;
}
