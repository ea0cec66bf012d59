/**
 * Whether a subject has reached the protocol's randomisation step on the evaluation's day: not
 * withdrawn, eligible, the step's scheduled visit done and its requirement met (a JIA-ACR
 * response against the baseline visit, for a withdrawal design). The server calls it before it
 * allocates; it does not know whether the subject was allocated already (the store does).
 * It reads what evaluate() computed (state, eligibility, the schedule with the visit matched to
 * each scheduled visit) and the subject's timeline for the matched visits' values.
 */
import { JiaError } from '@jia-trial/errors';
import { evaluateJiaAcr, jiaAcrOptionsFor } from '@jia-trial/outcomes';
import type { ProtocolDefinition } from './definition.js';
import type { SubjectEvaluation } from './evaluate.js';
import type { ScheduledVisit } from './findings.js';
import { censor, type SubjectTimeline } from './timeline.js';

/** Why a subject is (not) due: `due`, or what stands in the way. */
export const RANDOMISATION_DUE_CODES = [
  'due',
  'no_randomisation',
  'withdrawn',
  'not_eligible',
  'visit_not_done',
  'visit_missed',
  'requirement_not_met',
  'requirement_undetermined',
] as const;
export type RandomisationDueCode = (typeof RANDOMISATION_DUE_CODES)[number];

export interface RandomisationDue {
  readonly due: boolean;
  /** In words, naming the visit and values read. */
  readonly reason: string;
  readonly code: RandomisationDueCode;
  /** The recorded visit that fulfils the step visit (null until it is done). */
  readonly visitId: string | null;
  /** What would have to be recorded to decide an undetermined requirement. */
  readonly missing: readonly string[];
}

/** The first (lowest infusion) scheduled visit of that name. */
function scheduled(evaluation: SubjectEvaluation, name: string): ScheduledVisit | undefined {
  return evaluation.schedule.find((v) => v.name === name);
}

export function randomisationDue(
  protocol: ProtocolDefinition,
  evaluation: SubjectEvaluation,
  timeline: SubjectTimeline,
): RandomisationDue {
  checkSameSubject(protocol, evaluation, timeline);
  if (protocol.randomisation === undefined)
    return no('no_randomisation', 'the protocol has no randomisation');
  if (evaluation.state === 'withdrawn') return no('withdrawn', evaluation.stateReason);
  if (evaluation.eligibility.status !== 'eligible')
    return no(
      'not_eligible',
      `eligibility is ${evaluation.eligibility.status.replace('_', ' ')}: only an eligible subject is randomised`,
    );
  return randomisationStepReached(protocol, evaluation, timeline);
}

function checkSameSubject(
  protocol: ProtocolDefinition,
  evaluation: SubjectEvaluation,
  timeline: SubjectTimeline,
): void {
  if (evaluation.protocol.id !== protocol.id || evaluation.subjectId !== timeline.subjectId)
    throw new JiaError(
      'INTERNAL_ERROR',
      `the evaluation (${evaluation.protocol.id}, ${evaluation.subjectId}) is not of this protocol and subject (${protocol.id}, ${timeline.subjectId})`,
    );
}

function no(
  code: RandomisationDueCode,
  reason: string,
  more: Partial<RandomisationDue> = {},
): RandomisationDue {
  return { due: false, code, reason, visitId: null, missing: [], ...more };
}

/**
 * The step alone, whatever became of the subject since (withdrawn later, say): the step's
 * visit done and its requirement met. randomisationDue adds the subject's standing; the end
 * point (randomisation-endpoint.ts) starts from the visit this finds.
 */
export function randomisationStepReached(
  protocol: ProtocolDefinition,
  evaluation: SubjectEvaluation,
  timeline: SubjectTimeline,
): RandomisationDue {
  checkSameSubject(protocol, evaluation, timeline);
  const spec = protocol.randomisation;
  if (spec === undefined) return no('no_randomisation', 'the protocol has no randomisation');
  const step = scheduled(evaluation, spec.step.visit);
  if (!step) return no('visit_not_done', `visit ${spec.step.visit} is not scheduled yet`);
  if (step.status === 'missed')
    return no(
      'visit_missed',
      `visit ${step.name} was missed (window ${step.windowStart} to ${step.windowEnd})`,
    );
  if (step.status !== 'done' || step.visitId === null)
    return no(
      'visit_not_done',
      `visit ${step.name} is ${step.status} (window ${step.windowStart} to ${step.windowEnd})`,
    );
  const at = `${step.visitId} (${step.visitDate})`;
  const visitId = step.visitId;
  const requires = spec.step.requires;
  if (requires === undefined)
    return {
      due: true,
      code: 'due',
      reason: `visit ${step.name} done: ${at}`,
      visitId,
      missing: [],
    };
  const t = censor(timeline, evaluation.asOf);
  const baseline = scheduled(evaluation, requires.baselineVisit);
  const baselineVisit = t.visits.find((v) => v.visitId === baseline?.visitId);
  if (!baseline || !baselineVisit)
    return no(
      'requirement_undetermined',
      `no baseline: visit ${requires.baselineVisit} is ${baseline?.status ?? 'not scheduled'}`,
      { visitId, missing: [requires.baselineVisit] },
    );
  const visit = t.visits.find((v) => v.visitId === visitId);
  if (!visit) throw new JiaError('INTERNAL_ERROR', `visit ${visitId} is not in the timeline`);
  const options = jiaAcrOptionsFor(t.ilarCategory, protocol.systemicJiaAcr);
  const result = evaluateJiaAcr(
    baselineVisit.observation,
    visit.observation,
    requires.level,
    options,
  );
  const what = `JIA-ACR ${requires.level} at ${at} against baseline ${baselineVisit.visitId} (${baselineVisit.date})`;
  if (result.value === null)
    return no('requirement_undetermined', `${what} cannot be told: core-set values missing`, {
      visitId,
      missing: result.missing,
    });
  if (!result.value)
    return no('requirement_not_met', `${what} not reached: not a responder`, { visitId });
  return { due: true, code: 'due', reason: `${what} reached`, visitId, missing: [] };
}
