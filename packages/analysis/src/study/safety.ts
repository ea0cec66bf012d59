/**
 * Adverse events before versus after the first infusion (issue 6; the pilot's primary outcome,
 * AEs in the 3 months before versus after, Swart 2019; the windows below are jia-trial's
 * decisions, docs/analysis.md): equal windows of N months on each side, a window of N months
 * being N/12 years of 365.25 days. An AE counts by its onset: before when first infusion -
 * window <= onset day and it began before the first infusion, after when it began on or after
 * the infusion and onset day < first infusion + window. On the infusion day the onset and
 * infusion times decide, else the protocol's infusion-day rule (ae-timing.ts, ADR 0020). The
 * "after" side is cut at a withdrawal and at the data cut.
 * Provenance (ADR 0020): with 'all' every AE of the "before" window counts, those taken from
 * the chart before consent too (as the pilot compared); with 'prospective' the "before"
 * window starts at the consent day (its person-time with it), so that only AEs the study
 * collected are compared. A subject without a consent or enrolment date has then no "before"
 * side: its AEs there are counted as of unknown provenance and it is listed.
 * Each window's comparison is window-comparison.ts's.
 */

import { DAYS_PER_YEAR } from '@jia-trial/outcomes';
import {
  type AeProvenanceChoice,
  DEFAULT_AE_ANALYSIS,
  day,
  type InfusionDayRule,
  type SubjectTimeline,
  type TimelineAdverseEvent,
} from '@jia-trial/protocol';
import type { PairedTestOptions } from '../statistics/paired-comparison.js';
import type { RateRatioPMethod } from '../statistics/poisson.js';
import { consentOf, onsetAfter, provenanceOf } from './ae-timing.js';
import { compareWindows, type PatientWindows, type WindowComparison } from './window-comparison.js';

export type { WindowSide } from './window-comparison.js';

export interface AeWindowOptions {
  readonly windowMonths: number;
  /** The data cut: the "after" window of a subject infused less than a window ago ends there. */
  readonly asOf: string;
  readonly include?: ((ae: TimelineAdverseEvent) => boolean) | undefined;
  readonly rateRatioP?: RateRatioPMethod | undefined;
  readonly provenance?: AeProvenanceChoice | undefined;
  readonly infusionDayRule?: InfusionDayRule | undefined;
  readonly paired?: PairedTestOptions | undefined;
  readonly bootstrap?: { readonly resamples: number; readonly seed: number } | undefined;
}

export interface AeWindowAnalysis extends WindowComparison {
  readonly windowMonths: number;
  readonly windowDays: number;
  /** Which AEs of the "before" window count (ADR 0020). */
  readonly provenance: AeProvenanceChoice;
  readonly infusionDayRule: InfusionDayRule;
  /** Left out of the "before" window by the provenance: counted, never dropped silently. */
  readonly excluded: {
    /** Onset before the consent (prospective only). */
    readonly retrospective: number;
    /** Subjects without a consent or enrolment date (prospective only), and their AEs. */
    readonly unknownProvenance: number;
    readonly subjectsWithoutConsent: readonly string[];
  };
  /** Subjects infused again inside their "after" window: that window runs across the repeat. */
  readonly repeatInfusionInside: readonly string[];
}

export interface WindowRules {
  readonly asOf: string;
  readonly provenance: AeProvenanceChoice;
  readonly infusionDayRule: InfusionDayRule;
  readonly include: (ae: TimelineAdverseEvent) => boolean;
}

/** The first infusion's windows of one subject (who has an infusion). */
export function firstInfusionWindows(t: SubjectTimeline, windowDays: number, options: WindowRules) {
  const first = t.infusions[0] as SubjectTimeline['infusions'][number];
  const firstDay = day(first.date);
  const counted = t.adverseEvents.filter(options.include);
  const after = (ae: TimelineAdverseEvent) => onsetAfter(ae, first, options.infusionDayRule).after;
  const windowStart = firstDay - windowDays;
  const inBefore = counted.filter((ae) => day(ae.onsetDate) >= windowStart && !after(ae));
  const consent = consentOf(t);
  let pre = inBefore;
  let preDays = windowDays;
  let retrospective = 0;
  let unknown = 0;
  if (options.provenance === 'prospective') {
    if (consent === null) {
      unknown = inBefore.length;
      pre = [];
      preDays = 0;
    } else {
      pre = inBefore.filter((ae) => provenanceOf(ae.onsetDate, consent) === 'prospective');
      retrospective = inBefore.length - pre.length;
      // At risk from the consent day (counted) to the day before the infusion.
      preDays = Math.min(windowDays, Math.max(0, firstDay - day(consent.date)));
    }
  }
  const end = Math.min(
    firstDay + windowDays,
    day(options.asOf) + 1,
    t.withdrawalDate === null ? Number.POSITIVE_INFINITY : day(t.withdrawalDate) + 1,
  );
  const post = counted.filter((ae) => after(ae) && day(ae.onsetDate) < end);
  return {
    row: {
      subjectId: t.subjectId,
      pre,
      preDays,
      post,
      postDays: Math.max(0, end - firstDay),
    } satisfies PatientWindows,
    retrospective,
    unknown,
    withoutConsent: options.provenance === 'prospective' && consent === null,
    repeatInside: t.infusions.slice(1).some((i) => day(i.date) < end),
  };
}

export function analyseAeWindows(
  timelines: readonly SubjectTimeline[],
  options: AeWindowOptions,
): AeWindowAnalysis {
  const { windowMonths } = options;
  if (!(windowMonths > 0)) throw new RangeError(`an AE window is > 0 months, got ${windowMonths}`);
  const windowDays = (windowMonths / 12) * DAYS_PER_YEAR;
  const provenance = options.provenance ?? DEFAULT_AE_ANALYSIS.primaryProvenance;
  const infusionDayRule = options.infusionDayRule ?? DEFAULT_AE_ANALYSIS.infusionDayRule;
  const windows = timelines
    .filter((t) => t.infusions.length > 0)
    .map((t) =>
      firstInfusionWindows(t, windowDays, {
        asOf: options.asOf,
        provenance,
        infusionDayRule,
        include: options.include ?? (() => true),
      }),
    );
  const comparison = compareWindows(
    windows.map((w) => w.row),
    {
      rateRatioP: options.rateRatioP ?? 'central',
      paired: options.paired ?? {},
      bootstrap: options.bootstrap ?? DEFAULT_AE_ANALYSIS.bootstrap,
    },
  );
  return {
    windowMonths,
    windowDays,
    provenance,
    infusionDayRule,
    ...comparison,
    excluded: {
      retrospective: windows.reduce((s, w) => s + w.retrospective, 0),
      unknownProvenance: windows.reduce((s, w) => s + w.unknown, 0),
      subjectsWithoutConsent: windows.filter((w) => w.withoutConsent).map((w) => w.row.subjectId),
    },
    repeatInfusionInside: windows.filter((w) => w.repeatInside).map((w) => w.row.subjectId),
  };
}
