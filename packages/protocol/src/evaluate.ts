/**
 * evaluate(protocol, timeline, asOf): a subject's whole state under a protocol on a day, from
 * what was known on that day (timeline.ts `censor`): eligibility, schedule and study days,
 * dose checks, retreatment, alerts, and the state with its reason.
 */
import { day } from './dates.js';
import type { ProtocolDefinition } from './definition.js';
import { checkInfusionDose } from './dosing.js';
import { evaluateEligibility } from './eligibility.js';
import type {
  Alert,
  DoseCheck,
  EligibilityResult,
  RetreatmentDecision,
  ScheduledVisit,
  SubjectStateName,
} from './findings.js';
import { retreatmentDecision } from './retreatment.js';
import { safetyAlerts } from './safety.js';
import { buildSchedule, type Schedule } from './schedule.js';
import { censor, type SubjectTimeline } from './timeline.js';
import { vacuousPassAlerts } from './vacuous-pass.js';

export interface SubjectEvaluation {
  readonly subjectId: string;
  readonly asOf: string;
  readonly protocol: { readonly id: string; readonly version: string };
  readonly state: SubjectStateName;
  readonly stateReason: string;
  readonly infusions: number;
  readonly eligibility: EligibilityResult;
  readonly schedule: readonly ScheduledVisit[];
  readonly studyDayOne: string | null;
  readonly studyDays: Schedule['studyDays'];
  readonly doses: readonly DoseCheck[];
  readonly retreatment: RetreatmentDecision;
  readonly alerts: readonly Alert[];
}

function stateOf(
  protocol: ProtocolDefinition,
  t: SubjectTimeline,
  eligibility: EligibilityResult,
  schedule: Schedule,
  asOf: string,
): { state: SubjectStateName; reason: string } {
  if (t.withdrawalDate !== null)
    return { state: 'withdrawn', reason: `withdrawn on ${t.withdrawalDate}` };
  // An infused subject is in the study whatever the record says of the enrolment (a missing
  // enrolment date is a deviation, INFUSION_NOT_ALLOWED).
  if (t.enrolmentDate === null && t.infusions.length === 0) return screeningState(eligibility);
  const followUp = followUpState(schedule);
  const last = t.infusions.at(-1);
  if (protocol.intervention !== null) {
    if (!last) return { state: 'enrolled', reason: `enrolled ${t.enrolmentDate}, not infused yet` };
    const n = t.infusions.length;
    if (day(asOf) <= day(last.date) + protocol.intervention.observationDays)
      return {
        state: 'infused',
        reason: `infusion ${n} on ${last.date}: within the ${protocol.intervention.observationDays}-day observation period`,
      };
    return (
      followUp ?? { state: 'in_follow_up', reason: `${n} infusion(s), the last on ${last.date}` }
    );
  }
  if (followUp) return followUp;
  return schedule.visits.some((v) => v.status === 'done')
    ? { state: 'in_follow_up', reason: `enrolled ${t.enrolmentDate}, visits under way` }
    : { state: 'enrolled', reason: `enrolled ${t.enrolmentDate}, no scheduled visit done yet` };
}

function screeningState(eligibility: EligibilityResult): {
  state: SubjectStateName;
  reason: string;
} {
  if (eligibility.status === 'eligible')
    return { state: 'eligible', reason: 'every criterion decided in favour; not enrolled yet' };
  if (eligibility.status === 'not_eligible')
    return { state: 'not_eligible', reason: 'a criterion excludes the subject (see eligibility)' };
  const open = eligibility.criteria.filter((c) => c.status === 'unknown').map((c) => c.id);
  return { state: 'screening', reason: `not enrolled; criteria still open: ${open.join(', ')}` };
}

/**
 * Completed when every scheduled visit is over and the last one was done; when the last was
 * missed the subject is still in follow-up, with the reason (record a withdrawal if lost).
 */
function followUpState(schedule: Schedule): { state: SubjectStateName; reason: string } | null {
  const slots = schedule.visits;
  const final = slots.at(-1);
  if (!final || !slots.every((v) => v.status === 'done' || v.status === 'missed')) return null;
  if (final.status === 'done')
    return {
      state: 'completed',
      reason: `the last scheduled visit (${final.name}) was done on ${final.visitDate}`,
    };
  return {
    state: 'in_follow_up',
    reason: `every scheduled visit is over but the last (${final.name}) was missed: record a withdrawal if the subject is lost to follow-up`,
  };
}

export function evaluate(
  protocol: ProtocolDefinition,
  timeline: SubjectTimeline,
  asOf: string,
): SubjectEvaluation {
  day(asOf); // a malformed date throws here, naming it
  const t = censor(timeline, asOf);
  const reference =
    (protocol.eligibility.assessedOn === 'first_infusion'
      ? t.infusions[0]?.date
      : t.enrolmentDate) ?? asOf;
  const eligibility = evaluateEligibility(protocol, t, reference);
  const schedule = buildSchedule(protocol, t, asOf);
  const { state, reason } = stateOf(protocol, t, eligibility, schedule, asOf);
  const intervention = protocol.intervention;
  return {
    subjectId: t.subjectId,
    asOf,
    protocol: { id: protocol.id, version: protocol.version },
    state,
    stateReason: reason,
    infusions: t.infusions.length,
    eligibility,
    schedule: schedule.visits,
    studyDayOne: schedule.studyDayOne,
    studyDays: schedule.studyDays,
    doses: intervention
      ? t.infusions.map((inf, k) => checkInfusionDose(intervention, inf, k + 1))
      : [],
    retreatment: retreatmentDecision(protocol, t, asOf),
    alerts: [
      ...safetyAlerts(protocol, t, schedule, asOf),
      ...vacuousPassAlerts(protocol, eligibility),
    ],
  };
}
