/**
 * The tables whose every change is audited (migrations/0002_trial_schema.sql and later ones
 * attach the triggers; audit-trail.test.ts checks that this list and the database agree), parents
 * before children: a backup loads them in this order.
 */
export const AUDITED_TABLES = [
  'study',
  'site',
  'app_user',
  'role_assignment',
  'study_access_policy',
  'subject',
  'visit',
  'joint_finding',
  'chaq_response',
  'damage_item',
  'medication',
  'infusion',
  'adverse_event',
  'alert',
  'data_query',
  'eligibility_assessment',
  'signature',
  // Data-quality checks (migration quality): the rule set a study is checked against, and the
  // discrepancies found, with their exclusions.
  'quality_rule_set',
  'discrepancy',
  // Which batches were imports, and their reverts (migration 0019_importsafe).
  'import_batch',
  // Source data verification and site transfers (migration 0020_sdv).
  'sdv_verification',
  'subject_transfer',
  'record_lock',
  // Randomisation (migration 0026_random): the list's header, allocations and emergency
  // unblindings, none of which holds an arm (the sealed entries are not audited: ADR 0047).
  'randomisation_list',
  'randomisation_allocation',
  'randomisation_unblinding',
  // Sign-ins, exports and the like (migration 0024_audit): account-level, no study's record.
  'security_event',
] as const;
export type AuditedTable = (typeof AUDITED_TABLES)[number];
