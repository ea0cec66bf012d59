/**
 * The protocol's decisions at the data cut, per subject, as the engine takes them (`evaluate`
 * of @jia-trial/protocol, the same function as `jia-trial status`): whether each infused
 * patient qualifies for a repeat infusion under the retreatment rule and whether it is allowed
 * on the day, with the checks blocking it or still pending (ADR 0016); and the eligibility
 * with every criterion passed only because nothing was registered (ADR 0017). Codes and ids
 * only, no free text, so that the pseudonymised report keeps them as they are; report.html
 * names the checks from `checks`.
 */
import {
  type CriterionStatus,
  type EligibilityResult,
  evaluate,
  type ProtocolDefinition,
  type SubjectTimeline,
} from '@jia-trial/protocol';

export interface RetreatmentAtCut {
  readonly subjectId: string;
  readonly infusions: number;
  readonly qualifies: boolean;
  readonly allowed: boolean;
  readonly responseVisitId: string | null;
  readonly lossVisitId: string | null;
  /** Ids of the checks of the day known not met. */
  readonly blockers: readonly string[];
  /** Ids of the checks of the day still unknown. */
  readonly pending: readonly string[];
}

export interface EligibilityAtCut {
  readonly subjectId: string;
  readonly status: EligibilityResult['status'];
  readonly referenceDate: string;
  /** Criteria decided only vacuously (none registered), with what the protocol made of them. */
  readonly noneRegistered: ReadonlyArray<{
    readonly criterionId: string;
    readonly status: CriterionStatus;
  }>;
}

export interface ProtocolDecisions {
  /** Infused patients only: retreatment follows an infusion. */
  readonly retreatment: readonly RetreatmentAtCut[];
  readonly eligibility: readonly EligibilityAtCut[];
  /** The text of each check or criterion named above (the protocol's wording). */
  readonly checks: ReadonlyArray<{ readonly id: string; readonly text: string }>;
}

export function protocolDecisions(
  protocol: ProtocolDefinition,
  known: readonly SubjectTimeline[],
  asOf: string,
): ProtocolDecisions {
  const checks = new Map<string, string>();
  const retreatment: RetreatmentAtCut[] = [];
  const eligibility: EligibilityAtCut[] = [];
  for (const t of known) {
    const s = evaluate(protocol, t, asOf);
    const r = s.retreatment;
    for (const c of [...r.blockers, ...r.pending]) checks.set(c.id, c.text);
    if (t.infusions.length > 0)
      retreatment.push({
        subjectId: t.subjectId,
        infusions: t.infusions.length,
        qualifies: r.qualifies,
        allowed: r.allowed,
        responseVisitId: r.responseVisitId,
        lossVisitId: r.lossVisitId,
        blockers: r.blockers.map((b) => b.id),
        pending: r.pending.map((p) => p.id),
      });
    const vacuous = s.eligibility.criteria.filter((c) => c.vacuous);
    for (const c of vacuous) checks.set(c.id, c.text);
    eligibility.push({
      subjectId: t.subjectId,
      status: s.eligibility.status,
      referenceDate: s.eligibility.referenceDate,
      noneRegistered: vacuous.map((c) => ({ criterionId: c.id, status: c.status })),
    });
  }
  return {
    retreatment,
    eligibility,
    checks: [...checks].map(([id, text]) => ({ id, text })),
  };
}
