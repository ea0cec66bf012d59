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
  // Sign-ins, exports and the like (migration 0018_audit): account-level, no study's record.
  'security_event',
] as const;
export type AuditedTable = (typeof AUDITED_TABLES)[number];
