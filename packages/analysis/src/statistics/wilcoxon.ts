/**
 * Wilcoxon signed-rank test of paired values. By default exactly R's
 * `wilcox.test(x, y, paired = TRUE)` (R 4.2.2, stats/R/wilcox.test.R), so that a report
 * reproduces R:
 * - differences x - y of exactly 0 are dropped (the "wilcox" zero method);
 * - the exact null distribution is used when fewer than 50 non-zero differences remain and
 *   there are neither ties nor zeros (`exact = NULL`); `exact: true` asks for it at any n, but
 *   ties or zeros still force the normal approximation, with R's warning;
 * - otherwise the normal approximation with the tie correction of the variance and, by
 *   default, the continuity correction.
 * Two options go beyond R's stats (definitions.md 10.3):
 * - `exactWithTies: 'permutation'`: with ties or zeros, the exact permutation distribution of
 *   the midrank statistic instead of the normal approximation (coin's
 *   `wilcoxsign_test(distribution = exact())`, exactRankTests' `wilcox.exact`);
 * - `zeroMethod: 'pratt'`: Pratt (1959, JASA 54:655-667, doi:10.1080/01621459.1959.10501526,
 *   as coin's documentation cites it): the zeros are ranked with the other differences, then
 *   dropped, so the remaining ranks keep their places (coin's `zero.method = "Pratt"`).
 * The normal approximation is written for any ranks: mean sum(r)/2, variance sum(r^2)/4, which
 * for the wilcox method is R's n(n+1)/4 and n(n+1)(2n+1)/24 - sum(t^3 - t)/48. With
 * `correct: false` it is the "Asymptotic Sig." SPSS prints (no continuity correction, zeros
 * dropped; definitions.md 10.2).
 * Ties are judged on the raw differences, as R does (no rounding). No library offered R's
 * choice between exact and approximate: @stdlib/stats-wilcoxon decides by n alone.
 * packages/analysis/fixtures holds R's values for the tests (reference.json, paired.json).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { permutationDistribution, signedRankCounts } from './signed-rank-distribution.js';

export type Alternative = 'two-sided' | 'less' | 'greater';
export type ZeroMethod = 'wilcox' | 'pratt';
/** With ties or zeros: R's normal approximation (R refuses the exact test), or the exact permutation test. */
export type ExactWithTies = 'normal-approximation' | 'permutation';

export const WILCOXON_METHODS = [
  'exact',
  'exact permutation (midranks)',
  'normal approximation with continuity correction',
  'normal approximation',
] as const;
export type WilcoxonMethod = (typeof WILCOXON_METHODS)[number];

export interface WilcoxonResult {
  /**
   * V: the sum of the ranks of the positive differences x - y (Pratt: ranks among all, zeros
   * included), as R's `wilcox.test(x, y, paired = TRUE)`. comparePaired passes (before, after), so
   * V ranks before - after while its Hodges-Lehmann estimate is after - before (docs/analysis.md).
   */
  readonly statistic: number;
  readonly p: number | null;
  readonly method: WilcoxonMethod;
  readonly zeroMethod: ZeroMethod;
  /** Non-zero differences used. */
  readonly n: number;
  readonly zerosDropped: number;
  readonly ties: boolean;
  /** R's warnings, word for word. */
  readonly warnings: readonly string[];
}

export interface WilcoxonOptions {
  readonly alternative?: Alternative;
  /** null (default): exact when n < 50 (non-zero differences); true: exact at any n; false: never. */
  readonly exact?: boolean | null;
  readonly correct?: boolean;
  /** Default 'wilcox' (R, SPSS). */
  readonly zeroMethod?: ZeroMethod;
  /** Default 'normal-approximation' (R's wilcox.test). */
  readonly exactWithTies?: ExactWithTies;
}

export function wilcoxonSignedRank(
  x: readonly number[],
  y: readonly number[],
  options: WilcoxonOptions = {},
): WilcoxonResult {
  if (x.length !== y.length)
    throw new RangeError(`paired samples differ in length: ${x.length} and ${y.length}`);
  const alternative = options.alternative ?? 'two-sided';
  const correct = options.correct ?? true;
  const zeroMethod = options.zeroMethod ?? 'wilcox';
  const permutation = (options.exactWithTies ?? 'normal-approximation') === 'permutation';
  const all = x.map((xi, i) => xi - (y[i] as number));
  if (all.some((d) => !Number.isFinite(d)))
    throw new RangeError('paired values must be finite numbers');
  const { d, ranks } = signedRanks(all, zeroMethod);
  const zeros = all.length - d.length;
  const n = d.length;
  const ties = new Set(d.map(Math.abs)).size !== n;
  const wantExact = options.exact ?? n < 50;
  const exact = wantExact && !ties && zeros === 0;
  const exactPermutation = wantExact && !exact && permutation;
  const warnings =
    wantExact && !permutation
      ? [
          ...(ties ? ['cannot compute exact p-value with ties'] : []),
          ...(zeros > 0 ? ['cannot compute exact p-value with zeroes'] : []),
        ]
      : [];
  const statistic = d.reduce((sum, v, i) => (v > 0 ? sum + (ranks[i] as number) : sum), 0);
  const method: WilcoxonMethod = exact
    ? 'exact'
    : exactPermutation
      ? 'exact permutation (midranks)'
      : correct
        ? 'normal approximation with continuity correction'
        : 'normal approximation';
  const result = { statistic, method, zeroMethod, n, zerosDropped: zeros, ties, warnings };
  if (n === 0) return { ...result, p: null };
  const p = exact
    ? exactP(statistic, n, alternative)
    : exactPermutation
      ? permutationP(d, ranks, alternative)
      : normalP(statistic, ranks, alternative, correct);
  return { ...result, p };
}

/**
 * The non-zero differences and their ranks of |d| (midranks for ties): among the non-zero ones
 * (wilcox), or among all differences, zeros included, before the zeros are dropped (Pratt).
 */
export function signedRanks(
  all: readonly number[],
  zeroMethod: ZeroMethod,
): { d: number[]; ranks: number[] } {
  if (zeroMethod === 'pratt') {
    const ranksOfAll = midranks(all.map(Math.abs));
    const kept = all.flatMap((v, i) => (v === 0 ? [] : [i]));
    return {
      d: kept.map((i) => all[i] as number),
      ranks: kept.map((i) => ranksOfAll[i] as number),
    };
  }
  const d = all.filter((v) => v !== 0);
  return { d, ranks: midranks(d.map(Math.abs)) };
}

/** Ranks 1..n of the values, ties sharing their mean rank (R's rank(), ties.method "average"). */
export function midranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]?.[1] as number] = rank;
    i = j + 1;
  }
  return ranks;
}

/**
 * The normal approximation for any ranks: mean sum(r)/2, variance sum(r^2)/4, the moments of V
 * given the ranks under random signs (exactRankTests' asymptotic branch computes the same);
 * R's continuity correction moves V by 1/2 towards the mean.
 */
function normalP(
  v: number,
  ranks: readonly number[],
  alternative: Alternative,
  correct: boolean,
): number {
  const z0 = v - ranks.reduce((s, r) => s + r, 0) / 2;
  const sigma = Math.sqrt(ranks.reduce((s, r) => s + r * r, 0) / 4);
  const correction = !correct
    ? 0
    : alternative === 'two-sided'
      ? Math.sign(z0) * 0.5
      : alternative === 'greater'
        ? 0.5
        : -0.5;
  const z = (z0 - correction) / sigma;
  const below = normalCdf(z, 0, 1);
  const above = normalCdf(-z, 0, 1);
  if (alternative === 'less') return below;
  if (alternative === 'greater') return above;
  return 2 * Math.min(below, above);
}

/** R's exact p from psignrank: n untied, non-zero differences; counted in integers. */
function exactP(v: number, n: number, alternative: Alternative): number {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  const lower = (q: number) =>
    counts.slice(0, Math.floor(q) + 1).reduce((a, b) => a + b, 0) / total;
  const upper = (q: number) => 1 - lower(q); // P(V > q)
  if (alternative === 'less') return lower(v);
  if (alternative === 'greater') return upper(v - 1);
  const p = v > (n * (n + 1)) / 4 ? upper(v - 1) : lower(v);
  return Math.min(2 * p, 1);
}

/**
 * The exact permutation p of the midrank statistic, on the integer scores 2 x rank. Two-sided:
 * P(|T - E T| >= |t - E T|), which for this distribution (symmetric about its mean) is twice
 * the smaller tail, capped at 1, as coin and exactRankTests compute it.
 */
function permutationP(
  d: readonly number[],
  ranks: readonly number[],
  alternative: Alternative,
): number {
  const scores = ranks.map((r) => Math.round(2 * r));
  const total = scores.reduce((a, b) => a + b, 0);
  const observed = d.reduce((s, v, i) => (v > 0 ? s + (scores[i] as number) : s), 0);
  const probability = permutationDistribution(scores);
  let p = 0;
  for (let s = 0; s <= total; s++) {
    const inTail =
      alternative === 'less'
        ? s <= observed
        : alternative === 'greater'
          ? s >= observed
          : Math.abs(2 * s - total) >= Math.abs(2 * observed - total);
    if (inTail) p += probability[s] as number;
  }
  return Math.min(1, p);
}
