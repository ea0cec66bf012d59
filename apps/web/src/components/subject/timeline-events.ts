/**
 * The subject's timeline: visits, infusions, adverse events and the engine's alerts as one list
 * in date order (ISO dates sort as text). On one day the order is the clinical one: the visit
 * (the pre-infusion examination), then the infusion, then what happened after.
 */
import type {
  AdverseEventRow,
  AlertView,
  InfusionRow,
  SubjectRecords,
  VisitRow,
} from './subject-data.js';

export type TimelineEvent =
  | { readonly kind: 'visit'; readonly date: string; readonly visit: VisitRow }
  | {
      readonly kind: 'infusion';
      readonly date: string;
      readonly infusion: InfusionRow;
      /** 1 for the first infusion. */
      readonly number: number;
    }
  | { readonly kind: 'adverse_event'; readonly date: string; readonly ae: AdverseEventRow }
  | { readonly kind: 'alert'; readonly date: string; readonly alert: AlertView };

const SAME_DAY_ORDER: Readonly<Record<TimelineEvent['kind'], number>> = {
  visit: 0,
  infusion: 1,
  adverse_event: 2,
  alert: 3,
};

/** Every event in date order; an alert without a day of its own sits on the status's day. */
export function timelineEvents(
  records: SubjectRecords,
  alerts: readonly AlertView[],
  asOf: string | null,
): TimelineEvent[] {
  const events: TimelineEvent[] = [
    ...records.visits.map((visit) => ({ kind: 'visit' as const, date: visit.date, visit })),
    ...records.infusions.map((infusion, i) => ({
      kind: 'infusion' as const,
      date: infusion.date,
      infusion,
      number: i + 1,
    })),
    ...records.adverseEvents.map((ae) => ({
      kind: 'adverse_event' as const,
      date: ae.onsetDate,
      ae,
    })),
    ...alerts.flatMap((alert) => {
      const date = alert.date ?? asOf;
      return date === null ? [] : [{ kind: 'alert' as const, date, alert }];
    }),
  ];
  return events.sort(
    (a, b) => a.date.localeCompare(b.date) || SAME_DAY_ORDER[a.kind] - SAME_DAY_ORDER[b.kind],
  );
}
