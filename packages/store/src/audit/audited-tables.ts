/**
 * The tables whose every change is audited (migrations/0002_trial_schema.sql attaches the
 * triggers; audit-trail.test.ts checks that this list and the database agree).
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
  'medication',
  'infusion',
  'adverse_event',
  'alert',
  'data_query',
  'eligibility_assessment',
] as const;
export type AuditedTable = (typeof AUDITED_TABLES)[number];
