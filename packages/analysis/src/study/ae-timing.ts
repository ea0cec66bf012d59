/**
 * Where an adverse event stands in time (ADR 0020):
 * - against an infusion: before or after it. A different day decides by the date; on the
 *   infusion day the onset time decides when both it and the infusion's start time are
 *   recorded (an onset at the start counts after); otherwise the protocol's named infusion-day
 *   rule does ('after' by default: definitions.md 8.4 counts an AE of the infusion day after
 *   it, the cautious choice for a safety comparison). Each decision says what made it;
 * - against the consent: retrospective (onset before the informed consent: the study did not
 *   collect it, it was taken from the chart) or prospective (onset on or after the consent
 *   day). The consent is the subject's consent_date, and where none is recorded the enrolment
 *   date, which consent precedes (ICH E6(R2) 4.8.8), so that a screening-period AE between the
 *   two may be called retrospective: the cautious side for a claim of fewer AEs after. Without
 *   either date the provenance is unknown;
 * - treatment-emergent: onset on or after the first infusion (as above), or a condition present
 *   before it whose grade rose on or after it (worsened_date): "an event that emerges during
 *   treatment, having been absent pre-treatment, or worsens relative to the pre-treatment
 *   state" (ICH E9, 1998, glossary; the same in the EUPATI glossary [read]);
 * - its duration: resolution - onset + 1 days (both days counted, as CDISC ADaM's ADURN, the
 *   analysis duration, is commonly derived); ongoing at the data cut, the days known so far,
 *   marked ongoing (a lower bound).
 */
import {
  day,
  type InfusionDayRule,
  type SubjectTimeline,
  type TimelineAdverseEvent,
} from '@jia-trial/protocol';

export type { InfusionDayRule };

/** What placed an AE before or after an infusion. */
export type OnsetDecidedBy = 'date' | 'time' | 'infusion_day_rule';

export interface InfusionMoment {
  readonly date: string;
  readonly time: string | null;
}

/** Whether `ae` began on or after the infusion, and what decided it. */
export function onsetAfter(
  ae: Pick<TimelineAdverseEvent, 'onsetDate' | 'onsetTime'>,
  infusion: InfusionMoment,
  rule: InfusionDayRule,
): { readonly after: boolean; readonly decidedBy: OnsetDecidedBy } {
  if (ae.onsetDate !== infusion.date)
    return { after: ae.onsetDate > infusion.date, decidedBy: 'date' };
  // HH:MM compares as text.
  if (ae.onsetTime !== null && infusion.time !== null)
    return { after: ae.onsetTime >= infusion.time, decidedBy: 'time' };
  return { after: rule === 'after', decidedBy: 'infusion_day_rule' };
}

export type Provenance = 'retrospective' | 'prospective' | 'unknown';
export type ConsentSource = 'consent_date' | 'enrolment_date';

/** The subject's consent day, and where it comes from (null: neither date recorded). */
export function consentOf(
  t: Pick<SubjectTimeline, 'consentDate' | 'enrolmentDate'>,
): { readonly date: string; readonly source: ConsentSource } | null {
  if (t.consentDate !== null) return { date: t.consentDate, source: 'consent_date' };
  if (t.enrolmentDate !== null) return { date: t.enrolmentDate, source: 'enrolment_date' };
  return null;
}

export function provenanceOf(
  onsetDate: string,
  consent: { readonly date: string } | null,
): Provenance {
  if (consent === null) return 'unknown';
  return onsetDate < consent.date ? 'retrospective' : 'prospective';
}

export type Emergence = 'new' | 'worsening';

/**
 * Treatment-emergent against the first infusion: null when not (or no infusion), else how it
 * emerged, with what decided it.
 */
export function treatmentEmergence(
  ae: TimelineAdverseEvent,
  first: InfusionMoment | undefined,
  rule: InfusionDayRule,
): { readonly emergence: Emergence | null; readonly decidedBy: OnsetDecidedBy | null } {
  if (first === undefined) return { emergence: null, decidedBy: null };
  const onset = onsetAfter(ae, first, rule);
  if (onset.after) return { emergence: 'new', decidedBy: onset.decidedBy };
  // A worsening is known by its day only: on the infusion day the rule decides it.
  if (ae.worsenedDate !== null) {
    const worse = onsetAfter({ onsetDate: ae.worsenedDate, onsetTime: null }, first, rule);
    if (worse.after) return { emergence: 'worsening', decidedBy: worse.decidedBy };
  }
  return { emergence: null, decidedBy: onset.decidedBy };
}

/** Days from onset to resolution, both counted; ongoing: to the data cut (a lower bound). */
export function aeDuration(
  ae: Pick<TimelineAdverseEvent, 'onsetDate' | 'resolutionDate'>,
  asOf: string,
): { readonly days: number; readonly ongoing: boolean } {
  const end = ae.resolutionDate ?? asOf;
  return { days: day(end) - day(ae.onsetDate) + 1, ongoing: ae.resolutionDate === null };
}
