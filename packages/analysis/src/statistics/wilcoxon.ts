/**
 * Wilcoxon signed-rank test of paired values, exactly as R's `wilcox.test(x, y, paired = TRUE)`
 * (R 4.2.2, stats/R/wilcox.test.R), so that a report reproduces R:
 * - differences x - y of exactly 0 are dropped (the "wilcox" zero method);
 * - the exact null distribution is used when fewer than 50 non-zero differences remain and
 *   there are neither ties nor zeros (`exact = NULL`); `exact: true` asks for it at any n, but
 *   ties or zeros still force the normal approximation, with R's warning;
 * - otherwise the normal approximation with the tie correction of the variance and, by
 *   default, the continuity correction.
 * Ties are judged on the raw differences, as R does (no rounding). The exact distribution is
 * counted in integers (as R's psignrank); the normal tail comes from @stdlib. No library
 * offered R's choice between the two: @stdlib/stats-wilcoxon decides by n alone.
 * packages/analysis/fixtures holds R's values for the tests.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface WilcoxonResult {
  /** V: the sum of the ranks of the positive differences. */
  readonly statistic: number;
  readonly p: number | null;
  readonly method:
    | 'exact'
    | 'normal approximation with continuity correction'
    | 'normal approximation';
  /** Non-zero differences used. */
  readonly n: number;
  readonly zerosDropped: number;
  readonly ties: boolean;
  /** R's warnings, word for word. */
  readonly warnings: readonly string[];
}

export interface WilcoxonOptions {
  readonly alternative?: Alternative;
  /** null (default): exact when n < 50 without ties or zeros; true: exact at any n if possible. */
  readonly exact?: boolean | null;
  readonly correct?: boolean;
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
  const all = x.map((xi, i) => xi - (y[i] as number));
  if (all.some((d) => !Number.isFinite(d)))
    throw new RangeError('paired values must be finite numbers');
  const d = all.filter((v) => v !== 0);
  const zeros = all.length - d.length;
  const n = d.length;
  const magnitudes = d.map(Math.abs);
  const ties = new Set(magnitudes).size !== magnitudes.length;
  const wantExact = options.exact ?? n < 50;
  const exact = wantExact && !ties && zeros === 0;
  const warnings = [
    ...(wantExact && ties ? ['cannot compute exact p-value with ties'] : []),
    ...(wantExact && zeros > 0 ? ['cannot compute exact p-value with zeroes'] : []),
  ];
  const statistic = rankSumOfPositives(d);
  const method = exact
    ? 'exact'
    : correct
      ? 'normal approximation with continuity correction'
      : 'normal approximation';
  if (n === 0) return { statistic, p: null, method, n, zerosDropped: zeros, ties, warnings };
  const p = exact
    ? exactP(statistic, n, alternative)
    : normalP(statistic, n, tieCounts(magnitudes), alternative, correct);
  return { statistic, p, method, n, zerosDropped: zeros, ties, warnings };
}

/** Sizes of the groups of equal magnitudes (1 for an untied value). */
function tieCounts(magnitudes: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const m of magnitudes) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts.values()];
}

/** R's normal approximation: tie-corrected variance, continuity correction towards the mean. */
function normalP(
  v: number,
  n: number,
  ties: readonly number[],
  alternative: Alternative,
  correct: boolean,
): number {
  const z0 = v - (n * (n + 1)) / 4;
  const sigma = Math.sqrt(
    (n * (n + 1) * (2 * n + 1)) / 24 - ties.reduce((s, t) => s + (t ** 3 - t), 0) / 48,
  );
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

/** Average ranks of |d| (ties share their mean rank), summed over the positive d. */
function rankSumOfPositives(d: readonly number[]): number {
  const order = d.map((v, i) => [Math.abs(v), i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(d.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]?.[1] as number] = rank;
    i = j + 1;
  }
  return d.reduce((sum, v, i) => (v > 0 ? sum + (ranks[i] as number) : sum), 0);
}

/**
 * The exact null distribution of V for n untied, non-zero differences: the number of subsets
 * of {1..n} with each rank sum, over 2^n (R's psignrank), computed exactly in integers.
 */
function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let k = 1; k <= n; k++)
    for (let s = max; s >= k; s--) counts[s] = (counts[s] as number) + (counts[s - k] as number);
  return counts;
}

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
