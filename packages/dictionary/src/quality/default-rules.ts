/**
 * The rule set a study checks against until a data manager stores its own (ADR 0043). Every rule
 * says why it holds and where that is written; the ranges are the field dictionary's, applied by
 * reference (`limits: "dictionary"`), never copied.
 */
import type { QualityRuleSet } from './rule-set.js';

/** The six core response variables of the JIA core set (definitions.md 1.2), as visit fields. */
export const CORE_SET_FIELDS = [
  'physician_global',
  'parent_global',
  'chaq_di',
  'active_joints',
  'limited_joints',
  'esr',
] as const;

/**
 * The protocol engine's alerts that record a departure from the protocol already made (not a
 * clinical warning still to act on): a missed visit, an infusion the protocol did not allow, a
 * dose outside tolerance, a serious AE reported late, an infusion without vital signs.
 */
export const DEVIATION_ALERTS = [
  'VISIT_MISSED',
  'INFUSION_NOT_ALLOWED',
  'DOSE_OUT_OF_TOLERANCE',
  'SAE_REPORTED_LATE',
  'INFUSION_VITALS_MISSING',
] as const;

export const DEFAULT_RULE_SET: QualityRuleSet = {
  title: 'jia-trial default checks',
  rules: [
    {
      kind: 'range',
      id: 'dictionary_range',
      limits: 'dictionary',
      source:
        "The field dictionary's range of each field (docs/field-dictionary.md): values stored before a range was corrected, or by another path into the database, are found.",
    },
    {
      kind: 'cross_field',
      id: 'visit_after_birth',
      check: 'visit_not_before_birth',
      source:
        'A visit examines the child, so it cannot precede the birth; the birth date is kept to the month, and a visit in the birth month is accepted.',
    },
    {
      kind: 'cross_field',
      id: 'visit_after_consent',
      check: 'visit_not_before_consent',
      source:
        "ICH E6(R2) 4.8.8: the subject's written informed consent is obtained before participation in the trial; the consent date, else the enrolment date (ADR 0020). Data taken from the chart before consent may be excluded with that reason.",
    },
    {
      kind: 'cross_field',
      id: 'active_joints_match_findings',
      check: 'active_joints_agree_with_findings',
      source:
        'An active joint is swelling, or limitation of motion with pain on motion or tenderness (definitions.md 1.2 [S]: Drug Des Devel Ther 2011, PMC3038996, Table 2): the joints a visit lists as active agree with its joint examination.',
    },
    {
      kind: 'cross_field',
      id: 'limited_count_covers_findings',
      check: 'limited_count_covers_findings',
      source:
        'Core-set item 5 counts every joint with limitation of motion (definitions.md 1.2): the count is at least the joints the examination records as limited.',
    },
    {
      kind: 'cross_field',
      id: 'physician_global_zero_means_no_activity',
      check: 'physician_global_zero_without_active_joints',
      source:
        "The physician's global assessment is 0 for no disease activity (definitions.md 1.2 [V]; Wallace 2004 and 2011 inactive disease: PhGA at the best score); 0 beside active joints contradicts it.",
    },
    {
      kind: 'visit_window',
      id: 'visit_in_window',
      source:
        "The protocol's visit windows (docs/protocol-engine.md, Schedule): a visit done after its window, in the grace period, is a protocol deviation.",
    },
    {
      kind: 'expected',
      id: 'core_set_recorded',
      recordType: 'visit',
      fields: [...CORE_SET_FIELDS],
      source:
        'The six core response variables (definitions.md 1.2; Giannini 1997): a visit without one of them cannot be compared by the JIA-ACR response, which is then undeterminable (ADR 0003).',
    },
    {
      kind: 'protocol_deviation',
      id: 'engine_deviations',
      alerts: [...DEVIATION_ALERTS],
      source:
        "The protocol engine's own findings (docs/protocol-engine.md, Safety alerts), as the subject's status shows them; ICH E6(R2) 4.5.3: deviations from the protocol are documented and explained.",
    },
  ],
};
