/**
 * Intercurrent events of a read-out (issue 14, section 6; ADR 0023): concomitant treatment that
 * changed between the infusion a read-out counts from and the read-out visit, and that can
 * affect the outcome measured there. ICH E9(R1), the addendum on estimands and sensitivity
 * analysis in clinical trials (EMA/CHMP/ICH/436221/2017 [S: the EMA's draft front page]), asks
 * that an estimand state how "intercurrent events" are handled, "such as discontinuation of
 * assigned treatment, use of an additional or alternative treatment and terminal events such as
 * death" [S: the addendum's introduction as reproduced by ris.world]; its strategies include
 * treatment policy, hypothetical, composite, while on treatment and principal stratum [S:
 * Stat Med 2025, doi:10.1002/sim.70104, abstract]. The final (step 4) text was not read; the
 * date of its adoption, November 2019, is recalled [M].
 *
 * The pilot's efficacy analysis compares observed values whatever else was given: the
 * treatment-policy strategy of E9(R1) [D]. This module does not change that estimate; it lists
 * the events per read-out so a reader can judge it, and a hypothetical or composite strategy can
 * be added as a named option later. Events listed [D]:
 * - `intra_articular_injection`: a medication with route `intra_articular` given in the window
 *   (start date in it), with its joints;
 * - `corticosteroid_started`: a systemic corticosteroid (class `corticosteroid`, route not
 *   intra-articular) whose record starts in the window: a new course or a changed dose (a dose
 *   change is recorded as a new row from the day it changed, docs/bundle-format.md);
 * - `corticosteroid_stopped`: a systemic corticosteroid stopped in the window (a taper ending).
 * The window is from the day after the infusion to the read-out visit's day, both included; a
 * subject without a read-out visit has no window and nothing listed.
 */
import type { SubjectTimeline, TimelineMedication, TimelineVisit } from '@jia-trial/protocol';

export type IntercurrentKind =
  | 'intra_articular_injection'
  | 'corticosteroid_started'
  | 'corticosteroid_stopped';

export interface IntercurrentEvent {
  readonly subjectId: string;
  readonly kind: IntercurrentKind;
  readonly drug: string;
  /** The day the event happened (a start, an injection, or a stop). */
  readonly eventDate: string;
  readonly doseMg: number | null;
  readonly route: string | null;
  readonly jointCodes: readonly string[];
}

export interface IntercurrentEvents {
  /** The E9(R1) strategy of the read-out's estimate for these events. */
  readonly strategy: 'treatment_policy';
  readonly events: readonly IntercurrentEvent[];
  /** Subjects with at least one event. */
  readonly subjectsWithEvents: readonly string[];
}

const isInjection = (m: TimelineMedication) => m.route === 'intra_articular';
const isSystemicSteroid = (m: TimelineMedication) =>
  m.drugClass === 'corticosteroid' && !isInjection(m);

/** The events of one subject between the anchor (infusion) date, excluded, and the read-out. */
export function intercurrentEventsOf(
  timeline: SubjectTimeline,
  anchorDate: string,
  readout: TimelineVisit,
): IntercurrentEvent[] {
  const inWindow = (date: string | null): date is string =>
    date !== null && date > anchorDate && date <= readout.date;
  const event = (m: TimelineMedication, kind: IntercurrentKind, eventDate: string) => ({
    subjectId: timeline.subjectId,
    kind,
    drug: m.drug,
    eventDate,
    doseMg: m.doseMg ?? null,
    route: m.route ?? null,
    jointCodes: m.jointCodes ?? [],
  });
  const events = timeline.medications.flatMap((m): IntercurrentEvent[] => {
    if (isInjection(m))
      return inWindow(m.startDate) ? [event(m, 'intra_articular_injection', m.startDate)] : [];
    if (!isSystemicSteroid(m)) return [];
    return [
      ...(inWindow(m.startDate) ? [event(m, 'corticosteroid_started', m.startDate)] : []),
      ...(inWindow(m.stopDate) ? [event(m, 'corticosteroid_stopped', m.stopDate)] : []),
    ];
  });
  return events.sort(
    (a, b) => a.eventDate.localeCompare(b.eventDate) || a.kind.localeCompare(b.kind),
  );
}

export function intercurrentEvents(
  subjects: ReadonlyArray<{
    readonly timeline: SubjectTimeline;
    readonly readout: TimelineVisit | null;
    readonly anchorDate: string;
  }>,
): IntercurrentEvents {
  const events = subjects.flatMap((s) =>
    s.readout ? intercurrentEventsOf(s.timeline, s.anchorDate, s.readout) : [],
  );
  return {
    strategy: 'treatment_policy',
    events,
    subjectsWithEvents: [...new Set(events.map((e) => e.subjectId))],
  };
}
