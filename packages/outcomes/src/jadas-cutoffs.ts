/**
 * Disease-activity bands for JADAS scores. The cut-offs are data, defined only here and read by
 * every consumer (scorer, report, UI). Each interval includes its upper bound: a score belongs
 * to the first band whose upper limit it does not exceed (`score <= limit`, decided on exact
 * decimals), and is 'high' above the last limit.
 *
 * - 'consolaro': inactive <= 1 and low (minimal) disease activity, Consolaro 2012 (Arthritis
 *   Rheum 64:2366-74, doi:10.1002/art.34373); high disease activity strictly above the limit,
 *   Consolaro 2014 (Ann Rheum Dis 73:1380-3, doi:10.1136/annrheumdis-2013-204186); the cJADAS-10
 *   set, Consolaro 2014 (Arthritis Care Res 66:1703-9, doi:10.1002/acr.22393). Persistent
 *   oligoarthritis uses the oligoarticular cut-offs; extended oligoarthritis, RF-negative and
 *   RF-positive polyarthritis and systemic arthritis without systemic features (the categories
 *   the polyarticular cut-offs were made for) the polyarticular-course ones. Psoriatic,
 *   enthesitis-related and undifferentiated JIA get no band: no cut-off was derived for them.
 * - 'consolaro-extrapolated': the same, with psoriatic, enthesitis-related and undifferentiated
 *   JIA banded by the polyarticular-course column: an extrapolation the user asks for by name
 *   (a jia-trial option [D], docs/clinical/jadas-cutoffs.md), never the default.
 * - 'trincianti2021': the ACR 2021 cut-offs (Trincianti 2021, Arthritis Rheumatol 73:1966-75,
 *   doi:10.1002/art.41879), validated only for oligoarthritis and RF-negative polyarthritis;
 *   each published cut-off belongs to the lower state. "Minimal" activity is coded 'low'.
 */
import type { MeasureInfo } from './citations.js';
import { meetsThreshold } from './decimal.js';
import type { IlarCategory } from './ilar-categories.js';

export const jadasCutoffsMeasure: MeasureInfo = {
  id: 'jadas-cutoffs',
  name: 'JADAS disease-activity bands (Consolaro 2012/2014; Trincianti 2021)',
  citations: ['consolaro2012', 'consolaro2014hda', 'consolaro2014cjadas', 'trincianti2021'],
};

export const DISEASE_ACTIVITY_BANDS = ['inactive', 'low', 'moderate', 'high'] as const;
export type DiseaseActivityBand = (typeof DISEASE_ACTIVITY_BANDS)[number];

/** The scores cut-offs are published for. */
export type BandedScore = 'jadas10' | 'jadas27' | 'jadas71' | 'cjadas10';
export type CutoffGroup = 'oligoarticular' | 'polyarticular';
export type CutoffSetId = 'consolaro' | 'consolaro-extrapolated' | 'trincianti2021';

/** Upper limits (inclusive) of inactive, low and moderate; above the last is high. */
export type BandLimits = readonly [inactive: number, low: number, moderate: number];

export interface CutoffSet {
  readonly id: CutoffSetId;
  readonly name: string;
  /** The cut-off group of each ILAR category; null where the set was not validated. */
  readonly groupOf: Readonly<Record<IlarCategory, CutoffGroup | null>>;
  readonly limits: Readonly<
    Partial<Record<BandedScore, Readonly<Record<CutoffGroup, BandLimits>>>>
  >;
}

const CONSOLARO_LIMITS: CutoffSet['limits'] = {
  jadas10: { oligoarticular: [1, 2, 4.2], polyarticular: [1, 3.8, 10.5] },
  jadas71: { oligoarticular: [1, 2, 4.2], polyarticular: [1, 3.8, 10.5] },
  jadas27: { oligoarticular: [1, 2, 4.2], polyarticular: [1, 3.8, 8.5] },
  cjadas10: { oligoarticular: [1, 1.5, 4], polyarticular: [1, 2.5, 8.5] },
};

/** The categories Consolaro's cut-offs were derived for (the ARD 2017 table footnote [S]). */
const CONSOLARO_GROUPS: CutoffSet['groupOf'] = {
  systemic: 'polyarticular',
  oligoarticular_persistent: 'oligoarticular',
  oligoarticular_extended: 'polyarticular',
  polyarticular_rf_negative: 'polyarticular',
  polyarticular_rf_positive: 'polyarticular',
  psoriatic: null,
  enthesitis_related: null,
  undifferentiated: null,
};

export const CUTOFF_SETS: Readonly<Record<CutoffSetId, CutoffSet>> = {
  consolaro: {
    id: 'consolaro',
    name: 'Consolaro 2012/2014',
    groupOf: CONSOLARO_GROUPS,
    limits: CONSOLARO_LIMITS,
  },
  'consolaro-extrapolated': {
    id: 'consolaro-extrapolated',
    name: 'Consolaro 2012/2014, polyarticular cut-offs extrapolated to psoriatic, enthesitis-related and undifferentiated JIA',
    groupOf: {
      ...CONSOLARO_GROUPS,
      psoriatic: 'polyarticular',
      enthesitis_related: 'polyarticular',
      undifferentiated: 'polyarticular',
    },
    limits: CONSOLARO_LIMITS,
  },
  trincianti2021: {
    id: 'trincianti2021',
    name: 'Trincianti 2021 (ACR 2021)',
    groupOf: {
      systemic: null,
      oligoarticular_persistent: 'oligoarticular',
      oligoarticular_extended: null,
      polyarticular_rf_negative: 'polyarticular',
      polyarticular_rf_positive: null,
      psoriatic: null,
      enthesitis_related: null,
      undifferentiated: null,
    },
    limits: {
      jadas10: { oligoarticular: [1.4, 4, 13], polyarticular: [2.7, 6, 17] },
      cjadas10: { oligoarticular: [1.1, 4, 12], polyarticular: [2.5, 5, 16] },
    },
  },
};

export const CUTOFF_SET_IDS = Object.keys(CUTOFF_SETS) as CutoffSetId[];

/** The limits that apply, or null when the set has none for this score and category. */
export function bandLimits(
  set: CutoffSetId,
  score: BandedScore,
  category: IlarCategory,
): BandLimits | null {
  const cutoffs = CUTOFF_SETS[set];
  const group = cutoffs.groupOf[category];
  const byGroup = cutoffs.limits[score];
  return group && byGroup ? byGroup[group] : null;
}

/** Bands a score with the given limits. */
export function bandFromLimits(value: number, limits: BandLimits): DiseaseActivityBand {
  if (meetsThreshold(value, '<=', limits[0])) return 'inactive';
  if (meetsThreshold(value, '<=', limits[1])) return 'low';
  if (meetsThreshold(value, '<=', limits[2])) return 'moderate';
  return 'high';
}

/**
 * The disease-activity band of a score, or null when the set does not cover the patient.
 * Systemic JIA is banded with the polyarticular-course cut-offs only without systemic features
 * (Consolaro 2012's "systemic arthritis without systemic features", as reproduced in the
 * footnote of an Ann Rheum Dis 2017 table [S]; docs/clinical/jadas-cutoffs.md):
 * `systemicFeatures` must be false for a systemic patient, and unknown gives no band.
 */
export function classifyJadas(
  value: number,
  score: BandedScore,
  category: IlarCategory,
  set: CutoffSetId = 'consolaro',
  systemicFeatures: boolean | null = null,
): DiseaseActivityBand | null {
  if (category === 'systemic' && systemicFeatures !== false) return null;
  const limits = bandLimits(set, score, category);
  return limits ? bandFromLimits(value, limits) : null;
}
