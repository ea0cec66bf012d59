/**
 * A paired before/after comparison as the report gives it (definitions.md 10.2-10.3, ADR 0015):
 * - `wilcoxon`, the p the report stands on: the exact signed-rank test, and with ties or zero
 *   differences the exact permutation test of the midrank statistic (the [D] default of
 *   definitions.md 10.3); at 50 or more non-zero differences R's normal approximation with
 *   continuity correction. Zeros are dropped (wilcox, as R and SPSS) or ranked then dropped
 *   (Pratt), as asked. `exactWithTies: 'normal-approximation'` gives R's wilcox.test instead;
 * - `asymptotic`: the "Asymptotic Sig. (2-tailed)" SPSS prints (normal approximation with the
 *   tie-corrected variance, no continuity correction, zeros dropped), which the seed paper
 *   used, so that its verdicts can be compared (TV-4, TV-10). Printed beside, never instead;
 * - `hodgesLehmann`: the median change (after - before) with its exact interval.
 */
import { HODGES_LEHMANN_MAX_N, type HodgesLehmann, hodgesLehmann } from './hodges-lehmann.js';
import {
  type ExactWithTies,
  type WilcoxonResult,
  wilcoxonSignedRank,
  type ZeroMethod,
} from './wilcoxon.js';

export interface PairedTestOptions {
  /** Default 'wilcox'. */
  readonly zeroMethod?: ZeroMethod;
  /** Default 'permutation'. */
  readonly exactWithTies?: ExactWithTies;
}

export interface PairedComparison {
  readonly wilcoxon: WilcoxonResult;
  readonly asymptotic: WilcoxonResult;
  /** Of after - before; null without a pair, or when omitted (below). */
  readonly hodgesLehmann: HodgesLehmann | null;
  /** Why the estimate is missing though there are pairs: more than HODGES_LEHMANN_MAX_N. */
  readonly hodgesLehmannOmitted: 'too_many_pairs' | null;
}

export function comparePaired(
  before: readonly number[],
  after: readonly number[],
  options: PairedTestOptions = {},
): PairedComparison {
  return {
    wilcoxon: wilcoxonSignedRank(before, after, {
      zeroMethod: options.zeroMethod ?? 'wilcox',
      exactWithTies: options.exactWithTies ?? 'permutation',
    }),
    asymptotic: wilcoxonSignedRank(before, after, {
      exact: false,
      correct: false,
      zeroMethod: 'wilcox',
    }),
    hodgesLehmann:
      before.length > HODGES_LEHMANN_MAX_N
        ? null
        : hodgesLehmann(after.map((a, i) => a - (before[i] as number))),
    hodgesLehmannOmitted: before.length > HODGES_LEHMANN_MAX_N ? 'too_many_pairs' : null,
  };
}
