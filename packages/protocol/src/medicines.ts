/**
 * Medicines on a subject's timeline: name matching, failure, what was running on a day, and
 * what was registered for a JIA category on a day (the protocol's registeredIndications table).
 */
import { ageInMonths, partialDateInterval } from './dates.js';
import type { DrugInfo, RegisteredIndication } from './definition.js';
import type { StopReason, SubjectTimeline, TimelineMedication } from './timeline.js';

export const sameDrug = (a: string, b: string): boolean =>
  a.trim().toLowerCase() === b.trim().toLowerCase();

/** The catalogue entry of a recorded drug, by its name or one of its brands. */
export function drugInfo(drugs: readonly DrugInfo[], recorded: string): DrugInfo | undefined {
  return drugs.find(
    (d) => sameDrug(d.drug, recorded) || (d.brands ?? []).some((b) => sameDrug(b, recorded)),
  );
}

/** Whether a recorded name is the drug `name` (an INN), directly or by a catalogue brand. */
export function isDrug(drugs: readonly DrugInfo[], recorded: string, name: string): boolean {
  return sameDrug(recorded, name) || sameDrug(drugInfo(drugs, recorded)?.drug ?? '', name);
}

/** Stopped on or before `on` for one of `reasons`. */
export function failedBy(
  medication: TimelineMedication,
  on: string,
  reasons: readonly StopReason[],
): boolean {
  return (
    medication.stopDate !== null &&
    medication.stopDate <= on &&
    medication.stopReason !== null &&
    reasons.includes(medication.stopReason)
  );
}

/** Started on or before `on` and not stopped by it: a drug stopped on the day is not running. */
export function runningOn(medication: TimelineMedication, on: string): boolean {
  return medication.startDate <= on && (medication.stopDate === null || medication.stopDate > on);
}

export type Registration = 'registered' | 'not_registered' | 'unknown';

/**
 * Whether an indication applied to this subject on day `on` (ISO): authorised by then and the
 * subject old enough. A date known only to the year or month is decided only when the whole
 * period is before or after `on`; otherwise, and when no date was found, it is unknown.
 */
export function registrationOn(
  indication: RegisteredIndication,
  subject: Pick<SubjectTimeline, 'birthDate'>,
  on: number,
): { status: Registration; why: string } {
  if (indication.authorisedOn === null)
    return { status: 'unknown', why: 'its authorisation date is not known' };
  const authorised = partialDateInterval(indication.authorisedOn);
  if (authorised.first > on)
    return { status: 'not_registered', why: `authorised only from ${indication.authorisedOn}` };
  // In months: a minimum age may be a fraction of a year (anakinra: 8 months).
  const age = ageInMonths(subject.birthDate, on);
  const minimum = Math.round(indication.minAgeYears * 12);
  if (age.max < minimum)
    return { status: 'not_registered', why: `authorised from age ${indication.minAgeYears}` };
  if (authorised.last > on)
    return {
      status: 'unknown',
      why: `authorised in ${indication.authorisedOn}, which the day may precede`,
    };
  if (age.min < minimum)
    return {
      status: 'unknown',
      why: `authorised from age ${indication.minAgeYears}; the birth date leaves the age open`,
    };
  return { status: 'registered', why: `authorised ${indication.authorisedOn}` };
}
