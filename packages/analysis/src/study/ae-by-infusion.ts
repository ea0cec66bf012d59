/**
 * AEs after each infusion against the window before the first (issue 14 section 3;
 * definitions.md 8.4.1): three of the pilot's children were infused twice, so "after the
 * infusion" has two readings, and a window of 12 months from the first infusion runs across
 * the repeat. Here each infusion k has its own "after" window, from infusion k (the infusion-day
 * rule of ae-timing.ts deciding an AE of that day) for N months, closed early at infusion k + 1
 * (an AE is never counted twice: one of the next infusion's day goes to whichever side the
 * rule puts it; that day's person-time to the new window), at a withdrawal or at the data cut.
 * The "before" window is the first infusion's, with the same provenance as the first-infusion
 * analysis (safety.ts).
 * - `infusions[k - 1]`: the patients infused k times, their "after infusion k" against their
 *   own "before" (the comparison of window-comparison.ts);
 * - `pooled`: every patient's "after" windows together against its "before" (one cluster per
 *   patient, so the bootstrap and the paired tests keep the patient as the unit), and the
 *   seed's 2x2 table by periods (each "before" window and each "after" window of a patient is
 *   a period, with or without an AE): a likely reading of the pilot's unpublished layout
 *   (definitions.md 8.4.6) that ignores the pairing and the repeats, given for comparison;
 * - `perPatient`: each patient's windows, with what closed each "after" window.
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
import { onsetAfter } from './ae-timing.js';
import { type AeWindowOptions, firstInfusionWindows } from './safety.js';
import {
  type ComparisonOptions,
  compareWindows,
  fisherOf,
  type PatientWindows,
  type TwoByTwo,
  type WindowComparison,
} from './window-comparison.js';

export type WindowClosedBy = 'window' | 'next_infusion' | 'withdrawal' | 'data_cut';

export interface InfusionWindow {
  /** 1 for the first infusion. */
  readonly infusion: number;
  readonly infusionDate: string;
  readonly count: number;
  readonly personYears: number;
  readonly closedBy: WindowClosedBy;
  readonly aeIds: readonly string[];
}

export interface PatientInfusionWindows {
  readonly subjectId: string;
  readonly pre: {
    readonly count: number;
    readonly personYears: number;
    readonly aeIds: readonly string[];
  };
  readonly post: readonly InfusionWindow[];
}

export interface AeByInfusion {
  readonly windowMonths: number;
  readonly provenance: AeProvenanceChoice;
  readonly infusionDayRule: InfusionDayRule;
  readonly infusions: ReadonlyArray<WindowComparison & { readonly infusion: number }>;
  readonly pooled: WindowComparison & {
    readonly periodFisher: {
      readonly layout: 'periods';
      readonly table: TwoByTwo;
      readonly p: number;
    };
  };
  readonly perPatient: readonly PatientInfusionWindows[];
}

interface PostWindow {
  readonly window: InfusionWindow;
  readonly events: readonly TimelineAdverseEvent[];
  readonly days: number;
}

function postWindows(
  t: SubjectTimeline,
  windowDays: number,
  asOf: string,
  rule: InfusionDayRule,
  include: (ae: TimelineAdverseEvent) => boolean,
): PostWindow[] {
  const stops: Array<[number, WindowClosedBy]> = [
    [day(asOf) + 1, 'data_cut'],
    ...(t.withdrawalDate === null
      ? []
      : [[day(t.withdrawalDate) + 1, 'withdrawal'] as [number, WindowClosedBy]]),
  ];
  const counted = t.adverseEvents.filter(include);
  return t.infusions.map((infusion, k) => {
    const start = day(infusion.date);
    const next = t.infusions[k + 1];
    const ends: Array<[number, WindowClosedBy]> = [
      [start + windowDays, 'window'],
      ...(next ? [[day(next.date), 'next_infusion'] as [number, WindowClosedBy]] : []),
      ...stops,
    ];
    // The earliest end; on a tie the first listed (the window, then the next infusion).
    const [end, closedBy] = ends.reduce((a, b) => (b[0] < a[0] ? b : a));
    // Closed by the next infusion, its day is split by the rule (or the times), not by the day.
    const beforeEnd = (ae: TimelineAdverseEvent) =>
      closedBy === 'next_infusion' && day(ae.onsetDate) === end ? true : day(ae.onsetDate) < end;
    const events = counted.filter(
      (ae) =>
        onsetAfter(ae, infusion, rule).after &&
        !(next && onsetAfter(ae, next, rule).after) &&
        beforeEnd(ae),
    );
    const days = Math.max(0, end - start);
    return {
      window: {
        infusion: k + 1,
        infusionDate: infusion.date,
        count: events.length,
        personYears: days / DAYS_PER_YEAR,
        closedBy,
        aeIds: events.map((ae) => ae.aeId),
      },
      events,
      days,
    };
  });
}

export function analyseAeByInfusion(
  timelines: readonly SubjectTimeline[],
  options: AeWindowOptions & { readonly comparison: ComparisonOptions },
): AeByInfusion {
  const include = options.include ?? (() => true);
  const provenance = options.provenance ?? DEFAULT_AE_ANALYSIS.primaryProvenance;
  const infusionDayRule = options.infusionDayRule ?? DEFAULT_AE_ANALYSIS.infusionDayRule;
  const windowDays = (options.windowMonths / 12) * DAYS_PER_YEAR;
  const infused = timelines.filter((t) => t.infusions.length > 0);
  // The "before" side of each patient, exactly as the first-infusion analysis has it.
  const rules = { asOf: options.asOf, provenance, infusionDayRule, include };
  const preOf = new Map(
    infused.map((t) => {
      const { row } = firstInfusionWindows(t, windowDays, rules);
      return [t.subjectId, { events: row.pre, days: row.preDays }];
    }),
  );
  const posts = new Map(
    infused.map((t) => [
      t.subjectId,
      postWindows(t, windowDays, options.asOf, infusionDayRule, include),
    ]),
  );
  const rowOf = (t: SubjectTimeline, windows: readonly PostWindow[]): PatientWindows => {
    const pre = preOf.get(t.subjectId) as { events: readonly TimelineAdverseEvent[]; days: number };
    return {
      subjectId: t.subjectId,
      pre: pre.events,
      preDays: pre.days,
      post: windows.flatMap((w) => w.events),
      postDays: windows.reduce((s, w) => s + w.days, 0),
    };
  };
  const most = Math.max(0, ...infused.map((t) => t.infusions.length));
  const infusions = Array.from({ length: most }, (_, k) => ({
    infusion: k + 1,
    ...compareWindows(
      infused
        .filter((t) => t.infusions.length > k)
        .map((t) => rowOf(t, [(posts.get(t.subjectId) as PostWindow[])[k] as PostWindow])),
      options.comparison,
    ),
  }));
  const pooled = compareWindows(
    infused.map((t) => rowOf(t, posts.get(t.subjectId) as PostWindow[])),
    options.comparison,
  );
  const prePeriods = infused.map((t) => (preOf.get(t.subjectId)?.events.length ?? 0) > 0);
  const postPeriods = infused.flatMap((t) =>
    (posts.get(t.subjectId) as PostWindow[]).map((w) => w.events.length > 0),
  );
  const table: TwoByTwo = [
    [prePeriods.filter(Boolean).length, prePeriods.filter((x) => !x).length],
    [postPeriods.filter(Boolean).length, postPeriods.filter((x) => !x).length],
  ];
  return {
    windowMonths: options.windowMonths,
    provenance,
    infusionDayRule,
    infusions,
    pooled: { ...pooled, periodFisher: { layout: 'periods', table, p: fisherOf(table) } },
    perPatient: infused.map((t) => {
      const pre = preOf.get(t.subjectId) as {
        events: readonly TimelineAdverseEvent[];
        days: number;
      };
      return {
        subjectId: t.subjectId,
        pre: {
          count: pre.events.length,
          personYears: pre.days / DAYS_PER_YEAR,
          aeIds: pre.events.map((ae) => ae.aeId),
        },
        post: (posts.get(t.subjectId) as PostWindow[]).map((w) => w.window),
      };
    }),
  };
}
