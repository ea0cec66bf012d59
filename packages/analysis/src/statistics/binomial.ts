/**
 * Exact binomial inference as R's `binom.test` (via @stdlib/stats-binomial-test, which
 * reproduces it): the two-sided p-value, the Clopper-Pearson interval, the exact sign test,
 * and the exact McNemar test on the discordant pairs.
 */
import binomialTest from '@stdlib/stats-binomial-test';

export interface ProportionInterval {
  readonly x: number;
  readonly n: number;
  readonly estimate: number;
  /** Clopper-Pearson (exact) interval. */
  readonly ci: readonly [number, number];
}

/** The proportion x/n with its Clopper-Pearson interval (R: binom.test(x, n)$conf.int). */
export function clopperPearson(x: number, n: number, confidence = 0.95): ProportionInterval {
  if (!(Number.isInteger(x) && Number.isInteger(n) && n >= 1 && x >= 0 && x <= n))
    throw new RangeError(`a proportion needs whole numbers 0 <= x <= n and n >= 1, got ${x}/${n}`);
  const result = binomialTest(x, n, { alpha: 1 - confidence });
  return { x, n, estimate: x / n, ci: [result.ci[0] as number, result.ci[1] as number] };
}

/** Two-sided exact binomial p-value of x successes in n against probability p. */
export function binomialP(x: number, n: number, p = 0.5): number {
  return binomialTest(x, n, { p }).pValue;
}

/**
 * Exact sign test of paired values: the number of positive differences among the non-zero
 * ones against 1/2. Null when every difference is zero.
 */
export function signTest(
  x: readonly number[],
  y: readonly number[],
): { positive: number; n: number; p: number | null } {
  const d = x.map((xi, i) => xi - (y[i] as number)).filter((v) => v !== 0);
  const positive = d.filter((v) => v > 0).length;
  return { positive, n: d.length, p: d.length === 0 ? null : binomialP(positive, d.length) };
}

/**
 * Exact McNemar test: b pairs changed one way, c the other; the binomial test of b in b + c
 * against 1/2. Null when no pair changed (R's binom.test refuses n = 0).
 */
export function exactMcNemar(b: number, c: number): number | null {
  return b + c === 0 ? null : binomialP(b, b + c);
}
