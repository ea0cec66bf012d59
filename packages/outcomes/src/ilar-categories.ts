/**
 * ILAR classification of juvenile idiopathic arthritis: the eight categories as data.
 *
 * Rule (general): onset before the 16th birthday, arthritis persisting >= 6 weeks, other
 * conditions excluded. Each category has inclusion criteria and a list of exclusions, labelled a-e
 * by ILAR. This module holds the category codes, their course (which selects the JADAS cut-off
 * group) and their exclusion letters; it does not classify patients.
 *
 * Source: Petty RE, Southwood TR, Manners P, et al. International League of Associations for
 * Rheumatology classification of juvenile idiopathic arthritis: second revision, Edmonton, 2001.
 * J Rheumatol 2004;31(2):390-392. PMID 14760812. Exclusion letters per category [S: textbook
 * table; BMJ Best Practice; CARRA operational definition]; docs/clinical/ilar-categories.md.
 *
 * Course: "polyarticular course" covers extended oligoarthritis and RF-negative and RF-positive
 * polyarthritis (Consolaro 2012, as reproduced in the footnote of an Ann Rheum Dis 2017 table
 * [S]). Systemic arthritis has its own course: Consolaro 2012 also counts systemic arthritis
 * without systemic features as polyarticular course, which a cut-off rule decides from the
 * visit, not from the category.
 * Psoriatic, enthesitis-related and undifferentiated arthritis are 'other' (any joint count).
 */

import type { MeasureInfo } from './citations.js';

export const ilarCategoriesMeasure: MeasureInfo = {
  id: 'ilar-categories',
  name: 'ILAR classification categories of juvenile idiopathic arthritis',
  citations: ['petty2004'],
};

/** General ILAR conditions for a diagnosis of JIA (Petty 2004). */
export const ILAR_GENERAL_CRITERIA = {
  /** Onset before this birthday. */
  onsetBeforeAgeYears: 16,
  /** Arthritis persisting at least this long. */
  minimumDurationWeeks: 6,
} as const;

/** The ILAR exclusions, by letter (Petty 2004). */
export const ILAR_EXCLUSIONS = {
  a: 'Psoriasis, or a history of psoriasis, in the patient or a first-degree relative',
  b: 'Arthritis in an HLA-B27-positive male beginning after the 6th birthday',
  c: 'Ankylosing spondylitis, enthesitis-related arthritis, sacroiliitis with inflammatory bowel disease, Reiter syndrome or acute anterior uveitis, or a history of one of these in a first-degree relative',
  d: 'IgM rheumatoid factor present on at least 2 occasions at least 3 months apart',
  e: 'Systemic JIA in the patient',
} as const;

export type IlarExclusion = keyof typeof ILAR_EXCLUSIONS;
export type IlarCourse = 'oligoarticular' | 'polyarticular' | 'systemic' | 'other';

export interface IlarCategoryInfo {
  readonly name: string;
  readonly course: IlarCourse;
  /** The exclusions that rule this category out. */
  readonly exclusions: readonly IlarExclusion[];
}

/** The eight categories, in ILAR order; the keys are the stable codes used everywhere. */
export const ILAR_CATEGORIES = {
  systemic: {
    name: 'Systemic arthritis',
    course: 'systemic',
    exclusions: ['a', 'b', 'c', 'd'],
  },
  oligoarticular_persistent: {
    name: 'Oligoarthritis, persistent',
    course: 'oligoarticular',
    exclusions: ['a', 'b', 'c', 'd', 'e'],
  },
  oligoarticular_extended: {
    name: 'Oligoarthritis, extended',
    course: 'polyarticular',
    exclusions: ['a', 'b', 'c', 'd', 'e'],
  },
  polyarticular_rf_negative: {
    name: 'Polyarthritis, rheumatoid factor negative',
    course: 'polyarticular',
    exclusions: ['a', 'b', 'c', 'd', 'e'],
  },
  polyarticular_rf_positive: {
    name: 'Polyarthritis, rheumatoid factor positive',
    course: 'polyarticular',
    exclusions: ['a', 'b', 'c', 'e'],
  },
  psoriatic: {
    name: 'Psoriatic arthritis',
    course: 'other',
    exclusions: ['b', 'c', 'd', 'e'],
  },
  enthesitis_related: {
    name: 'Enthesitis-related arthritis',
    course: 'other',
    exclusions: ['a', 'd', 'e'],
  },
  undifferentiated: {
    // Fulfils no category, or two or more: no exclusions apply.
    name: 'Undifferentiated arthritis',
    course: 'other',
    exclusions: [],
  },
} as const satisfies Record<string, IlarCategoryInfo>;

export type IlarCategory = keyof typeof ILAR_CATEGORIES;

/** The category codes in ILAR order (the key order of ILAR_CATEGORIES). */
export const ILAR_CATEGORY_CODES = Object.freeze(
  Object.keys(ILAR_CATEGORIES) as IlarCategory[],
) as readonly IlarCategory[];

/** True when `x` is one of the eight category codes (exact, case-sensitive). */
export function isIlarCategory(x: string): x is IlarCategory {
  return Object.hasOwn(ILAR_CATEGORIES, x);
}

/** Returns `x` as a category code; throws a RangeError listing the valid codes otherwise. */
export function parseIlarCategory(x: string): IlarCategory {
  if (isIlarCategory(x)) return x;
  throw new RangeError(
    `unknown ILAR category: ${JSON.stringify(x)} (valid: ${ILAR_CATEGORY_CODES.join(', ')})`,
  );
}
