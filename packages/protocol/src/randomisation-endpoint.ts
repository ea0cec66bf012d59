/**
 * The randomised period's end point, `time_to_flare`: the days from the randomisation visit to
 * the first later visit with a flare (the protocol's flare definition, @jia-trial/outcomes
 * flare.ts) against the randomisation visit's values, as in the withdrawal trials (Ruperto 2008:
 * "time to flare of arthritis"). Without a flare the time is censored at the last visit that
 * decided "no flare"; visits whose core set leaves flare undecided are named and decide nothing.
 * Only visits up to the end of the last scheduled visit's window count (the randomised period),
 * and only what was known on the evaluation's day. The arm is not the engine's to know: the
 * analysis joins the allocation (the store's) to this.
 */
import { evaluateFlare } from '@jia-trial/outcomes';
import { day } from './dates.js';
import type { ProtocolDefinition } from './definition.js';
import type { SubjectEvaluation } from './evaluate.js';
import { randomisationStepReached } from './randomisation-step.js';
import { censor, type SubjectTimeline } from './timeline.js';

export interface FlareEndpoint {
  /** flare: the event; censored: none so far; not_started: the step not reached; no_endpoint: the protocol has none. */
  readonly status: 'flare' | 'censored' | 'not_started' | 'no_endpoint';
  readonly reason: string;
  /** The randomisation visit, the flare's reference. */
  readonly referenceVisitId: string | null;
  readonly referenceDate: string | null;
  readonly flareVisitId: string | null;
  /** Days from the randomisation visit to the flare, or to the censoring visit. */
  readonly days: number | null;
  /** Visits after randomisation where flare could not be told, with what was missing. */
  readonly undetermined: readonly {
    readonly visitId: string;
    readonly missing: readonly string[];
  }[];
}

const none = {
  referenceVisitId: null,
  referenceDate: null,
  flareVisitId: null,
  days: null,
  undetermined: [],
} as const;

export function timeToFlare(
  protocol: ProtocolDefinition,
  evaluation: SubjectEvaluation,
  timeline: SubjectTimeline,
): FlareEndpoint {
  const endpoint = protocol.randomisation?.endpoint;
  if (endpoint === undefined)
    return { ...none, status: 'no_endpoint', reason: 'the protocol has no randomised end point' };
  const step = randomisationStepReached(protocol, evaluation, timeline);
  const t = censor(timeline, evaluation.asOf);
  const reference = t.visits.find((v) => v.visitId === step.visitId);
  if (!step.due || !reference)
    return { ...none, status: 'not_started', reason: `not randomised: ${step.reason}` };
  const lastSlot = evaluation.schedule.at(-1);
  const periodEnd = lastSlot ? lastSlot.windowEnd : evaluation.asOf;
  const after = t.visits.filter((v) => v.date > reference.date && v.date <= periodEnd);
  const undetermined: { visitId: string; missing: readonly string[] }[] = [];
  let lastNoFlare = reference;
  const base = {
    referenceVisitId: reference.visitId,
    referenceDate: reference.date,
    undetermined,
  };
  const definition = endpoint.flareDefinition;
  for (const visit of after) {
    const flare = evaluateFlare(reference.observation, visit.observation, { definition });
    if (flare.value === null) {
      undetermined.push({ visitId: visit.visitId, missing: flare.missing });
      continue;
    }
    if (flare.value) {
      const days = day(visit.date) - day(reference.date);
      return {
        ...base,
        status: 'flare',
        reason: `flare (${definition}) at ${visit.visitId} (${visit.date}), ${days} days after the randomisation visit ${reference.visitId} (${reference.date}); worse: ${flare.worsened.join(', ')}`,
        flareVisitId: visit.visitId,
        days,
      };
    }
    lastNoFlare = visit;
  }
  const days = day(lastNoFlare.date) - day(reference.date);
  const open =
    undetermined.length > 0
      ? `; undecided at ${undetermined.map((u) => u.visitId).join(', ')} (core-set values missing)`
      : '';
  return {
    ...base,
    status: 'censored',
    reason:
      (lastNoFlare === reference
        ? `no visit after the randomisation visit ${reference.visitId} (${reference.date}) decides flare yet`
        : `no flare (${definition}) to ${lastNoFlare.visitId} (${lastNoFlare.date}), ${days} days after the randomisation visit ${reference.visitId}`) +
      open,
    flareVisitId: null,
    days,
  };
}
