/**
 * The limits of the before/after AE comparison, with the figures that size them, so that the
 * report states them next to the result (issue 14 section 3):
 * - single_arm: no control group; the "before" window is each child's own history, so a
 *   change may be regression to the mean (children are enrolled at their worst), the natural
 *   course, or the end of a failing treatment, as much as the infusion;
 * - failing_biologic_before: the children were on the biological that was failing them during
 *   (part of) the "before" window, and stopped it before the infusion (concurrent biologicals
 *   exclude, NTR4146): the "before" AEs include its adverse effects and those of the active
 *   disease that led to stopping it. Sized as the days of the window on a biological;
 * - chart_review_before_consent: AEs before the consent were taken from the chart, which may
 *   record mild AEs less completely than the study did after. Sized as the AEs of the "before"
 *   window that predate the consent (or the enrolment, ADR 0020);
 * - few_patients: with few children an interval that allows for between-patient variation is
 *   itself uncertain (the cluster bootstrap covers less than its level with few clusters: Field
 *   & Welsh 2007), and the exact paired test cannot reach p < 0.05 below 6 children
 *   (definitions.md 10.1).
 */
import { day, type SubjectTimeline } from '@jia-trial/protocol';
import type { ListedAe } from './ae-tables.js';

export const AE_LIMITATIONS = [
  'single_arm',
  'failing_biologic_before',
  'chart_review_before_consent',
  'few_patients',
] as const;
export type AeLimitation = (typeof AE_LIMITATIONS)[number];

/**
 * At or below this many patients the report adds few_patients: with 6 the exact paired test
 * reaches p < 0.05 only when every child changes the same way (definitions.md 10.1).
 */
export const FEW_PATIENTS = 6;

export interface AeLimitations {
  /** The limits that apply, in the order the report states them. */
  readonly apply: readonly AeLimitation[];
  readonly patients: number;
  /** Per patient: the days of the "before" window on a biological, and which. */
  readonly biologicBefore: ReadonlyArray<{
    readonly subjectId: string;
    readonly days: number;
    readonly drugs: readonly string[];
  }>;
  readonly windowDays: number;
  /** AEs of the "before" window, and those of them that predate the consent. */
  readonly beforeAes: number;
  readonly beforeRetrospective: number;
  /** AEs of the "before" window whose provenance is unknown (no consent or enrolment date). */
  readonly beforeUnknownProvenance: number;
}

/** Days of [from, to) on which the medication ran (its stop day counted). */
function overlapDays(start: string, stop: string | null, from: number, to: number): number {
  const a = Math.max(day(start), from);
  const b = Math.min(stop === null ? Number.POSITIVE_INFINITY : day(stop) + 1, to);
  return Math.max(0, b - a);
}

export function aeLimitations(
  timelines: readonly SubjectTimeline[],
  listed: readonly ListedAe[],
  windowDays: number,
): AeLimitations {
  const infused = timelines.filter((t) => t.infusions.length > 0);
  const biologicBefore = infused.map((t) => {
    const first = day(t.infusions[0]?.date as string);
    const from = Math.ceil(first - windowDays);
    const biologics = t.medications.filter((m) => m.drugClass === 'biologic');
    // Days covered by any biological (overlapping courses counted once).
    let days = 0;
    for (let d = from; d < first; d++)
      if (biologics.some((m) => overlapDays(m.startDate, m.stopDate, d, d + 1) > 0)) days++;
    const drugs = [
      ...new Set(
        biologics
          .filter((m) => overlapDays(m.startDate, m.stopDate, from, first) > 0)
          .map((m) => m.drug),
      ),
    ];
    return { subjectId: t.subjectId, days, drugs };
  });
  const before = listed.filter((ae) => ae.window === 'before');
  const beforeRetrospective = before.filter((ae) => ae.provenance === 'retrospective').length;
  const apply: AeLimitation[] = ['single_arm'];
  if (biologicBefore.some((b) => b.days > 0)) apply.push('failing_biologic_before');
  if (beforeRetrospective > 0) apply.push('chart_review_before_consent');
  if (infused.length <= FEW_PATIENTS) apply.push('few_patients');
  return {
    apply,
    patients: infused.length,
    biologicBefore,
    windowDays,
    beforeAes: before.length,
    beforeRetrospective,
    beforeUnknownProvenance: before.filter((ae) => ae.provenance === 'unknown').length,
  };
}

/** The limits of the comparison in words, with the figures that size them. */
export function limitationsText(l: AeLimitations, windowMonths: number): string[] {
  const onBiologic = l.biologicBefore.filter((b) => b.days > 0);
  const days = onBiologic.reduce((s, b) => s + b.days, 0);
  const text: Record<AeLimitations['apply'][number], string> = {
    single_arm:
      'there is no control group. The "before" window is each child\'s own history, so a change may come from regression to the mean (children enter at their worst), the natural course of the disease, or the end of a failing treatment, as much as from the infusion.',
    failing_biologic_before: `${onBiologic.length} of ${l.patients} children were on a biological during the ${windowMonths} months before the first infusion (${days} patient-days of ${Math.round(l.windowDays * l.patients)}), and stopped it before the infusion. The "before" AEs include its adverse effects and those of the active disease that led to stopping it; the "after" window has neither.`,
    chart_review_before_consent: `${l.beforeRetrospective} of the ${l.beforeAes} AEs of the "before" window began before the child's consent (or enrolment, where no consent date is recorded) and were taken from the chart, which may record mild AEs less completely than the study did after. The comparison from the consent on is given beside.`,
    few_patients: `an interval that allows for differences between children is itself uncertain (the cluster bootstrap covers less than its level with few clusters), and the exact paired test reaches p < 0.05 only when every child changes the same way.`,
  };
  const titles = limitationTitles(l);
  return l.apply.map((code, i) => `${titles[i]}: ${text[code]}`);
}

/** Each limit's title, in the order of `apply` ("Single arm", "Few patients (6)"): the findings' list. */
export function limitationTitles(l: AeLimitations): string[] {
  const title: Record<AeLimitations['apply'][number], string> = {
    single_arm: 'Single arm',
    failing_biologic_before: 'Time on the failing biological',
    chart_review_before_consent: 'Chart review before consent',
    few_patients: `Few patients (${l.patients})`,
  };
  return l.apply.map((code) => title[code]);
}
