/** The report page's number and table formatting, shared by its sections. */
import type { ProportionInterval } from '../statistics/binomial.js';
import type { HodgesLehmann } from '../statistics/hodges-lehmann.js';
import type { RateRatioPMethod } from '../statistics/poisson.js';
import type { Summary } from '../statistics/quantiles.js';
import type { RatioNotEstimable } from '../study/window-comparison.js';
import { escapeXml as esc } from './svg.js';

export const n1 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? 'n/a'
    : (Math.round(x * 10) / 10).toString();
export const n2 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(2);
export const p = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? 'n/a'
    : x < 0.001
      ? '<0.001'
      : x.toFixed(3);
export const medianIqr = (s: Summary) =>
  s.n === 0 ? 'n/a' : `${n1(s.median)} (${n1(s.q25)}-${n1(s.q75)})`;
export const table = (head: readonly string[], rows: ReadonlyArray<readonly string[]>) =>
  `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

/** A proportion in a table cell: "2/6 (33%, 4-78%)". */
export const proportionCell = (x: ProportionInterval | null) =>
  x === null
    ? 'n/a'
    : `${x.x}/${x.n} (${Math.round(x.estimate * 100)}%, ${Math.round(x.ci[0] * 100)}-${Math.round(x.ci[1] * 100)}%)`;

/**
 * "-3.5 (-6 to -2; 96.9% CI)": the interval with its own exact level, which a discrete
 * distribution makes differ from the 95% asked for (at least 95% from n = 6 on).
 */
export function hodgesLehmannText(hl: HodgesLehmann | null): string {
  if (hl === null) return 'n/a';
  const level = Math.round(hl.achievedConfidence * 1000) / 10;
  return `${n1(hl.estimate)} (${n1(hl.ci[0])} to ${n1(hl.ci[1])}; ${level}% CI)`;
}

/** A bound of an interval: an infinite one (an unbounded ratio) as ∞, never "n/a". */
const bound = (x: number | null | undefined) =>
  x === Number.POSITIVE_INFINITY ? '∞' : x === Number.NEGATIVE_INFINITY ? '-∞' : n2(x);

/** An interval as "0.66-∞" (null: none, "n/a"). */
export const interval = (ci: readonly [number, number] | null | undefined) =>
  ci === null || ci === undefined ? 'n/a' : `${bound(ci[0])}-${bound(ci[1])}`;

/** Why a rate ratio (after/before) has no finite estimate, as the page says it. */
export const NOT_ESTIMABLE_TEXT: Readonly<Record<RatioNotEstimable, string>> = {
  no_aes_before: 'not estimable (no AEs before, every one after: unbounded)',
  no_aes: 'not estimable (no AEs before or after)',
};

/** "0.50", or "not estimable (no AEs before, every one after: unbounded)". */
export const ratioText = (r: {
  readonly notEstimable: RatioNotEstimable | null;
  readonly estimate: number | null;
}) => (r.notEstimable === null ? n2(r.estimate) : NOT_ESTIMABLE_TEXT[r.notEstimable]);

/** The same in a table cell: "∞ (no AEs before)", "none before or after". */
export const ratioCell = (r: {
  readonly notEstimable: RatioNotEstimable | null;
  readonly estimate: number | null;
}) =>
  r.notEstimable === 'no_aes_before'
    ? '∞ (no AEs before)'
    : r.notEstimable === 'no_aes'
      ? 'no AEs before or after'
      : n2(r.estimate);

/** The rate ratio's p method, as the report prints it beside the p. */
export const RATE_RATIO_P_TEXT: Readonly<Record<RateRatioPMethod, string>> = {
  central:
    'exact conditional test, central p: twice the smaller one-sided p, which agrees with the CI',
  minlike: "exact conditional test, minlike p as R's poisson.test (may disagree with the CI)",
};

/** Per-patient listings stop here in the page (report.json has them all): a registry has thousands. */
export const MAX_LISTED = 50;
export const list = (ids: readonly string[]) =>
  ids.length <= MAX_LISTED
    ? ids.map(esc).join(', ')
    : `${ids.slice(0, MAX_LISTED).map(esc).join(', ')} and ${ids.length - MAX_LISTED} more (report.json lists them)`;
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
