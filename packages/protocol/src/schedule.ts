/**
 * The visit schedule: the protocol's visits laid out on the subject's calendar (once from
 * enrolment, or a series after every infusion), matched with the recorded visits, each with its
 * status on the as-of day:
 * - upcoming: its window has not opened; due: the window is open;
 * - overdue: the window closed at most lateGraceDays ago (a late visit is still worth
 *   doing, and is a protocol deviation); missed: later than that;
 * - done: a recorded visit fulfils it (in its window, or late within the grace period).
 * A visit on or before its anchor (a pre-infusion visit) has no grace period: once the
 * infusion is given it can no longer be done, so it is missed.
 * A repeat infusion ends the previous infusion's series: its visits targeted on or after the
 * repeat are superseded by the new series and not listed, and no visit on or after the repeat
 * fulfils a visit of the earlier series. After a withdrawal only the visits done, or whose
 * window (and grace) closed before it, remain.
 */
import { day, formatIsoDate, studyDay } from './dates.js';
import type { ProtocolDefinition } from './definition.js';
import type { ScheduledVisit, VisitStatus } from './findings.js';
import type { SubjectTimeline, TimelineVisit } from './timeline.js';

interface Slot {
  readonly name: string;
  readonly infusion: number | null;
  readonly target: number;
  readonly start: number;
  readonly end: number;
  /** Days after the window during which the visit is overdue rather than missed. */
  readonly grace: number;
  /** The last day a visit can fulfil it: the day before the next infusion ends a series. */
  readonly lastDay: number;
  /** A visit on or before its anchor: matched first (it is the baseline of its infusion). */
  readonly pre: boolean;
  match: TimelineVisit | null;
}

function slotsOf(protocol: ProtocolDefinition, timeline: SubjectTimeline): Slot[] {
  const slots: Slot[] = [];
  const lateGrace = protocol.schedule.lateGraceDays;
  const add = (
    name: string,
    infusion: number | null,
    anchor: number,
    v: { day: number; windowBefore: number; windowAfter: number },
    next?: number,
  ) => {
    const target = anchor + v.day;
    const grace = v.day <= 0 ? 0 : lateGrace;
    const end = target + v.windowAfter;
    slots.push({
      name,
      infusion,
      target,
      start: target - v.windowBefore,
      end,
      grace,
      lastDay: next === undefined ? end + grace : Math.min(end + grace, next - 1),
      pre: v.day <= 0,
      match: null,
    });
  };
  const infusionDays = timeline.infusions.map((i) => day(i.date));
  for (const visit of protocol.schedule.visits) {
    if (visit.anchor === 'enrolment') {
      if (timeline.enrolmentDate !== null)
        add(visit.name, null, day(timeline.enrolmentDate), visit);
      continue;
    }
    infusionDays.forEach((anchor, k) => {
      const next = infusionDays[k + 1];
      const target = anchor + visit.day;
      if (next === undefined || target < next) add(visit.name, k + 1, anchor, visit, next);
    });
  }
  return slots.sort((a, b) => a.target - b.target || (a.infusion ?? 0) - (b.infusion ?? 0));
}

/**
 * Recorded visits to slots: first each slot takes the unused visit inside its window nearest
 * its target, then slots still open take a late visit (within the grace period) that no other
 * slot's window holds.
 */
function match(slots: Slot[], visits: readonly TimelineVisit[]): void {
  const used = new Set<TimelineVisit>();
  const nearest = (
    slot: Slot,
    from: number,
    to: number,
    allowed: (v: TimelineVisit) => boolean,
  ) => {
    let best: TimelineVisit | null = null;
    for (const visit of visits) {
      const d = day(visit.date);
      if (used.has(visit) || d < from || d > to || !allowed(visit)) continue;
      if (best === null || Math.abs(d - slot.target) < Math.abs(day(best.date) - slot.target))
        best = visit;
    }
    return best;
  };
  // Pre-infusion visits first: each is its infusion's baseline, and a follow-up window of the
  // previous series may overlap it.
  for (const slot of [...slots.filter((s) => s.pre), ...slots.filter((s) => !s.pre)]) {
    slot.match = nearest(slot, slot.start, Math.min(slot.end, slot.lastDay), () => true);
    if (slot.match) used.add(slot.match);
  }
  const inSomeWindow = (v: TimelineVisit) =>
    slots.some((s) => day(v.date) >= s.start && day(v.date) <= s.end);
  for (const slot of slots) {
    if (slot.match) continue;
    slot.match = nearest(slot, slot.end + 1, slot.lastDay, (v) => !inSomeWindow(v));
    if (slot.match) used.add(slot.match);
  }
}

/**
 * After a withdrawal, only the visits done, or whose window had closed before it, stay on the
 * schedule: nothing later is expected, so nothing later is overdue or missed.
 */
function beforeWithdrawal(slots: Slot[], withdrawalDate: string | null): Slot[] {
  if (withdrawalDate === null) return slots;
  const withdrawn = day(withdrawalDate);
  return slots.filter((s) => s.match !== null || s.end + s.grace < withdrawn);
}

function statusOf(slot: Slot, asOf: number): VisitStatus {
  if (slot.match) return 'done';
  if (asOf < slot.start) return 'upcoming';
  if (asOf <= slot.end) return 'due';
  if (asOf <= slot.end + slot.grace) return 'overdue';
  return 'missed';
}

export interface Schedule {
  readonly visits: readonly ScheduledVisit[];
  /** Study day 1, when known. */
  readonly studyDayOne: string | null;
  readonly studyDays: ReadonlyArray<{
    readonly visitId: string;
    readonly date: string;
    readonly studyDay: number | null;
  }>;
}

export function buildSchedule(
  protocol: ProtocolDefinition,
  timeline: SubjectTimeline,
  asOf: string,
): Schedule {
  const all = slotsOf(protocol, timeline);
  match(all, timeline.visits);
  const slots = beforeWithdrawal(all, timeline.withdrawalDate);
  const today = day(asOf);
  const reference =
    protocol.schedule.studyDayReference === 'first_infusion'
      ? (timeline.infusions[0]?.date ?? null)
      : timeline.enrolmentDate;
  return {
    visits: slots.map((slot) => ({
      name: slot.name,
      infusion: slot.infusion,
      targetDate: formatIsoDate(slot.target),
      windowStart: formatIsoDate(slot.start),
      windowEnd: formatIsoDate(slot.end),
      status: statusOf(slot, today),
      visitId: slot.match?.visitId ?? null,
      visitDate: slot.match?.date ?? null,
      late: slot.match !== null && day(slot.match.date) > slot.end,
    })),
    studyDayOne: reference,
    studyDays: timeline.visits.map((v) => ({
      visitId: v.visitId,
      date: v.date,
      studyDay: reference === null ? null : studyDay(day(v.date), day(reference)),
    })),
  };
}
