/**
 * Fisher's exact test of a 2x2 table, two-sided, as R's `fisher.test`: the sum of the
 * probabilities of every table with the observed margins that is no more probable than the
 * observed one (with R's relative tolerance of 1e-7 for ties in probability).
 * The table is [[a, b], [c, d]]: rows are the groups, columns the outcome.
 */
import hypergeometricPmf from '@stdlib/stats-base-dists-hypergeometric-pmf';

export function fisherExactP(
  table: readonly [readonly [number, number], readonly [number, number]],
): number {
  const [[a, b], [c, d]] = table;
  if (![a, b, c, d].every((v) => Number.isInteger(v) && v >= 0))
    throw new RangeError(`a 2x2 table holds whole numbers >= 0, got ${JSON.stringify(table)}`);
  // a ~ hypergeometric: N = all, K = first column, n = first row.
  const N = a + b + c + d;
  const K = a + c;
  const n = a + b;
  const lo = Math.max(0, n - (N - K));
  const hi = Math.min(n, K);
  const probabilities: number[] = [];
  for (let x = lo; x <= hi; x++) probabilities.push(hypergeometricPmf(x, N, K, n));
  const observed = probabilities[a - lo] as number;
  const relErr = 1 + 1e-7;
  const p = probabilities.filter((q) => q <= observed * relErr).reduce((s, q) => s + q, 0);
  return Math.min(1, p);
}
