/**
 * Infusions against the protocol (safety rule `infusion_compliance`): each recorded infusion is
 * checked as the engine would have judged it on its day, from what was known then. The first
 * needs an enrolled, eligible subject; a repeat needs the retreatment rule to allow it on the
 * day (response, loss, fewer than the maximum, recheck criteria); none may follow a withdrawal.
 * A breach is INFUSION_NOT_ALLOWED (warning): a protocol deviation to document.
 */
import type { ProtocolDefinition, SafetyRule } from './definition.js';
import { criterionSatisfied, evaluateEligibility } from './eligibility.js';
import { type Alert, alert } from './findings.js';
import { retreatmentDecision } from './retreatment.js';
import { censor, type SubjectTimeline, type TimelineInfusion } from './timeline.js';

function breaches(
  protocol: ProtocolDefinition,
  t: SubjectTimeline,
  infusion: TimelineInfusion,
  k: number,
): string[] {
  const found: string[] = [];
  if (t.enrolmentDate === null || t.enrolmentDate > infusion.date)
    found.push(
      t.enrolmentDate === null ? 'no enrolment date' : `enrolled only on ${t.enrolmentDate}`,
    );
  if (t.withdrawalDate !== null && t.withdrawalDate <= infusion.date)
    found.push(`withdrawn on ${t.withdrawalDate}`);
  // What was known on the infusion day, without this infusion and later ones.
  const before = { ...censor(t, infusion.date), infusions: t.infusions.slice(0, k) };
  if (k === 0) {
    const eligibility = evaluateEligibility(protocol, before, infusion.date);
    const against = eligibility.criteria.filter((c) => criterionSatisfied(c) === 'not_met');
    const open = eligibility.criteria.filter((c) => c.status === 'unknown');
    if (against.length > 0)
      found.push(`not eligible: ${against.map((c) => `${c.id} (${c.reason})`).join('; ')}`);
    else if (open.length > 0)
      found.push(`eligibility not established: ${open.map((c) => c.id).join(', ')} unknown`);
  } else {
    const decision = retreatmentDecision(protocol, before, infusion.date);
    if (!decision.allowed)
      found.push(`repeat not allowed on the day: ${decision.reasons.join('; ')}`);
  }
  return found;
}

export function infusionComplianceAlerts(
  protocol: ProtocolDefinition,
  rule: Extract<SafetyRule, { kind: 'infusion_compliance' }>,
  t: SubjectTimeline,
): Alert[] {
  return t.infusions.flatMap((infusion, k) => {
    const found = breaches(protocol, t, infusion, k);
    if (found.length === 0) return [];
    return [
      alert(
        'INFUSION_NOT_ALLOWED',
        'warning',
        `infusion ${k + 1} (${infusion.date}) was given against the protocol: ${found.join('; ')}`,
        { infusion: k + 1, date: infusion.date, breaches: found },
        rule,
      ),
    ];
  });
}
