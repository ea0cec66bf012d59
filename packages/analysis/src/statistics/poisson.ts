/**
 * The exact comparison of two Poisson rates: the rate ratio (x1/t1)/(x2/t2), its exact interval
 * and p-value from the binomial distribution of x1 given x1 + x2 (the conditional test, Fay
 * 2010), with null probability t1/(t1 + t2). The estimate and the interval are R's
 * `poisson.test(c(x1, x2), c(t1, t2))` (Clopper-Pearson on the binomial, mapped to the ratio).
 * Two two-sided p-values exist for the same test (definitions.md 8.4):
 * - `central` (the default): twice the smaller one-sided p, capped at 1 (Fay's
 *   `rateratio.test`, the "central" method of exactci). It is the p that matches the central
 *   Clopper-Pearson interval: p < alpha exactly when the interval excludes 1 (Fay 2010, R
 *   Journal 2(1):53-58);
 * - `minlike`: the sum of the probabilities of the outcomes no more likely than the observed
 *   one (R's `poisson.test`, through `binom.test`). It can fall below 0.05 while the interval
 *   includes 1 (TV-2: p = 0.033, CI 0.022-1.0005).
 * Both are returned; `p` is the one asked for, `pMethod` says which (ADR 0014).
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import binomialTest from '@stdlib/stats-binomial-test';

export const RATE_RATIO_P_METHODS = ['central', 'minlike'] as const;
export type RateRatioPMethod = (typeof RATE_RATIO_P_METHODS)[number];

export interface RateRatio {
  readonly events: readonly [number, number];
  readonly personTime: readonly [number, number];
  /** null when both counts are 0 (R: NaN); Infinity when only the second is 0. */
  readonly estimate: number | null;
  readonly ci: readonly [number, number];
  /** The p of `pMethod`. */
  readonly p: number;
  readonly pMethod: RateRatioPMethod;
  readonly pCentral: number;
  readonly pMinlike: number;
}

export function poissonRateRatio(
  events: readonly [number, number],
  personTime: readonly [number, number],
  confidence = 0.95,
  pMethod: RateRatioPMethod = 'central',
): RateRatio {
  const [x1, x2] = events;
  const [t1, t2] = personTime;
  if (![x1, x2].every((x) => Number.isInteger(x) && x >= 0))
    throw new RangeError(`event counts must be whole numbers >= 0, got ${x1} and ${x2}`);
  if (!(t1 > 0 && t2 > 0))
    throw new RangeError(`person-time must be positive, got ${t1} and ${t2}`);
  if (!RATE_RATIO_P_METHODS.includes(pMethod))
    throw new RangeError(`the rate ratio's p is central or minlike, got ${String(pMethod)}`);
  const n = x1 + x2;
  // R: binom.test on 0 trials gives p = 1 and the interval [0, 1] for the proportion.
  if (n === 0)
    return {
      events,
      personTime,
      estimate: null,
      ci: [0, Number.POSITIVE_INFINITY],
      p: 1,
      pMethod,
      pCentral: 1,
      pMinlike: 1,
    };
  const pi0 = t1 / (t1 + t2);
  const test = binomialTest(x1, n, { p: pi0, alpha: 1 - confidence });
  const toRatio = (p: number) => (p === 1 ? Number.POSITIVE_INFINITY : ((p / (1 - p)) * t2) / t1);
  const below = binomialCdf(x1, n, pi0); // P(X <= x1)
  // P(X >= x1) as P(n - X <= n - x1), n - X ~ Binomial(n, 1 - pi0): no cancellation in a small tail.
  const above = binomialCdf(n - x1, n, 1 - pi0);
  const pCentral = Math.min(1, 2 * Math.min(below, above));
  const pMinlike = test.pValue;
  return {
    events,
    personTime,
    estimate: x2 === 0 ? Number.POSITIVE_INFINITY : x1 / t1 / (x2 / t2),
    ci: [toRatio(test.ci[0] as number), toRatio(test.ci[1] as number)],
    p: pMethod === 'central' ? pCentral : pMinlike,
    pMethod,
    pCentral,
    pMinlike,
  };
}
