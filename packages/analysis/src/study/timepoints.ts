/**
 * Which visit stands for each time of the analysis: the baseline is the last visit on or before
 * the first infusion (the protocol engine's own definition, shared with the retreatment rule);
 * a read-out is the visit nearest its target day after the first infusion within its
 * tolerance (the earlier on a tie). A subject without one is missing, and is listed as such.
 */
import { baselineVisit, day, type SubjectTimeline, type TimelineVisit } from '@jia-trial/protocol';

export interface Timepoint {
  readonly id: string;
  readonly label: string;
  readonly day: number;
  readonly toleranceDays: number;
}

export function readoutVisit(
  timeline: SubjectTimeline,
  timepoint: Timepoint,
): TimelineVisit | null {
  const first = timeline.infusions[0];
  if (!first) return null;
  const target = day(first.date) + timepoint.day;
  let best: TimelineVisit | null = null;
  for (const visit of timeline.visits) {
    const distance = Math.abs(day(visit.date) - target);
    if (distance > timepoint.toleranceDays) continue;
    if (best === null || distance < Math.abs(day(best.date) - target)) best = visit;
  }
  return best;
}

export { baselineVisit };
