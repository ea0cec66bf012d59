/**
 * Numbers of the study report (report.json) in words for its tables: medians with quartiles,
 * p-values, proportions with their 95% interval. A fixed locale, so every reader (and every
 * screenshot) reads them alike; a missing or non-finite number (report.json writes an infinite
 * rate ratio as null) is "—", never 0.
 */
import { listOf, numberOf, objectOf } from '../subject/read.js';

const TWO = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export const num = (value: unknown): string => {
  const n = numberOf(value);
  return n === null ? '—' : TWO.format(n);
};

/** A p-value: three decimals, below 0.001 as "< 0.001". */
export function pText(value: unknown): string {
  const p = numberOf(value);
  if (p === null) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A summary `{n, median, q25, q75, min, max}` as "8.5 (7.25–11.25), range 5–16, n = 6". */
export function summaryText(value: unknown): string {
  const s = objectOf(value);
  if (numberOf(s.median) === null) return `— (n = ${num(s.n)})`;
  return `${num(s.median)} (${num(s.q25)}–${num(s.q75)}), range ${num(s.min)}–${num(s.max)}, n = ${num(s.n)}`;
}

/** An interval `[low, high]` as "0.05–1.03". */
export function intervalText(value: unknown): string {
  const [low, high] = listOf(value);
  return numberOf(low) === null && numberOf(high) === null ? '—' : `${num(low)}–${num(high)}`;
}

/** A proportion `{x, n, estimate, ci}` as "3 / 6 = 50% (95% CI 12%–88%)". */
export function proportionText(value: unknown): string {
  const p = objectOf(value);
  const pct = (v: unknown) => {
    const n = numberOf(v);
    return n === null ? '—' : `${Math.round(n * 100)}%`;
  };
  const [low, high] = listOf(p.ci);
  return `${num(p.x)} / ${num(p.n)} = ${pct(p.estimate)} (95% CI ${pct(low)}–${pct(high)})`;
}

/**
 * A rate ratio's interval `[low, high]`, where report.json writes an infinite upper bound as null
 * (docs/analysis.md, "Unbounded rate ratios"): "0.66–∞".
 */
export function ratioIntervalText(value: unknown): string {
  const [low, high] = listOf(value);
  if (numberOf(low) === null) return '—';
  return `${num(low)}–${numberOf(high) === null ? '∞' : num(high)}`;
}

const NOT_ESTIMABLE: Readonly<Record<string, string>> = {
  no_aes_before: 'not estimable (no AEs before, every one after: unbounded)',
  no_aes: 'not estimable (no AEs before or after)',
};

/** A rate ratio's estimate, or why there is none. */
export function ratioText(ratio: { readonly estimate?: unknown; readonly notEstimable?: unknown }) {
  const why =
    typeof ratio.notEstimable === 'string' ? NOT_ESTIMABLE[ratio.notEstimable] : undefined;
  return why ?? num(ratio.estimate);
}
