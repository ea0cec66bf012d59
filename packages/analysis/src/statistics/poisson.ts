/**
 * The exact comparison of two Poisson rates as R's `poisson.test(c(x1, x2), c(t1, t2))`: the
 * rate ratio (x1/t1)/(x2/t2), its exact interval and p-value from the binomial distribution of
 * x1 given x1 + x2 (conditional test, Fay 2010), with null probability t1/(t1 + t2).
 */
import binomialTest from '@stdlib/stats-binomial-test';

export interface RateRatio {
  readonly events: readonly [number, number];
  readonly personTime: readonly [number, number];
  /** null when both counts are 0 (R: NaN); Infinity when only the second is 0. */
  readonly estimate: number | null;
  readonly ci: readonly [number, number];
  readonly p: number;
}

export function poissonRateRatio(
  events: readonly [number, number],
  personTime: readonly [number, number],
  confidence = 0.95,
): RateRatio {
  const [x1, x2] = events;
  const [t1, t2] = personTime;
  if (![x1, x2].every((x) => Number.isInteger(x) && x >= 0))
    throw new RangeError(`event counts must be whole numbers >= 0, got ${x1} and ${x2}`);
  if (!(t1 > 0 && t2 > 0))
    throw new RangeError(`person-time must be positive, got ${t1} and ${t2}`);
  const n = x1 + x2;
  // R: binom.test on 0 trials gives p = 1 and the interval [0, 1] for the proportion.
  if (n === 0)
    return { events, personTime, estimate: null, ci: [0, Number.POSITIVE_INFINITY], p: 1 };
  const test = binomialTest(x1, n, { p: t1 / (t1 + t2), alpha: 1 - confidence });
  const toRatio = (p: number) => (p === 1 ? Number.POSITIVE_INFINITY : ((p / (1 - p)) * t2) / t1);
  return {
    events,
    personTime,
    estimate: x2 === 0 ? Number.POSITIVE_INFINITY : x1 / t1 / (x2 / t2),
    ci: [toRatio(test.ci[0] as number), toRatio(test.ci[1] as number)],
    p: test.pValue,
  };
}
