/**
 * Null distributions of the Wilcoxon signed-rank statistic V (the sum of the ranks of the
 * positive differences), under H0 that every one of the 2^n sign patterns is equally likely
 * (Wilcoxon 1945; Hollander & Wolfe 1973, ch. 3):
 * - `signedRankCounts`: n untied ranks 1..n, the distribution R's dsignrank/psignrank/qsignrank
 *   give, counted exactly in integers;
 * - `permutationDistribution`: any ranks, midranks of ties included, given as integer scores
 *   (twice the midrank is always a whole number). This is the exact conditional (permutation)
 *   distribution of coin's `wilcoxsign_test(distribution = exact())` and exactRankTests'
 *   `wilcox.exact` (definitions.md 10.3), obtained here by counting the sign patterns by their
 *   score sum (a subset-sum recursion), which equals full enumeration of the 2^n patterns.
 */

/** Number of subsets of {1..n} with each rank sum 0..n(n+1)/2 (R's csignrank, summed over 2^n). */
export function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let k = 1; k <= n; k++)
    for (let s = max; s >= k; s--) counts[s] = (counts[s] as number) + (counts[s - k] as number);
  return counts;
}

/** P(V <= q) for n untied ranks, as R's psignrank(q, n). */
export function pSignedRank(q: number, n: number): number {
  if (q < 0) return 0;
  const counts = signedRankCounts(n);
  const upTo = Math.min(Math.floor(q), counts.length - 1);
  let sum = 0;
  for (let s = 0; s <= upTo; s++) sum += counts[s] as number;
  return sum / 2 ** n;
}

/**
 * The smallest q with P(V <= q) >= p, as R's qsignrank(p, n) for p <= 0.5 (R's C code shifts
 * p down by 10 machine epsilons so that a probability hit exactly is not missed).
 */
export function qSignedRank(p: number, n: number): number {
  if (!(p >= 0 && p <= 0.5)) throw new RangeError(`qSignedRank takes 0 <= p <= 0.5, got ${p}`);
  const counts = signedRankCounts(n);
  const target = p - 10 * Number.EPSILON;
  const total = 2 ** n;
  let cumulative = 0;
  for (let q = 0; q < counts.length; q++) {
    cumulative += (counts[q] as number) / total;
    if (cumulative >= target) return q;
  }
  return counts.length - 1;
}

/**
 * The permutation distribution of the sum of the scores given a + sign: probability[s] of each
 * sum s = 0..sum(scores). Scores must be whole numbers >= 0 (2 x midrank). Computed in
 * probabilities halved at each step, so that no count overflows at large n.
 */
export function permutationDistribution(scores: readonly number[]): number[] {
  if (!scores.every((s) => Number.isInteger(s) && s >= 0))
    throw new RangeError('permutation scores must be whole numbers >= 0 (twice the midranks)');
  const total = scores.reduce((a, b) => a + b, 0);
  let probability = new Array<number>(total + 1).fill(0);
  probability[0] = 1;
  let reach = 0;
  for (const score of scores) {
    const next = new Array<number>(total + 1).fill(0);
    for (let s = 0; s <= reach; s++) {
      const q = probability[s] as number;
      if (q === 0) continue;
      next[s] = (next[s] as number) + q / 2;
      next[s + score] = (next[s + score] as number) + q / 2;
    }
    reach += score;
    probability = next;
  }
  return probability;
}
