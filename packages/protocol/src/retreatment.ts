/**
 * Retreatment: whether a subject may receive another infusion now, and why (not). The rule is
 * the protocol's data; its default reading is jia-trial's design decision [D], explained in
 * protocols/msc-jia/README.md and docs/protocol-engine.md (the seed study allows "one and
 * maximal two repeated infusions" after "ACR-Ped30 response but subsequent loss of response",
 * not further operationalised in any public text):
 * 1. a baseline: the last visit on or before the first infusion;
 * 2. a response after the latest infusion: a visit after it meeting JIA-ACR at the protocol's
 *    level against that baseline;
 * 3. a loss at a later visit: the level no longer met against the same baseline (acr_lost),
 *    flare against the response visit (flare), or inactive disease at the response visit and
 *    not at the later one (inactive_disease_lost);
 * 4. fewer infusions than the maximum.
 * Those four make the subject *qualify*. A repeat is *allowed* today only when, besides, every
 * check of the day is known and met: not withdrawn, enough days since the last infusion, and
 * the protocol's recheck criteria on the day. A check still unknown (no screening visit in the
 * last 7 days to say whether the child is febrile) is *pending*, with what would settle it,
 * and is not a refusal of the rule (ADR 0016).
 * The study report calls this same function (issue 6), so the two cannot disagree.
 */
import {
  evaluateFlare,
  evaluateInactiveDisease,
  evaluateJiaAcr,
  type JiaAcrOptions,
  jiaAcrLevel,
  jiaAcrOptionsFor,
  type VisitObservation,
} from '@jia-trial/outcomes';
import { day } from './dates.js';
import type { ProtocolDefinition, RetreatmentRule } from './definition.js';
import { criterionSatisfied, evaluateCriteria } from './eligibility.js';
import type { RetreatmentCheck, RetreatmentDecision } from './findings.js';
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
  options: JiaAcrOptions,
): boolean | null {
  return evaluateJiaAcr(baseline.observation, visit.observation, rule.responseLevel, options).value;
}

/** Whether `visit` has lost the response: true, false, or null (undeterminable), and what a loss means. */
function lossAt(
  protocol: ProtocolDefinition,
  rule: RetreatmentRule,
  baseline: TimelineVisit,
  reference: TimelineVisit,
  visit: TimelineVisit,
  options: JiaAcrOptions,
): { value: boolean | null; why: string } {
  const level = `JIA-ACR ${rule.responseLevel}`;
  switch (rule.loss) {
    case 'acr_lost': {
      const value = responds(rule, baseline, visit, options);
      return {
        value: value === null ? null : !value,
        why: `${level} against baseline ${label(baseline)} no longer met`,
      };
    }
    case 'flare':
      return {
        value: evaluateFlare(reference.observation, visit.observation, {
          definition: rule.flareDefinition,
        }).value,
        why: `flare (${rule.flareDefinition}) against the best response visit ${label(reference)}`,
      };
    case 'inactive_disease_lost': {
      const limits = {
        esrUpperLimit: protocol.esrUpperLimit,
        crpUpperLimit: protocol.crpUpperLimit,
      };
      const inactive = (o: VisitObservation) =>
        evaluateInactiveDisease(o, 'wallace2011', limits).value;
      const before = inactive(reference.observation);
      const now = inactive(visit.observation);
      return {
        value: before === null || now === null ? null : before && !now,
        why: `inactive disease (Wallace 2011) at ${label(reference)} and not any more`,
      };
    }
  }
}

type CurrentLoss =
  | { readonly kind: 'lost'; readonly visit: TimelineVisit; readonly why: string }
  | { readonly kind: 'not_lost'; readonly why: string };

/**
 * Whether the response is lost *now*: the latest visit after the response that decides it
 * shows a loss (a loss since recovered does not count). The loss is dated at the first visit
 * of the current run of losses. For the flare and inactive-disease options the reference is
 * the best response so far (the highest JIA-ACR level, the earliest on a tie: a jia-trial
 * decision, docs/protocol-engine.md). Undeterminable visits decide nothing and are named.
 */
function currentLoss(
  protocol: ProtocolDefinition,
  rule: RetreatmentRule,
  baseline: TimelineVisit,
  fromResponse: readonly TimelineVisit[],
  options: JiaAcrOptions,
): CurrentLoss {
  const [first, ...later] = fromResponse;
  if (!first) return { kind: 'not_lost', why: 'no later visit yet to show a loss of the response' };
  let best = first;
  let bestLevel = jiaAcrLevel(baseline.observation, first.observation, options) ?? 0;
  let runStart: TimelineVisit | null = null;
  let lastDecided: { visit: TimelineVisit; lost: boolean } | null = null;
  let why = '';
  const undecided: string[] = [];
  for (const visit of later) {
    const verdict = lossAt(protocol, rule, baseline, best, visit, options);
    why = verdict.why;
    if (verdict.value === null) {
      undecided.push(label(visit));
    } else {
      if (verdict.value && !lastDecided?.lost) runStart = visit;
      lastDecided = { visit, lost: verdict.value };
    }
    const level = jiaAcrLevel(baseline.observation, visit.observation, options);
    if (!lastDecided?.lost && level !== null && level > bestLevel) {
      best = visit;
      bestLevel = level;
    }
  }
  const openNote =
    undecided.length > 0
      ? `; undeterminable at ${undecided.join(', ')} (core-set values missing)`
      : '';
  if (lastDecided?.lost && runStart) return { kind: 'lost', visit: runStart, why: why + openNote };
  if (later.length === 0)
    return { kind: 'not_lost', why: 'no later visit yet to show a loss of the response' };
  if (lastDecided === null)
    return {
      kind: 'not_lost',
      why: `no later visit decides whether the response is lost${openNote}`,
    };
  return {
    kind: 'not_lost',
    why: `the response holds at the latest deciding visit, ${label(lastDecided.visit)} (a loss would be: ${why})${openNote}`,
  };
}

interface Qualification {
  readonly qualifies: boolean;
  readonly reasons: string[];
  readonly baselineVisitId: string | null;
  readonly responseVisitId: string | null;
  readonly lossVisitId: string | null;
}

/** The protocol's rule alone: a response after the latest infusion, lost now, and the infusion limit. */
function qualification(
  protocol: ProtocolDefinition,
  rule: RetreatmentRule,
  timeline: SubjectTimeline,
): Qualification {
  const ids = { baselineVisitId: null, responseVisitId: null, lossVisitId: null };
  const no = (reasons: string[], found: Partial<Qualification> = {}): Qualification => ({
    ...ids,
    ...found,
    qualifies: false,
    reasons,
  });
  // The protocol's JIA-ACR for this subject (the adapted rule for systemic JIA when chosen).
  const options = jiaAcrOptionsFor(timeline.ilarCategory, protocol.systemicJiaAcr);
  const given = timeline.infusions.length;
  const latest = timeline.infusions.at(-1);
  if (!latest) return no(['no infusion yet: retreatment follows a response to an infusion']);
  if (given >= rule.maxInfusions)
    return no([
      `${given} infusions given: the protocol allows at most ${rule.maxInfusions} (${rule.maxInfusions - 1} repeats)`,
    ]);
  const baseline = baselineVisit(timeline);
  if (!baseline)
    return no([
      `no baseline: no visit on or before the first infusion (${timeline.infusions[0]?.date})`,
    ]);
  const after = timeline.visits.filter((v) => v.date > latest.date);
  const undecided: string[] = [];
  const responseIndex = after.findIndex((v) => {
    const value = responds(rule, baseline, v, options);
    if (value === null) undecided.push(label(v));
    return value === true;
  });
  const response = after[responseIndex];
  if (!response)
    return no(
      [
        `no JIA-ACR ${rule.responseLevel} response against baseline ${label(baseline)} after infusion ${given} (${latest.date})` +
          (undecided.length > 0
            ? `; undeterminable at ${undecided.join(', ')} (core-set values missing)`
            : ''),
      ],
      { baselineVisitId: baseline.visitId },
    );
  const reasons = [
    `JIA-ACR ${rule.responseLevel} reached at ${label(response)} against baseline ${label(baseline)}, after infusion ${given} (${latest.date})`,
  ];
  const found = { baselineVisitId: baseline.visitId, responseVisitId: response.visitId };
  const current = currentLoss(protocol, rule, baseline, after.slice(responseIndex), options);
  if (current.kind !== 'lost') return no([...reasons, current.why], found);
  return {
    ...found,
    lossVisitId: current.visit.visitId,
    qualifies: true,
    reasons: [
      ...reasons,
      `response lost at ${label(current.visit)}: ${current.why}`,
      `${given} of at most ${rule.maxInfusions} infusions given`,
    ],
  };
}

/**
 * The checks of the day for a subject who qualifies: not withdrawn, the minimum interval since
 * the last infusion, and the protocol's recheck criteria on the day (a febrile illness, a
 * biologic running). Each is met, not met (a blocker) or unknown (pending, with what would
 * settle it).
 */
function checksOfTheDay(
  protocol: ProtocolDefinition,
  rule: RetreatmentRule,
  timeline: SubjectTimeline,
  asOf: string,
): { blockers: RetreatmentCheck[]; pending: RetreatmentCheck[] } {
  const blockers: RetreatmentCheck[] = [];
  const pending: RetreatmentCheck[] = [];
  if (timeline.withdrawalDate !== null)
    blockers.push({
      id: 'withdrawal',
      text: 'Not withdrawn',
      reason: `withdrawn on ${timeline.withdrawalDate}`,
      settledBy: [],
    });
  const last = timeline.infusions.at(-1);
  const sinceLast = last ? day(asOf) - day(last.date) : Number.POSITIVE_INFINITY;
  if (sinceLast < rule.minDaysBetweenInfusions)
    blockers.push({
      id: 'min_days_between_infusions',
      text: `At least ${rule.minDaysBetweenInfusions} days since the last infusion`,
      reason: `${sinceLast} days since the last infusion; at least ${rule.minDaysBetweenInfusions} required`,
      settledBy: [],
    });
  for (const result of evaluateCriteria(protocol, timeline, asOf, rule.recheckCriteria)) {
    const satisfied = criterionSatisfied(result);
    const check = { id: result.id, text: result.text, reason: result.reason };
    if (satisfied === 'not_met') blockers.push({ ...check, settledBy: [] });
    else if (satisfied === 'unknown') pending.push({ ...check, settledBy: result.missing });
  }
  return { blockers, pending };
}

export function retreatmentDecision(
  protocol: ProtocolDefinition,
  timeline: SubjectTimeline,
  asOf: string,
): RetreatmentDecision {
  const rule = protocol.retreatment;
  const common = {
    infusionsSoFar: timeline.infusions.length,
    maxInfusions: rule?.maxInfusions ?? null,
  };
  if (rule === null) {
    const reasons = ['the protocol has no retreatment'];
    return {
      ...common,
      allowed: false,
      qualifies: false,
      ruleReasons: reasons,
      blockers: [],
      pending: [],
      reasons,
      baselineVisitId: null,
      responseVisitId: null,
      lossVisitId: null,
    };
  }
  const q = qualification(protocol, rule, timeline);
  const { blockers, pending } = q.qualifies
    ? checksOfTheDay(protocol, rule, timeline, asOf)
    : { blockers: [], pending: [] };
  return {
    ...common,
    allowed: q.qualifies && blockers.length === 0 && pending.length === 0,
    qualifies: q.qualifies,
    ruleReasons: q.reasons,
    blockers,
    pending,
    reasons: [
      ...q.reasons,
      ...blockers.map((b) => `${b.text}: ${b.reason}`),
      ...pending.map(
        (p) => `${p.text}: unknown (${p.reason}); to settle it: ${p.settledBy.join(', ')}`,
      ),
    ],
    baselineVisitId: q.baselineVisitId,
    responseVisitId: q.responseVisitId,
    lossVisitId: q.lossVisitId,
  };
}
