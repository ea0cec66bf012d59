/**
 * What the engine concludes, and why: every conclusion carries the rule that produced it, the
 * values it read and, where the protocol names one, the source of the rule.
 */

export type CriterionStatus = 'met' | 'not_met' | 'unknown';

export interface CriterionResult {
  readonly id: string;
  readonly type: 'inclusion' | 'exclusion';
  readonly text: string;
  /** For an exclusion, "met" means the excluding condition is present. */
  readonly status: CriterionStatus;
  /** Why, in words, naming the values read. */
  readonly reason: string;
  /** What would have to be recorded to decide an unknown criterion. */
  readonly missing: readonly string[];
  /**
   * Decided only vacuously: "every registered medicine failed" with none registered for the
   * subject (ADR 0017). The status is what the protocol's `whenNoneRegistered` makes of it.
   */
  readonly vacuous: boolean;
  readonly source: string | null;
}

export interface EligibilityResult {
  readonly status: 'eligible' | 'not_eligible' | 'unknown';
  /** The day the criteria were evaluated on (the first infusion, or the as-of day). */
  readonly referenceDate: string;
  readonly criteria: readonly CriterionResult[];
}

export type Severity = 'info' | 'warning' | 'urgent';

export const ALERT_CODES = [
  'MAS_CRITERIA_MET',
  'MAS_CRITERIA_UNDETERMINED',
  'MAS_WATCH',
  'MAS_SIGNS',
  'MS_SCORE_AT_CUTOFF',
  'MAS_LAB_TREND',
  'SAE_REPORT_DUE',
  'SAE_REPORTED_LATE',
  'INFUSION_REACTION',
  'INFUSION_VITALS_MISSING',
  'INFUSION_NOT_ALLOWED',
  'VISIT_OVERDUE',
  'VISIT_MISSED',
  'DOSE_OUT_OF_TOLERANCE',
  'ELIGIBILITY_NONE_REGISTERED',
] as const;
export type AlertCode = (typeof ALERT_CODES)[number];

export interface Alert {
  readonly code: AlertCode;
  readonly severity: Severity;
  readonly message: string;
  /** The data that raised it. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly source: string | null;
}

/** An alert of a safety rule, carrying the rule's source. */
export function alert(
  code: AlertCode,
  severity: Severity,
  message: string,
  data: Record<string, unknown>,
  rule: { readonly source?: string | undefined },
): Alert {
  return { code, severity, message, data, source: rule.source ?? null };
}

export type VisitStatus = 'upcoming' | 'due' | 'overdue' | 'missed' | 'done';

export interface ScheduledVisit {
  readonly name: string;
  /** The infusion whose series the visit belongs to (1 = first); null: anchored on enrolment. */
  readonly infusion: number | null;
  readonly targetDate: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly status: VisitStatus;
  /** The recorded visit that fulfils it. */
  readonly visitId: string | null;
  readonly visitDate: string | null;
  /** Done, but after its window (in the grace period): a protocol deviation. */
  readonly late: boolean;
}

/** A check of the day for a repeat infusion (not withdrawn, the interval, a recheck criterion). */
export interface RetreatmentCheck {
  /** `withdrawal`, `min_days_between_infusions`, or the id of the eligibility criterion rechecked. */
  readonly id: string;
  readonly text: string;
  readonly reason: string;
  /** For a pending check: what would settle it (to record); empty for a blocker. */
  readonly settledBy: readonly string[];
}

/**
 * Whether another infusion may be given now, as two facts apart (ADR 0016): whether the
 * subject qualifies under the protocol's rule (a response after the latest infusion, lost now,
 * fewer infusions than the maximum), and whether every check of the day is known and met.
 */
export interface RetreatmentDecision {
  /** Qualifies, and every check of the day is known and met: a repeat may be given today. */
  readonly allowed: boolean;
  /** The protocol's rule: response, its current loss, and the infusion limit. */
  readonly qualifies: boolean;
  /** Why the subject qualifies or not (the rule alone). */
  readonly ruleReasons: readonly string[];
  /** Checks of the day known not to be met (only when the subject qualifies). */
  readonly blockers: readonly RetreatmentCheck[];
  /** Checks of the day still unknown, each with what would settle it (only when the subject qualifies). */
  readonly pending: readonly RetreatmentCheck[];
  /** Every reason in one list: the rule's, then the blockers, then the pending checks. */
  readonly reasons: readonly string[];
  readonly infusionsSoFar: number;
  readonly maxInfusions: number | null;
  readonly baselineVisitId: string | null;
  /** The visit after the latest infusion where the response was reached. */
  readonly responseVisitId: string | null;
  /** The later visit where it was lost. */
  readonly lossVisitId: string | null;
}

export type SubjectStateName =
  | 'screening'
  | 'eligible'
  | 'not_eligible'
  | 'enrolled'
  | 'infused'
  | 'in_follow_up'
  | 'completed'
  | 'withdrawn';

export interface DoseCheck {
  readonly infusion: number;
  readonly date: string;
  readonly weightKg: number;
  readonly expectedTotal: number;
  readonly allowedRange: readonly [number, number];
  readonly recordedTotal: number;
  readonly recordedPerKg: number;
  readonly withinTolerance: boolean;
  readonly reason: string;
}
