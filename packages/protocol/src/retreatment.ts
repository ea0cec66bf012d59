/**
 * Retreatment: whether a subject may receive another infusion now, and why (not). The rule is
 * the protocol's data; its default reading is the proposal of definitions.md section 2.3 (the
 * seed study allows "one and maximal two repeated infusions" after "ACR-Ped30 response but
 * subsequent loss of response", not further operationalised in any public text):
 * 1. a baseline: the last visit on or before the first infusion;
 * 2. a response after the latest infusion: a visit after it meeting JIA-ACR at the protocol's
 *    level against that baseline;
 * 3. a loss at a later visit: the level no longer met against the same baseline (acr_lost),
 *    flare against the response visit (flare), or inactive disease at the response visit and
 *    not at the later one (inactive_disease_lost);
 * 4. fewer infusions than the maximum, enough days since the last, not withdrawn, and the
 *    protocol's recheck criteria still satisfied on the day.
 * The study report calls this same function (issue 6), so the two cannot disagree.
 */
import {
  evaluateFlare,
  evaluateInactiveDisease,
  evaluateJiaAcr,
  type VisitObservation,
} from '@jia-trial/outcomes';
import { day } from './dates.js';
import type { ProtocolDefinition, RetreatmentRule } from './definition.js';
import { criterionSatisfied, evaluateCriteria } from './eligibility.js';
import type { RetreatmentDecision } from './findings.js';
import type { SubjectTimeline, TimelineVisit } from './timeline.js';

/** The last visit on or before the first infusion (null before any infusion or without one). */
export function baselineVisit(timeline: SubjectTimeline): TimelineVisit | null {
  const first = timeline.infusions[0];
  if (!first) return null;
  return timeline.visits.findLast((v) => v.date <= first.date) ?? null;
}

const label = (v: TimelineVisit) => `${v.visitId} (${v.date})`;

/** Whether the response level is met at `visit` against `baseline`: true, false, or null (undeterminable). */
function responds(
  rule: RetreatmentRule,
  baseline: TimelineVisit,
  visit: TimelineVisit,
): boolean | null {
  return evaluateJiaAcr(baseline.observation, visit.observation, rule.responseLevel).value;
}

function lost(
  protocol: ProtocolDefinition,
  rule: RetreatmentRule,
  baseline: TimelineVisit,
  response: TimelineVisit,
  visit: TimelineVisit,
): { value: boolean | null; why: string } {
  const level = `JIA-ACR ${rule.responseLevel}`;
  switch (rule.loss) {
    case 'acr_lost': {
      const value = responds(rule, baseline, visit);
      return {
        value: value === null ? null : !value,
        why: `${level} against baseline ${label(baseline)} no longer met`,
      };
    }
    case 'flare':
      return {
        value: evaluateFlare(response.observation, visit.observation, {
          definition: rule.flareDefinition,
        }).value,
        why: `flare (${rule.flareDefinition}) against the response visit ${label(response)}`,
      };
    case 'inactive_disease_lost': {
      const limits = {
        esrUpperLimit: protocol.esrUpperLimit,
        crpUpperLimit: protocol.crpUpperLimit,
      };
      const inactive = (o: VisitObservation) =>
        evaluateInactiveDisease(o, 'wallace2011', limits).value;
      const before = inactive(response.observation);
      const now = inactive(visit.observation);
      return {
        value: before === null || now === null ? null : before && !now,
        why: `inactive disease (Wallace 2011) at ${label(response)} and not any more`,
      };
    }
  }
}

export function retreatmentDecision(
  protocol: ProtocolDefinition,
  timeline: SubjectTimeline,
  asOf: string,
): RetreatmentDecision {
  const rule = protocol.retreatment;
  const given = timeline.infusions.length;
  const base = {
    infusionsSoFar: given,
    maxInfusions: rule?.maxInfusions ?? null,
    baselineVisitId: null as string | null,
    responseVisitId: null as string | null,
    lossVisitId: null as string | null,
  };
  const refuse = (...reasons: string[]): RetreatmentDecision => ({
    ...base,
    allowed: false,
    reasons,
  });
  if (rule === null) return refuse('the protocol has no retreatment');
  if (timeline.withdrawalDate !== null) return refuse(`withdrawn on ${timeline.withdrawalDate}`);
  const latest = timeline.infusions.at(-1);
  if (!latest) return refuse('no infusion yet: retreatment follows a response to an infusion');
  if (given >= rule.maxInfusions)
    return refuse(
      `${given} infusions given: the protocol allows at most ${rule.maxInfusions} (${rule.maxInfusions - 1} repeats)`,
    );
  const baseline = baselineVisit(timeline);
  if (!baseline)
    return refuse(
      `no baseline: no visit on or before the first infusion (${timeline.infusions[0]?.date})`,
    );
  base.baselineVisitId = baseline.visitId;

  const after = timeline.visits.filter((v) => v.date > latest.date);
  const undecided: string[] = [];
  const responseIndex = after.findIndex((v) => {
    const value = responds(rule, baseline, v);
    if (value === null) undecided.push(label(v));
    return value === true;
  });
  const response = after[responseIndex];
  if (!response)
    return refuse(
      `no JIA-ACR ${rule.responseLevel} response against baseline ${label(baseline)} after infusion ${given} (${latest.date})` +
        (undecided.length > 0
          ? `; undeterminable at ${undecided.join(', ')} (core-set values missing)`
          : ''),
    );
  base.responseVisitId = response.visitId;
  const reasons = [
    `JIA-ACR ${rule.responseLevel} reached at ${label(response)} against baseline ${label(baseline)}, after infusion ${given} (${latest.date})`,
  ];

  let lossWhy = '';
  const loss = after.slice(responseIndex + 1).find((v) => {
    const verdict = lost(protocol, rule, baseline, response, v);
    lossWhy = verdict.why;
    return verdict.value === true;
  });
  if (!loss)
    return refuse(
      ...reasons,
      lossWhy === ''
        ? 'no later visit yet to show a loss of the response'
        : `the response holds at every later visit (a loss would be: ${lossWhy})`,
    );
  base.lossVisitId = loss.visitId;
  reasons.push(`response lost at ${label(loss)}: ${lossWhy}`);

  const blockers: string[] = [];
  const sinceLast = day(asOf) - day(latest.date);
  if (sinceLast < rule.minDaysBetweenInfusions)
    blockers.push(
      `${sinceLast} days since the last infusion; at least ${rule.minDaysBetweenInfusions} required`,
    );
  for (const result of evaluateCriteria(protocol, timeline, asOf, rule.recheckCriteria)) {
    const satisfied = criterionSatisfied(result);
    if (satisfied === 'not_met') blockers.push(`${result.text}: ${result.reason}`);
    else if (satisfied === 'unknown') blockers.push(`${result.text}: unknown (${result.reason})`);
  }
  if (blockers.length > 0) return refuse(...reasons, ...blockers);
  reasons.push(`${given} of at most ${rule.maxInfusions} infusions given`);
  return { ...base, allowed: true, reasons };
}
