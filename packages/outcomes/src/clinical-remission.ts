/**
 * Clinical remission over a series of visits (Wallace 2004, J Rheumatol 31:2290-4, PMID
 * 15517647; durations unchanged in Wallace 2011, doi:10.1002/acr.20497): clinical remission on
 * medication is 6 continuous months of inactive disease while on medication; off medication, 12
 * continuous months of inactive disease off all anti-arthritis and anti-uveitis medication.
 *
 * Continuity (ADR 0003): every visit from the first inactive visit of the run up to the
 * evaluation visit must be inactive, and no two consecutive visits may be further apart than
 * `maxGapDays` (default 4 months), since nothing is known about the time between them; a longer
 * gap makes the status undeterminable. Months are average Gregorian months (30.44 days).
 */
import type { MeasureInfo } from './citations.js';
import { DAYS_PER_MONTH } from './dates.js';
import type { Maybe, Outcome, Verdict } from './result.js';

export const clinicalRemissionMeasure: MeasureInfo = {
  id: 'clinical-remission',
  name: 'Clinical remission on and off medication',
  citations: ['wallace2004', 'wallace2011'],
};

export type RemissionStatus = 'off_medication' | 'on_medication' | 'none';

export interface RemissionVisit {
  /** Day number (see dates.ts). */
  readonly day: number;
  /** Clinical inactive disease at this visit (null: undeterminable). */
  readonly inactive: Verdict;
  /** On any anti-arthritis or anti-uveitis medication at this visit (and since the previous). */
  readonly onMedication: Maybe<boolean>;
}

export interface RemissionOptions {
  readonly maxGapDays?: number;
  readonly onMedicationMonths?: number;
  readonly offMedicationMonths?: number;
}

export interface RemissionResult extends Outcome<RemissionStatus> {
  /** First day of the run of inactive visits that ends at the evaluation visit, if any. */
  readonly inactiveSince: number | null;
}

function medicationIn(visits: readonly RemissionVisit[]): { anyOn: boolean; anyUnknown: boolean } {
  return {
    anyOn: visits.some((v) => v.onMedication === true),
    anyUnknown: visits.some((v) => v.onMedication === null || v.onMedication === undefined),
  };
}

/**
 * The run of inactive visits ending at the last one (sorted series): its first index, and
 * whether it may have begun earlier than that (a gap longer than `maxGap`, or an undetermined
 * visit, before it).
 */
function inactiveRun(
  series: readonly RemissionVisit[],
  maxGap: number,
): { start: number; undetermined: boolean } {
  for (let start = series.length - 1; start > 0; start--) {
    const previous = series[start - 1] as RemissionVisit;
    const current = series[start] as RemissionVisit;
    if (current.day - previous.day > maxGap || previous.inactive === null)
      return { start, undetermined: true };
    if (previous.inactive === false) return { start, undetermined: false };
  }
  return { start: 0, undetermined: false };
}

/**
 * Remission status at the last visit on or before `evaluationDay`. Visits may come in any order.
 */
export function evaluateClinicalRemission(
  visits: readonly RemissionVisit[],
  evaluationDay: number,
  options: RemissionOptions = {},
): RemissionResult {
  const maxGap = options.maxGapDays ?? 4 * DAYS_PER_MONTH;
  const onDays = (options.onMedicationMonths ?? 6) * DAYS_PER_MONTH;
  const offDays = (options.offMedicationMonths ?? 12) * DAYS_PER_MONTH;
  const series = visits.filter((v) => v.day <= evaluationDay).sort((a, b) => a.day - b.day);
  const last = series.at(-1);
  if (!last) return { value: null, complete: false, missing: ['visits'], inactiveSince: null };
  if (last.inactive !== true) {
    const value = last.inactive === false ? 'none' : null;
    return {
      value,
      complete: value !== null,
      missing: value ? [] : ['inactive'],
      inactiveSince: null,
    };
  }
  const { start, undetermined } = inactiveRun(series, maxGap);
  const run = series.slice(start);
  const since = (run[0] as RemissionVisit).day;
  const duration = last.day - since;
  // Off medication: the trailing window of offDays, from the last visit at or before its start.
  const windowStart = run.findLastIndex((v) => v.day <= last.day - offDays);
  const offWindow = windowStart >= 0 ? medicationIn(run.slice(windowStart)) : null;
  const whole = medicationIn(run);
  // Off-medication remission: met, not met, or undeterminable when a flag in the window is unknown.
  const offMet = !offWindow || offWindow.anyOn ? false : offWindow.anyUnknown ? null : true;
  let value: RemissionStatus | null;
  if (offMet === true) value = 'off_medication';
  else if (offMet === null) value = null;
  else if (duration >= onDays && whole.anyOn) value = 'on_medication';
  else if (duration >= onDays && whole.anyUnknown) value = null;
  else value = undetermined ? null : 'none';
  const missing = [
    ...(undetermined ? ['continuity'] : []),
    ...(whole.anyUnknown ? ['onMedication'] : []),
  ];
  return { value, complete: missing.length === 0, missing, inactiveSince: since };
}
