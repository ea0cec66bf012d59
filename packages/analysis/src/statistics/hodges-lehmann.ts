/**
 * The Hodges-Lehmann estimate of the location of paired differences (the pseudomedian, which is
 * the median difference when the differences are symmetric: R's ?wilcox.test, after Hollander &
 * Wolfe 1973, p. 34) with its exact distribution-free confidence interval (Bauer 1972, JASA
 * 67:687-690, doi:10.1080/01621459.1972.10481279, as R cites it): the median of the n(n+1)/2 Walsh averages
 * (d_i + d_j)/2, i <= j, and the interval between the Walsh averages of order qu and
 * n(n+1)/2 - qu + 1, with qu = qsignrank(alpha/2, n) (at least 1). This is R's
 * `wilcox.test(d, conf.int = TRUE)` on its exact branch (stats/R/wilcox.test.R, R 4.2.2),
 * including its achieved level: a discrete distribution cannot give every level, so the
 * interval's own level 1 - 2 psignrank(qu - 1, n) is returned beside the one asked for (with
 * n = 5 the widest interval, min to max, covers only 93.75%).
 * Unlike R, which drops zero differences before it estimates, every difference counts here,
 * zeros and ties included: the estimator is defined over all Walsh averages, and a patient
 * with no change is an observation of the location (ADR 0015). Without zeros or ties the
 * result is R's; with them, fixtures/paired.R computes the same formula in base R.
 */
import { pSignedRank, qSignedRank } from './signed-rank-distribution.js';

/**
 * Above this many pairs the estimate is not computed: the n(n+1)/2 Walsh averages and the
 * n(n+1)/2 + 1 counts of the exact distribution grow with n^2 (a registry of 10,000 would need
 * 50 million). The caller says why it is missing (`hodgesLehmannOmitted`).
 */
export const HODGES_LEHMANN_MAX_N = 200;

export interface HodgesLehmann {
  /** Differences used (every pair, zeros included). */
  readonly n: number;
  readonly estimate: number;
  readonly ci: readonly [number, number];
  /** The level asked for. */
  readonly confidence: number;
  /** The interval's exact level (>= confidence unless n is too small to reach it). */
  readonly achievedConfidence: number;
  readonly method: 'exact (Walsh averages, signed-rank distribution)';
}

/** The Walsh averages (d_i + d_j)/2 for i <= j, sorted. */
export function walshAverages(d: readonly number[]): number[] {
  const averages: number[] = [];
  for (let i = 0; i < d.length; i++)
    for (let j = i; j < d.length; j++) averages.push(((d[i] as number) + (d[j] as number)) / 2);
  return averages.sort((a, b) => a - b);
}

/**
 * Null for no differences. `differences` are read-out minus baseline (or any paired d); at most
 * HODGES_LEHMANN_MAX_N of them (more are refused: see hodgesLehmannOmitted).
 */
export function hodgesLehmann(
  differences: readonly number[],
  confidence = 0.95,
): HodgesLehmann | null {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must lie between 0 and 1, got ${confidence}`);
  const bad = differences.findIndex((d) => !Number.isFinite(d));
  if (bad >= 0)
    throw new RangeError(
      `paired differences must be finite numbers: difference ${bad + 1} is ${differences[bad]}`,
    );
  const n = differences.length;
  if (n === 0) return null;
  if (n > HODGES_LEHMANN_MAX_N)
    throw new RangeError(
      `the exact Hodges-Lehmann interval is computed for at most ${HODGES_LEHMANN_MAX_N} pairs, got ${n}`,
    );
  const w = walshAverages(differences);
  const m = w.length;
  const estimate =
    m % 2 === 1
      ? (w[(m - 1) / 2] as number)
      : ((w[m / 2 - 1] as number) + (w[m / 2] as number)) / 2;
  const alpha = 1 - confidence;
  const qu = Math.max(1, qSignedRank(alpha / 2, n));
  const ql = m - qu;
  return {
    n,
    estimate,
    ci: [w[qu - 1] as number, w[ql] as number],
    confidence,
    achievedConfidence: 1 - 2 * pSignedRank(qu - 1, n),
    method: 'exact (Walsh averages, signed-rank distribution)',
  };
}
