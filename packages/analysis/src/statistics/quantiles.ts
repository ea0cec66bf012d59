/** Quantiles as R's `quantile(x, type = 7)` (its default), the median, and the IQR. */

export function quantile(values: readonly number[], probability: number): number | null {
  if (values.length === 0) return null;
  if (!(probability >= 0 && probability <= 1))
    throw new RangeError(`probability ${probability} is not in [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * probability;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export interface Summary {
  readonly n: number;
  readonly median: number | null;
  readonly q25: number | null;
  readonly q75: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** Median with IQR (type 7) and range; null for an empty sample. */
export function summarise(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: quantile(values, 0.5),
    q25: quantile(values, 0.25),
    q75: quantile(values, 0.75),
    min: values.length === 0 ? null : Math.min(...values),
    max: values.length === 0 ? null : Math.max(...values),
  };
}
