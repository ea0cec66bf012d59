/**
 * The number of tests a report makes, and what that means for its p-values (issue 14 section
 * 4). The report does not adjust its p-values: the pilot design is exploratory (a phase Ib of
 * six patients), and every p is printed as computed. So that a reader can weigh them, the
 * report counts the hypothesis tests it made (one per comparison: the p the report stands on;
 * a second p of the same comparison, the SPSS-style or the other rate-ratio convention, is the
 * same test computed another way and is not counted), how many fall below 0.05, and how many
 * would survive the Bonferroni bound 0.05 / tests, which holds the family-wise error rate at
 * 0.05 whatever the dependence between the tests (R's `p.adjust(method = "bonferroni")`; Rafter,
 * Abell & Braselton 2002, SIAM Review 44:259-278). With m tests and no true effect, about
 * 0.05 m are expected below 0.05 by chance.
 */

import type { ReadoutAnalysis } from './efficacy.js';
import { EFFICACY_MEASURES, type EfficacyMeasure } from './efficacy.js';
import type { WindowComparison } from './window-comparison.js';

export const SIGNIFICANCE_LEVEL = 0.05;

export interface TestFamily {
  /** Where its tests are in report.json, e.g. "efficacy.week8" or "adverseEvents.sensitivity". */
  readonly family: string;
  readonly tests: number;
  readonly belowLevel: number;
}

export interface Multiplicity {
  readonly tests: number;
  readonly families: readonly TestFamily[];
  readonly level: number;
  readonly adjustment: 'none';
  /** How many p-values are below the level, unadjusted. */
  readonly belowLevel: number;
  /** level / tests; null without a test. */
  readonly bonferroniLevel: number | null;
  /** How many p-values are below the Bonferroni level. */
  readonly belowBonferroni: number;
  /** level x tests: the number expected below the level by chance if no effect were real. */
  readonly expectedByChance: number;
}

/** The p-values of one family of tests (null: no test was possible, e.g. no pair). */
export type PValueFamily = { readonly family: string; readonly p: ReadonlyArray<number | null> };

export function aeTestPValues(family: string, ae: WindowComparison): PValueFamily {
  return {
    family,
    p: [
      ae.rateRatio.p,
      ae.fisherP,
      ae.mcnemarP,
      ae.perPatient.wilcoxon.p,
      ae.perPatient.signTest.p,
    ],
  };
}

export function readoutTestPValues(family: string, r: ReadoutAnalysis): PValueFamily {
  return {
    family,
    p: (Object.keys(EFFICACY_MEASURES) as EfficacyMeasure[]).map((m) => r[m].wilcoxonP),
  };
}

export function countTests(
  families: readonly PValueFamily[],
  level = SIGNIFICANCE_LEVEL,
): Multiplicity {
  if (!(level > 0 && level < 1)) throw new RangeError(`a level lies between 0 and 1, got ${level}`);
  const made = families.map((f) => ({
    family: f.family,
    p: f.p.filter((p): p is number => p !== null && Number.isFinite(p)),
  }));
  const all = made.flatMap((f) => f.p);
  const bonferroniLevel = all.length === 0 ? null : level / all.length;
  return {
    tests: all.length,
    families: made.map((f) => ({
      family: f.family,
      tests: f.p.length,
      belowLevel: f.p.filter((p) => p < level).length,
    })),
    level,
    adjustment: 'none',
    belowLevel: all.filter((p) => p < level).length,
    bonferroniLevel,
    belowBonferroni: bonferroniLevel === null ? 0 : all.filter((p) => p < bonferroniLevel).length,
    expectedByChance: level * all.length,
  };
}
