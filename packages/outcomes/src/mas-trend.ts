/**
 * Early warning of evolving macrophage activation syndrome (MAS) from the trend of its laboratory
 * values between two visits. NOT classification or diagnostic criteria: a prompt to look again,
 * for the patient in whom the 2016 criteria (mas.ts) cannot yet apply, typically because there is
 * no fever.
 *
 * Rule (a jia-trial design decision [D], ADR 0018): a value moved in the direction of MAS by at
 * least its threshold from the previous value of the same analyte: ferritin or AST rose by at
 * least `risePercent`, platelets or fibrinogen fell by at least `fallPercent`:
 *   rise:  to >= (1 + p/100) * from        fall:  to <= (1 - p/100) * from        (from > 0)
 * A rise from 0 to more counts (an unbounded relative rise); nothing falls from 0. Thresholds are
 * inclusive and decided on exact decimals (ADR 0002), never binary floating point.
 *
 * Sources:
 * - Which analytes, and that their change matters before the thresholds are crossed: Ravelli A,
 *   Minoia F, Davi S, et al. Expert consensus on dynamics of laboratory tests for diagnosis of
 *   MAS complicating sJIA. RMD Open 2016;2(1):e000161 [V: abstract]: "platelet count, ferritin
 *   level and AST were the laboratory tests in which the experts found change over time to be
 *   most important"; fibrinogen was also among the tests selected. The same paper leaves "the
 *   optimal cut-off values for their variation" to a prospective study: the percentages here
 *   are therefore jia-trial's defaults [D], named options of the protocol.
 * - Why without fever: under IL-6 blockade MAS presents less often febrile and with lower
 *   ferritin, so the 2016 criteria classify it less often (Shimizu M, et al. Pediatr Rheumatol
 *   2020;18:2 [V: abstract]; Schulert GS, et al. Arthritis Care Res 2018 [S: abstract at a
 *   repository, identifiers unconfirmed]).
 * - A relative fall in platelets or fibrinogen rather than an absolute one, a progressive rise in
 *   ferritin [S: the Egyptian MAS consensus, Egypt Rheumatol Rehabil 2022, Table 4].
 *
 * Missing values: an analyte without both values is not compared (listed in `missing`); the
 * warning is raised by any analyte that crossed its threshold, and is false only when every
 * analyte watched was compared and none did.
 */
import type { MeasureInfo } from './citations.js';
import { compareProducts, fromMicro, toMicro } from './decimal.js';
import { isPresent, type Maybe, type Outcome } from './result.js';

export const masTrendMeasure: MeasureInfo = {
  id: 'mas-trend',
  name: 'Early warning of evolving MAS: trend of the MAS laboratory values (not criteria)',
  citations: ['ravelli2016dynamics', 'shimizu2020'],
};

/** The analytes watched, each with the direction in which MAS moves it. */
export const MAS_TREND_DIRECTIONS = {
  ferritin: 'rise',
  platelets: 'fall',
  ast: 'rise',
  fibrinogen: 'fall',
} as const;
export type MasTrendAnalyte = keyof typeof MAS_TREND_DIRECTIONS;
export const MAS_TREND_ANALYTES = Object.keys(MAS_TREND_DIRECTIONS) as readonly MasTrendAnalyte[];

/**
 * The minimum relative change, in percent with at most 1 decimal, per analyte; null leaves the
 * analyte unwatched. A fall must be below 100% (a fall of 100% is to 0).
 */
export type MasTrendThresholds = Readonly<Record<MasTrendAnalyte, number | null>>;

/**
 * jia-trial's defaults [D] (ADR 0018): ferritin and AST up by half, platelets and fibrinogen down
 * by a quarter. No published cut-off exists (Ravelli 2016, RMD Open); these are chosen to be
 * well beyond day-to-day analytical and biological variation of each test yet far short of the
 * changes of MAS onset, so that a warning comes while the classification thresholds are still
 * unmet.
 */
export const MAS_TREND_DEFAULTS: MasTrendThresholds = Object.freeze({
  ferritin: 50,
  platelets: 25,
  ast: 50,
  fibrinogen: 25,
});

/** Laboratory values of one visit in standard units (ng/mL, 10^9/L, U/L, mg/dL). */
export type MasTrendLabs = Readonly<Partial<Record<MasTrendAnalyte, Maybe<number>>>>;

export interface MasTrendChange {
  readonly analyte: MasTrendAnalyte;
  readonly direction: 'rise' | 'fall';
  readonly from: number;
  readonly to: number;
  /** (to - from) / from in percent, to 1 decimal; null from 0. For display: decided exactly. */
  readonly percent: number | null;
  /** The threshold it met. */
  readonly thresholdPercent: number;
}

export interface MasTrendResult extends Outcome<boolean> {
  /** The changes that met their threshold, in MAS_TREND_ANALYTES order. */
  readonly changes: readonly MasTrendChange[];
}

/**
 * The threshold as an integer number of tenths of a percent (at most 1 decimal, so that the
 * comparison is exact); a RangeError for anything else.
 */
function tenths(analyte: MasTrendAnalyte, percent: number): number {
  const fall = MAS_TREND_DIRECTIONS[analyte] === 'fall';
  const scaled = Math.round(percent * 10);
  if (
    !Number.isFinite(percent) ||
    percent <= 0 ||
    (fall && percent >= 100) ||
    Math.abs(scaled - percent * 10) > 1e-9
  )
    throw new RangeError(
      `MAS trend threshold for ${analyte} must be a percentage above 0${fall ? ' and below 100' : ''} with at most 1 decimal: ${percent}`,
    );
  return scaled;
}

/**
 * Whether `from` -> `to` is a change of at least `percent` in the analyte's MAS direction.
 * Throws a RangeError on a negative value or an invalid threshold.
 */
export function isMasTrendChange(
  analyte: MasTrendAnalyte,
  from: number,
  to: number,
  percent: number,
): boolean {
  const p = tenths(analyte, percent);
  const a = toMicro(from);
  const b = toMicro(to);
  if (a < 0 || b < 0) throw new RangeError(`${analyte} must be >= 0: ${from} -> ${to}`);
  // In tenths of a percent: 1000 to >= (1000 + p) from, or 1000 to <= (1000 - p) from.
  if (MAS_TREND_DIRECTIONS[analyte] === 'rise')
    return a === 0 ? b > 0 : compareProducts(b, 1000, a, 1000 + p) >= 0;
  return a > 0 && compareProducts(b, 1000, a, 1000 - p) <= 0;
}

/** The relative change in percent to 1 decimal, for display; null from 0. */
function percentChange(from: number, to: number): number | null {
  const a = toMicro(from);
  if (a === 0) return null;
  return Math.round((1000 * (toMicro(to) - a)) / a) / 10;
}

/**
 * Compares two visits' MAS laboratory values (standard units). `value`: true when any watched
 * analyte met its threshold, false when every watched analyte was compared and none did, null
 * otherwise.
 */
export function evaluateMasTrend(
  previous: MasTrendLabs,
  current: MasTrendLabs,
  thresholds: MasTrendThresholds = MAS_TREND_DEFAULTS,
): MasTrendResult {
  const changes: MasTrendChange[] = [];
  const missing: string[] = [];
  for (const analyte of MAS_TREND_ANALYTES) {
    const percent = thresholds[analyte];
    if (percent === null) continue;
    tenths(analyte, percent);
    const from = previous[analyte];
    const to = current[analyte];
    if (!isPresent(from) || !isPresent(to)) {
      missing.push(analyte);
      continue;
    }
    if (isMasTrendChange(analyte, from, to, percent))
      changes.push({
        analyte,
        direction: MAS_TREND_DIRECTIONS[analyte],
        from: fromMicro(toMicro(from)),
        to: fromMicro(toMicro(to)),
        percent: percentChange(from, to),
        thresholdPercent: percent,
      });
  }
  return {
    value: changes.length > 0 ? true : missing.length > 0 ? null : false,
    complete: missing.length === 0,
    missing,
    changes,
  };
}
