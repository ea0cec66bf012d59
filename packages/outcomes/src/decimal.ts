/**
 * Decimal boundary arithmetic (ADR 0002).
 *
 * Clinical thresholds sit on decimal values: an improvement of exactly 30% (PhGA 4 -> 2.8) must
 * count, but in binary floating point (2.8 - 4) / 4 is -0.30000000000000004. Every boundary
 * decision in this library is therefore taken on integers: each value is rounded to a whole
 * number of micro-units (10^-6 of its unit), which represents every decimal a clinical form can
 * hold exactly, and comparisons of ratios are cross-multiplied instead of divided
 * (`100*f <= 70*b` rather than `(f-b)/b <= -0.3`). Derived numbers (JADAS, DI) are summed in
 * micro-units and converted back once, so they print without binary noise (6.4, not
 * 6.3999999999999995).
 */

/** Micro-units per unit: six decimal places, exact for every value a clinical form records. */
export const MICRO = 1_000_000;

/** Largest magnitude accepted as a clinical value; keeps micro-unit products exact in doubles. */
export const MAX_MAGNITUDE = 1e9;

/** Rounds a value to an integer count of micro-units. Throws on NaN, infinities and huge values. */
export function toMicro(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
    throw new RangeError(`not a finite clinical value within +/-${MAX_MAGNITUDE}: ${value}`);
  }
  // `+ 0` turns Math.round's -0 into 0.
  return Math.round(value * MICRO) + 0;
}

/** Converts micro-units back to a number; the result is the shortest double for that decimal. */
export function fromMicro(micro: number): number {
  return micro / MICRO;
}

/** Rounds to six decimals, removing binary noise left by floating-point arithmetic. */
export function roundDecimal(value: number): number {
  return fromMicro(toMicro(value));
}

/**
 * Compares a*m with b*n exactly (a, b in micro-units; m, n small integer factors). Falls back to
 * BigInt when a product leaves the range in which doubles are exact.
 */
export function compareProducts(a: number, m: number, b: number, n: number): -1 | 0 | 1 {
  const left = a * m;
  const right = b * n;
  if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) {
    return left < right ? -1 : left > right ? 1 : 0;
  }
  // Factors may be fractional (a percentage option such as 12.5): scale both by 10^6, which
  // leaves the comparison unchanged and makes them integers.
  const bigLeft = BigInt(a) * BigInt(Math.round(m * MICRO));
  const bigRight = BigInt(b) * BigInt(Math.round(n * MICRO));
  return bigLeft < bigRight ? -1 : bigLeft > bigRight ? 1 : 0;
}

/** Exact decimal comparison of two values: -1, 0 or 1. */
export function compareDecimal(a: number, b: number): -1 | 0 | 1 {
  const x = toMicro(a);
  const y = toMicro(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The comparison operators used in published thresholds. */
export type Comparator = '<' | '<=' | '>' | '>=';

/** Applies a published threshold (`value op threshold`) in exact decimal arithmetic. */
export function meetsThreshold(value: number, comparator: Comparator, threshold: number): boolean {
  const c = compareDecimal(value, threshold);
  switch (comparator) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}
