/**
 * Clinical inactive disease (CID).
 *
 * 'wallace2011' (default; ACR provisional criteria, Wallace CA, et al. Arthritis Care Res
 * 2011;63:929-36, doi:10.1002/acr.20497): all of no active joints; no fever, rash, serositis,
 * splenomegaly or generalised lymphadenopathy attributable to JIA; no active uveitis (SUN); ESR
 * or CRP within normal limits or, if elevated, not attributable to JIA; physician global at the
 * best possible score; morning stiffness <= 15 minutes.
 * 'wallace2004' (preliminary criteria, J Rheumatol 2004;31:2290-4, PMID 15517647): the first
 * five without the attribution escape and without morning stiffness; if both ESR and CRP were
 * tested, both must be normal.
 *
 * Decisions (ADR 0003): every recorded reactant must be normal and at least one recorded; an
 * elevated reactant counts against CID unless the clinician states it is not attributable to JIA
 * (2011); for a non-systemic ILAR category an unrecorded `systemicFeatures` counts as absent,
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

/** Default upper limits of normal when the laboratory gives none (definitions.md section 9). */
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

export type InactiveDiseaseItem =
  | 'activeJoints'
  | 'systemicFeatures'
  | 'activeUveitis'
  | 'acutePhaseReactant'
  | 'physicianGlobal'
  | 'morningStiffnessMinutes';

export interface InactiveDiseaseResult extends Outcome<boolean> {
  readonly criteria: InactiveDiseaseCriteria;
  /** Items known to fail. */
  readonly failed: readonly InactiveDiseaseItem[];
}

export function evaluateInactiveDisease(
  input: InactiveDiseaseInput,
  criteria: InactiveDiseaseCriteria = 'wallace2011',
): InactiveDiseaseResult {
  const items: [InactiveDiseaseItem, Verdict][] = [
    ['activeJoints', isPresent(input.activeJoints) ? input.activeJoints === 0 : null],
    ['systemicFeatures', noSystemicFeatures(input)],
    ['activeUveitis', isPresent(input.activeUveitis) ? !input.activeUveitis : null],
    ['acutePhaseReactant', reactantsNormal(input, criteria)],
    ['physicianGlobal', isPresent(input.physicianGlobal) ? meetsThreshold(input.physicianGlobal, '<=', 0) : null],
  ];
  if (criteria === 'wallace2011') {
    const stiffness = input.morningStiffnessMinutes;
    items.push([
      'morningStiffnessMinutes',
      isPresent(stiffness) ? meetsThreshold(stiffness, '<=', MAX_MORNING_STIFFNESS_MINUTES) : null,
    ]);
  }
  const failed = items.filter(([, v]) => v === false).map(([item]) => item);
  const missing = items.filter(([, v]) => v === null).map(([item]) => item);
  const value = failed.length > 0 ? false : missing.length > 0 ? null : true;
  return { criteria, value, complete: missing.length === 0, missing, failed };
}

function noSystemicFeatures(input: InactiveDiseaseInput): Verdict {
  if (isPresent(input.systemicFeatures)) return !input.systemicFeatures;
  const category = input.ilarCategory;
  return isPresent(category) && category !== 'systemic' ? true : null;
}

function reactantsNormal(input: InactiveDiseaseInput, criteria: InactiveDiseaseCriteria): Verdict {
  const tested: boolean[] = [];
  if (isPresent(input.esr)) {
    tested.push(meetsThreshold(input.esr, '<=', input.esrUpperLimit ?? DEFAULT_ESR_UPPER_LIMIT));
  }
  if (isPresent(input.crp)) {
    tested.push(meetsThreshold(input.crp, '<=', input.crpUpperLimit ?? DEFAULT_CRP_UPPER_LIMIT_MG_PER_L));
  }
  if (tested.length === 0) return null;
  if (tested.every(Boolean)) return true;
  // An elevated value is held against CID unless the clinician records that it is not due to JIA.
  return criteria === 'wallace2011' && input.elevationAttributableToJia === false;
}
