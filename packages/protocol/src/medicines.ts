/**
 * Medicines on a subject's timeline: name matching, failure, what was running on a day, and
 * what was registered for a JIA category on a day (the protocol's registeredIndications table).
 */
import { ageInMonths, type DayInterval, formatIsoDate, partialDateInterval } from './dates.js';
import type { DrugInfo, IndicationPeriod, RegisteredIndication } from './definition.js';
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
type Tri = 'yes' | 'no' | 'unknown';

/** The days a change date (`2013`, `2013-06`, `2013-06-10` or a range `2013-04..2013-06`) may stand for. */
export function changeDateInterval(text: string): DayInterval {
  const [from, to] = text.split('..') as [string, string | undefined];
  return { first: partialDateInterval(from).first, last: partialDateInterval(to ?? from).last };
}

/** Whether the subject's record shows an inadequate response to a TNF inhibitor by `on`. */
function afterTnfInhibitor(
  drugs: readonly DrugInfo[],
  subject: Pick<SubjectTimeline, 'medications'>,
  on: string,
): boolean {
  return subject.medications.some(
    (m) => drugInfo(drugs, m.drug)?.target === 'TNF' && failedBy(m, on, ['inefficacy']),
  );
}

/** The body weight recorded on day `on` (at an infusion that day), or null. */
export function weightOn(subject: Pick<SubjectTimeline, 'infusions'>, on: string): number | null {
  return subject.infusions.find((i) => i.date === on)?.weightKg ?? null;
}

/** Whether a version's conditions (age, weight, prior TNF inhibitor) held for the subject on the day. */
function conditionsHold(
  period: IndicationPeriod,
  subject: Pick<SubjectTimeline, 'birthDate' | 'medications' | 'infusions'>,
  on: number,
  drugs: readonly DrugInfo[],
): { holds: Tri; why: string; missing?: string } {
  const iso = formatIsoDate(on);
  // In months: a minimum age may be a fraction of a year (anakinra: 8 months).
  const age = ageInMonths(subject.birthDate, on);
  const minimum = Math.round(period.minAgeYears * 12);
  if (age.max < minimum) return { holds: 'no', why: `from age ${period.minAgeYears}` };
  if (period.afterTnfInhibitor && !afterTnfInhibitor(drugs, subject, iso))
    return { holds: 'no', why: 'only after a TNF inhibitor failed for inefficacy' };
  if (period.minWeightKg !== undefined) {
    const weight = weightOn(subject, iso);
    if (weight === null)
      return {
        holds: 'unknown',
        why: `from ${period.minWeightKg} kg, and no weight is recorded on ${iso}`,
        missing: `body weight on ${iso}`,
      };
    if (weight < period.minWeightKg)
      return { holds: 'no', why: `from ${period.minWeightKg} kg (${weight} kg on ${iso})` };
  }
  if (age.min < minimum)
    return {
      holds: 'unknown',
      why: `from age ${period.minAgeYears}; the birth date leaves the age open`,
      missing: 'full birth date',
    };
  return { holds: 'yes', why: '' };
}

const describePeriod = (period: IndicationPeriod) =>
  [
    `from ${period.from ?? 'an unknown date'}`,
    `age ${period.minAgeYears}+`,
    ...(period.minWeightKg === undefined ? [] : [`${period.minWeightKg} kg+`]),
    ...(period.afterTnfInhibitor ? ['after a TNF inhibitor'] : []),
  ].join(', ');

/**
 * Whether an indication applied to this subject on day `on`: which versions of its wording may
 * have been in force that day (a change known only to a month, a year or a range leaves the
 * days inside it open), and whether the subject met the conditions of each (age, body weight,
 * a TNF inhibitor before). Registered when the indication certainly existed and every version
 * possibly in force applied to the subject; not registered when none did; otherwise unknown,
 * with what would settle it.
 */
export function registrationOn(
  indication: RegisteredIndication,
  subject: Pick<SubjectTimeline, 'birthDate' | 'medications' | 'infusions'>,
  on: number,
  drugs: readonly DrugInfo[] = [],
): { status: Registration; why: string; missing: readonly string[] } {
  const versions = indication.history;
  // When each version may have started: an unknown later date is any day after the previous.
  const starts: Array<DayInterval | null> = [];
  versions.forEach((period, k) => {
    const previous = starts[k - 1];
    starts.push(
      period.from !== null
        ? changeDateInterval(period.from)
        : k === 0 || !previous
          ? null
          : { first: previous.first, last: Number.POSITIVE_INFINITY },
    );
  });
  const possible = versions.flatMap((period, k) => {
    const start = starts[k];
    const next = starts[k + 1];
    if (start !== null && start !== undefined && start.first > on) return [];
    if (next && next.last <= on) return [];
    return [{ period, k }];
  });
  const first = starts[0] ?? null;
  const firstFrom = versions[0]?.from ?? null;
  if (possible.length === 0)
    return { status: 'not_registered', why: `authorised only from ${firstFrom}`, missing: [] };
  const verdicts = possible.map(({ period }) => ({
    period,
    ...conditionsHold(period, subject, on, drugs),
  }));
  if (verdicts.every((v) => v.holds === 'no'))
    return {
      status: 'not_registered',
      why: `on label then only ${verdicts.map((v) => v.why).join(' or ')}`,
      missing: [],
    };
  const missing = [...new Set(verdicts.flatMap((v) => (v.missing ? [v.missing] : [])))];
  if (first === null)
    return {
      status: 'unknown',
      why: 'its authorisation date is not known',
      missing: [...missing, `authorisation date of ${indication.drug}`],
    };
  if (first.last > on)
    return {
      status: 'unknown',
      why: `authorised ${firstFrom}, which the day may precede`,
      missing: [...missing, `authorisation date of ${indication.drug}`],
    };
  if (verdicts.every((v) => v.holds === 'yes')) {
    const current = verdicts.at(-1)?.period;
    return {
      status: 'registered',
      why:
        versions.length === 1 || !current
          ? `authorised ${firstFrom}`
          : `authorised ${firstFrom}; wording in force ${describePeriod(current)}`,
      missing: [],
    };
  }
  const open = verdicts.filter((v) => v.holds !== 'yes');
  return {
    status: 'unknown',
    why:
      possible.length > 1
        ? `the label changed around this day (${possible.map(({ period }) => describePeriod(period)).join('; ')}), and ${open.map((v) => v.why || describePeriod(v.period)).join('; ')}`
        : open.map((v) => v.why).join('; '),
    missing:
      missing.length > 0
        ? missing
        : [
            `the date the ${indication.drug} label changed (${possible.map(({ period }) => period.from ?? 'unknown').join(', ')})`,
          ],
  };
}
