/**
 * Eligibility: each inclusion and exclusion criterion of the protocol evaluated on the record as
 * of the reference day (the first infusion when there is one, else the as-of day), as met, not
 * met or unknown, with what is missing. An exclusion is "met" when its excluding condition is
 * present. The subject is eligible when every inclusion is met and no exclusion is; not
 * eligible when an inclusion is not met or an exclusion is; otherwise unknown.
 */
import { ILAR_CATEGORIES } from '@jia-trial/outcomes';
import { ageInterval, completedYears, day, formatIsoDate, partialDateInterval } from './dates.js';
import type { Criterion, ProtocolDefinition } from './definition.js';
import type { CriterionResult, CriterionStatus, EligibilityResult } from './findings.js';
import { failedBy, isDrug, registrationOn, runningOn } from './medicines.js';
import type { SubjectTimeline, TimelineVisit } from './timeline.js';

interface Verdict {
  readonly status: CriterionStatus;
  readonly reason: string;
  readonly missing?: readonly string[];
  /** Decided only because nothing it quantifies over exists (none registered). */
  readonly vacuous?: boolean;
}

const met = (reason: string): Verdict => ({ status: 'met', reason });
const notMet = (reason: string): Verdict => ({ status: 'not_met', reason });
const unknown = (reason: string, missing: readonly string[]): Verdict => ({
  status: 'unknown',
  reason,
  missing,
});

/** The last visit on or before `reference`, no more than `maxDaysBefore` days before it. */
export function screeningVisit(
  timeline: SubjectTimeline,
  reference: string,
  maxDaysBefore: number,
): TimelineVisit | undefined {
  const earliest = day(reference) - maxDaysBefore;
  return timeline.visits.findLast((v) => v.date <= reference && day(v.date) >= earliest);
}

/** "from YYYY-MM-DD to YYYY-MM-DD": the days a screening visit for `reference` may fall on. */
function screeningWindow(reference: string, maxDaysBefore: number): string {
  return `from ${formatIsoDate(day(reference) - maxDaysBefore)} to ${reference}`;
}

type Of<K extends Criterion['kind']> = Extract<Criterion, { kind: K }>;

function categoryVerdict(criterion: Of<'ilar_category'>, timeline: SubjectTimeline): Verdict {
  const name = ILAR_CATEGORIES[timeline.ilarCategory].name;
  if (!criterion.categories || criterion.categories.includes(timeline.ilarCategory))
    return met(`ILAR category: ${name}`);
  return notMet(`ILAR category ${name} is not one of ${criterion.categories.join(', ')}`);
}

function diagnosedBeforeVerdict(
  criterion: Of<'diagnosed_before_age'>,
  timeline: SubjectTimeline,
): Verdict {
  const born = partialDateInterval(timeline.birthDate);
  const diagnosed = day(timeline.diagnosisDate);
  const youngest = completedYears(born.last, diagnosed);
  const oldest = completedYears(born.first, diagnosed);
  if (oldest < criterion.years)
    return met(
      `diagnosed ${timeline.diagnosisDate}, aged ${oldest === youngest ? oldest : `${youngest}-${oldest}`}`,
    );
  if (youngest >= criterion.years)
    return notMet(`diagnosed ${timeline.diagnosisDate}, aged ${youngest} or more`);
  return unknown(`diagnosed ${timeline.diagnosisDate} around the ${criterion.years}th birthday`, [
    'full birth date',
  ]);
}

function activeDiseaseVerdict(
  criterion: Of<'active_disease'>,
  timeline: SubjectTimeline,
  reference: string,
): Verdict {
  const visit = screeningVisit(timeline, reference, criterion.maxDaysBefore);
  if (!visit)
    return unknown(`no visit in the ${criterion.maxDaysBefore} days up to ${reference}`, [
      `a screening visit with an active joint count, dated ${screeningWindow(reference, criterion.maxDaysBefore)}`,
    ]);
  const joints = visit.observation.activeJoints;
  if (joints === null || joints === undefined)
    return unknown(`visit ${visit.visitId} (${visit.date}) has no active joint count`, [
      `active_joints at visit ${visit.visitId}`,
    ]);
  return joints >= criterion.minActiveJoints
    ? met(`${joints} active joints at visit ${visit.visitId} (${visit.date})`)
    : notMet(
        `${joints} active joints at visit ${visit.visitId} (${visit.date}); at least ${criterion.minActiveJoints} required`,
      );
}

function febrileVerdict(
  criterion: Of<'febrile_at_screening'>,
  timeline: SubjectTimeline,
  reference: string,
): Verdict {
  const visit = screeningVisit(timeline, reference, criterion.maxDaysBefore);
  const fever = visit?.observation.fever;
  if (!visit || fever === null || fever === undefined)
    return unknown(
      visit
        ? `fever not recorded at visit ${visit.visitId}`
        : `no visit in the ${criterion.maxDaysBefore} days up to ${reference}`,
      [
        visit
          ? `fever at visit ${visit.visitId} (${visit.date})`
          : `a screening visit recording fever (yes or no), dated ${screeningWindow(reference, criterion.maxDaysBefore)}`,
      ],
    );
  return fever
    ? met(`febrile at visit ${visit.visitId} (${visit.date})`)
    : notMet(`afebrile at visit ${visit.visitId} (${visit.date})`);
}

function concurrentVerdict(
  criterion: Of<'concurrent_medicine'>,
  timeline: SubjectTimeline,
  reference: string,
): Verdict {
  const running = timeline.medications.filter(
    (m) => m.drugClass === criterion.drugClass && runningOn(m, reference),
  );
  return running.length > 0
    ? met(
        `running on ${reference}: ${running.map((m) => `${m.drug} (since ${m.startDate})`).join(', ')}`,
      )
    : notMet(`no ${criterion.drugClass} running on ${reference}`);
}

function confirmationVerdict(
  criterion: Of<'confirmation'>,
  timeline: SubjectTimeline,
  reference: string,
): Verdict {
  const answer = timeline.confirmations?.[criterion.id];
  // An answer given after the reference day says nothing about that day.
  if (!answer || answer.date > reference)
    return unknown("needs the investigator's confirmation, not recorded", [
      `confirmation of "${criterion.text}"`,
    ]);
  return answer.value ? met(`confirmed on ${answer.date}`) : notMet(`denied on ${answer.date}`);
}

function evaluateCriterion(
  protocol: ProtocolDefinition,
  criterion: Criterion,
  timeline: SubjectTimeline,
  reference: string,
): Verdict {
  switch (criterion.kind) {
    case 'ilar_category':
      return categoryVerdict(criterion, timeline);
    case 'age':
      return ageVerdict(criterion, timeline, reference);
    case 'diagnosed_before_age':
      return diagnosedBeforeVerdict(criterion, timeline);
    case 'active_disease':
      return activeDiseaseVerdict(criterion, timeline, reference);
    case 'febrile_at_screening':
      return febrileVerdict(criterion, timeline, reference);
    case 'failed_medicine':
      return failedMedicineVerdict(protocol, criterion, timeline, reference);
    case 'failed_registered_medicines':
      return failedRegisteredVerdict(protocol, criterion, timeline, reference);
    case 'concurrent_medicine':
      return concurrentVerdict(criterion, timeline, reference);
    case 'confirmation':
      return confirmationVerdict(criterion, timeline, reference);
  }
}

function ageVerdict(criterion: Of<'age'>, timeline: SubjectTimeline, reference: string): Verdict {
  const age = ageInterval(timeline.birthDate, day(reference));
  const min = criterion.minYears ?? 0;
  const max = criterion.maxYears ?? Number.POSITIVE_INFINITY;
  const inRange = (years: number) => years >= min && years <= max;
  const shown = age.min === age.max ? `${age.min}` : `${age.min} or ${age.max}`;
  const range = `${min}-${criterion.maxYears ?? ''} years`;
  if (inRange(age.min) && inRange(age.max)) return met(`aged ${shown} on ${reference} (${range})`);
  if (!inRange(age.min) && !inRange(age.max))
    return notMet(`aged ${shown} on ${reference}, outside ${range}`);
  return unknown(`aged ${shown} on ${reference}: the birth month leaves it open (${range})`, [
    'full birth date',
  ]);
}

function failedMedicineVerdict(
  protocol: ProtocolDefinition,
  criterion: Of<'failed_medicine'>,
  timeline: SubjectTimeline,
  reference: string,
): Verdict {
  const candidates = timeline.medications.filter(
    (m) =>
      (criterion.drugs === undefined ||
        criterion.drugs.some((d) => isDrug(protocol.drugs, m.drug, d))) &&
      (criterion.drugClass === undefined || m.drugClass === criterion.drugClass),
  );
  const what = criterion.drugs?.join(' or ') ?? criterion.drugClass ?? 'medicine';
  const failed = candidates.filter((m) => failedBy(m, reference, criterion.failureReasons));
  if (failed.length > 0)
    return met(failed.map((m) => `${m.drug} stopped ${m.stopDate} for ${m.stopReason}`).join('; '));
  if (candidates.length === 0) return notMet(`no ${what} recorded`);
  const states = candidates.map((m) =>
    m.stopDate === null || m.stopDate > reference
      ? `${m.drug} still running on ${reference}`
      : `${m.drug} stopped ${m.stopDate} for ${m.stopReason ?? 'no recorded reason'}`,
  );
  return notMet(
    `${states.join('; ')} (failed means stopped for ${criterion.failureReasons.join(' or ')})`,
  );
}

function failedRegisteredVerdict(
  protocol: ProtocolDefinition,
  criterion: Of<'failed_registered_medicines'>,
  timeline: SubjectTimeline,
  reference: string,
): Verdict {
  const on = day(reference);
  const indications = protocol.registeredIndications.filter(
    (r) => r.ilarCategory === timeline.ilarCategory && criterion.kinds.includes(r.kind),
  );
  const failed: string[] = [];
  const notFailed: string[] = [];
  const open: string[] = [];
  const missing: string[] = [];
  for (const indication of indications) {
    const registration = registrationOn(indication, timeline, on, protocol.drugs);
    if (registration.status === 'not_registered') continue;
    const wasFailed = timeline.medications.some(
      (m) =>
        isDrug(protocol.drugs, m.drug, indication.drug) &&
        failedBy(m, reference, criterion.failureReasons),
    );
    if (wasFailed) failed.push(indication.drug);
    else if (registration.status === 'registered')
      notFailed.push(`${indication.drug} (${registration.why})`);
    else {
      open.push(`${indication.drug} (${registration.why})`);
      missing.push(...registration.missing);
    }
  }
  const category = ILAR_CATEGORIES[timeline.ilarCategory].name;
  const kinds = criterion.kinds.join('/');
  if (notFailed.length > 0)
    return notMet(
      `registered for ${category} on ${reference} and not failed: ${notFailed.join(', ')}`,
    );
  if (open.length > 0)
    return unknown(`not failed, and registration on ${reference} undecided: ${open.join(', ')}`, [
      ...new Set(missing),
    ]);
  if (failed.length > 0)
    return met(
      `every ${kinds} registered for ${category} on ${reference} failed: ${failed.join(', ')}`,
    );
  return noneRegisteredVerdict(
    criterion,
    timeline,
    reference,
    `${kinds} registered for ${category} on ${reference}`,
  );
}

/**
 * "Every one failed" with nothing registered is true only vacuously: the protocol decides what
 * it is worth (whenNoneRegistered, ADR 0017), and the result says it was vacuous.
 */
function noneRegisteredVerdict(
  criterion: Of<'failed_registered_medicines'>,
  timeline: SubjectTimeline,
  reference: string,
  what: string,
): Verdict {
  const none = `no ${what}: met only vacuously (none registered)`;
  switch (criterion.whenNoneRegistered) {
    case 'met':
      return { ...met(`${none}; the protocol counts it`), vacuous: true };
    case 'not_met':
      return { ...notMet(`${none}; the protocol does not count it`), vacuous: true };
    case 'confirm': {
      const answer = timeline.confirmations?.[criterion.id];
      if (!answer || answer.date > reference)
        return {
          ...unknown(`${none}; the protocol asks the investigator to confirm it`, [
            `the investigator's confirmation of "${criterion.text}" (none registered)`,
          ]),
          vacuous: true,
        };
      return {
        ...(answer.value
          ? met(`${none}; confirmed by the investigator on ${answer.date}`)
          : notMet(`${none}; not confirmed by the investigator (${answer.date})`)),
        vacuous: true,
      };
    }
  }
}

/** The protocol's criteria (those whose id `only` lists, when given) on the reference day. */
export function evaluateCriteria(
  protocol: ProtocolDefinition,
  timeline: SubjectTimeline,
  reference: string,
  only?: readonly string[],
): CriterionResult[] {
  const results: CriterionResult[] = [];
  for (const type of ['inclusion', 'exclusion'] as const)
    for (const criterion of protocol.eligibility[type]) {
      if (only && !only.includes(criterion.id)) continue;
      const verdict = evaluateCriterion(protocol, criterion, timeline, reference);
      results.push({
        id: criterion.id,
        type,
        text: criterion.text,
        status: verdict.status,
        reason: verdict.reason,
        missing: verdict.missing ?? [],
        vacuous: verdict.vacuous ?? false,
        source: criterion.source ?? null,
      });
    }
  return results;
}

export function evaluateEligibility(
  protocol: ProtocolDefinition,
  timeline: SubjectTimeline,
  reference: string,
): EligibilityResult {
  const results = evaluateCriteria(protocol, timeline, reference);
  const status = results.some((r) => criterionSatisfied(r) === 'not_met')
    ? 'not_eligible'
    : results.some((r) => r.status === 'unknown')
      ? 'unknown'
      : 'eligible';
  return { status, referenceDate: reference, criteria: results };
}

/** Whether a criterion's result lets the subject proceed (inclusion met / exclusion absent). */
export function criterionSatisfied(result: CriterionResult): CriterionStatus {
  if (result.status === 'unknown') return 'unknown';
  const ok = result.type === 'inclusion' ? result.status === 'met' : result.status === 'not_met';
  return ok ? 'met' : 'not_met';
}

/** The ids of the protocol's criteria. */
export function criterionIds(protocol: ProtocolDefinition): string[] {
  return [...protocol.eligibility.inclusion, ...protocol.eligibility.exclusion].map((c) => c.id);
}

/**
 * Investigator answers to criteria the protocol does not have (a misspelt id), which count for
 * nothing: each unknown id with the subjects it was answered for, to be reported.
 */
export function unknownCriterionAnswers(
  protocol: ProtocolDefinition,
  timelines: readonly SubjectTimeline[],
): Map<string, string[]> {
  const known = new Set(criterionIds(protocol));
  const unknown = new Map<string, string[]>();
  for (const t of timelines)
    for (const id of Object.keys(t.confirmations ?? {}))
      if (!known.has(id)) unknown.set(id, [...(unknown.get(id) ?? []), t.subjectId]);
  return unknown;
}
