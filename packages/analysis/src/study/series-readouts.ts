/**
 * Read-outs after a repeat infusion (issue 14 section 4): the response measured from each
 * infusion series' own infusion, beside the study read-out measured from the first (efficacy.ts).
 * Series k is a subject's k-th infusion and the visits that follow it until the next one (the
 * protocol engine's series: a repeat infusion ends the previous series, docs/protocol-engine.md).
 * For series k:
 * - the read-out is the visit nearest infusion k + the read-out's day within its tolerance,
 *   after infusion k and before infusion k + 1 (a visit on the day of the next infusion is that
 *   infusion's pre-infusion visit, not a read-out of this series);
 * - it is compared with the series' own baseline, the last visit on or before infusion k (for
 *   k > 1, after infusion k - 1), and, for k > 1, also with the study's baseline before the first
 *   infusion, the reference of the retreatment rule (protocols/msc-jia/README.md);
 * - a subject re-infused before the read-out window closed, without a read-out, is listed as
 *   superseded (and counts as a non-responder under non-responder imputation), never dropped.
 * Each series is analysed on its own: one pair per subject, so the paired tests keep
 * independent pairs; series are not pooled (a patient's series are not independent).
 */
import { day, type SubjectTimeline, type TimelineVisit } from '@jia-trial/protocol';
import {
  analyseSubjectReadouts,
  type ReadoutAnalysis,
  type ReadoutOptions,
  type SubjectReadout,
} from './efficacy.js';
import { baselineVisit, type Timepoint } from './timepoints.js';

export interface SeriesReadout {
  /** 1 = the first infusion's series. */
  readonly series: number;
  /** Against the last visit before the series' own infusion. */
  readonly ownBaseline: ReadoutAnalysis;
  /** Against the baseline before the first infusion; null for series 1 (the same baseline). */
  readonly firstBaseline: ReadoutAnalysis | null;
}

/** The series' read-out visit: nearest the target day after infusion k, before infusion k + 1. */
export function seriesReadoutVisit(
  timeline: SubjectTimeline,
  timepoint: Timepoint,
  series: number,
): TimelineVisit | null {
  const infusion = timeline.infusions[series - 1];
  if (!infusion) return null;
  const next = timeline.infusions[series];
  const target = day(infusion.date) + timepoint.day;
  let best: TimelineVisit | null = null;
  for (const visit of timeline.visits) {
    const at = day(visit.date);
    if (at <= day(infusion.date) || (next && at >= day(next.date))) continue;
    const distance = Math.abs(at - target);
    if (distance > timepoint.toleranceDays) continue;
    if (best === null || distance < Math.abs(day(best.date) - target)) best = visit;
  }
  return best;
}

/** The last visit on or before infusion k and, for k > 1, after infusion k - 1. */
export function seriesBaselineVisit(
  timeline: SubjectTimeline,
  series: number,
): TimelineVisit | null {
  const infusion = timeline.infusions[series - 1];
  if (!infusion) return null;
  const previous = series > 1 ? timeline.infusions[series - 2] : undefined;
  return (
    timeline.visits.findLast(
      (v) => v.date <= infusion.date && (previous === undefined || v.date > previous.date),
    ) ?? null
  );
}

export function analyseSeriesReadouts(
  timelines: readonly SubjectTimeline[],
  timepoint: Timepoint,
  limits: { esrUpperLimit: number; crpUpperLimit: number },
  asOf: string,
  options: ReadoutOptions = {},
): SeriesReadout[] {
  const most = Math.max(0, ...timelines.map((t) => t.infusions.length));
  const out: SeriesReadout[] = [];
  for (let k = 1; k <= most; k++) {
    const subjects = timelines
      .filter((t) => t.infusions.length >= k)
      .map((t) => {
        const anchorDate = t.infusions[k - 1]?.date as string;
        const closes = day(anchorDate) + timepoint.day + timepoint.toleranceDays;
        const next = t.infusions[k];
        return {
          timeline: t,
          readout: seriesReadoutVisit(t, timepoint, k),
          due: closes <= day(asOf),
          superseded: next !== undefined && day(next.date) <= closes,
          anchorDate,
        };
      });
    const withBaseline = (baseline: (t: SubjectTimeline) => TimelineVisit | null) =>
      subjects.map((s): SubjectReadout => ({ ...s, baseline: baseline(s.timeline) }));
    const settings = { ...options, limits };
    out.push({
      series: k,
      ownBaseline: analyseSubjectReadouts(
        withBaseline((t) => seriesBaselineVisit(t, k)),
        timepoint,
        settings,
        k,
        'series',
      ),
      firstBaseline:
        k === 1
          ? null
          : analyseSubjectReadouts(withBaseline(baselineVisit), timepoint, settings, k, 'first'),
    });
  }
  return out;
}
