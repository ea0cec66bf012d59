export * from './accounts/access-review.js';
export * from './accounts/access-settings.js';
export * from './accounts/password-policy.js';
export * from './accounts/passwords.js';
export * from './accounts/second-factor.js';
export * from './accounts/sessions.js';
export * from './accounts/totp.js';
export * from './accounts/users.js';
export * from './audit/anchor.js';
export * from './audit/audited-tables.js';
export { requestSeal, sealNow } from './audit/sealer.js';
export * from './audit/unsealed-window.js';
export * from './audit/verify-audit.js';
export * from './backup.js';
export * from './bundle/export-bundle.js';
export * from './bundle/import-batches.js';
export * from './bundle/import-bundle.js';
export * from './bundle/import-plan.js';
export * from './bundle/revert-batch.js';
export { STORE_TYPES } from './connection.js';
export * from './errors.js';
export * from './exchange/read-for-exchange.js';
export * from './exchange/record-changes.js';
export * from './forms/form-locks.js';
export * from './forms/form-status-grid.js';
export * from './locks/locks.js';
export * from './locks/sign-and-freeze.js';
export * from './migrate.js';
export * from './quality/index.js';
export * from './randomisation/randomisation.js';
export * from './randomisation/verify-list.js';
export * from './records/adverse-events.js';
export * from './records/chaq-answers.js';
export * from './records/damage-items.js';
export * from './records/eligibility.js';
export * from './records/infusions.js';
export * from './records/joint-findings.js';
export * from './records/medications.js';
export type { StoredRecord } from './records/record-texts.js';
export * from './records/site-scope.js';
export * from './records/subject-reads.js';
export * from './records/subjects.js';
export * from './review/alerts.js';
export * from './review/audit-review.js';
export {
  type AuditEntry,
  recordHistory,
  type SubjectAuditEntry,
  subjectHistory,
} from './review/history.js';
export * from './review/queries.js';
export {
  findRecord,
  isRecordTable,
  isStudyTable,
  STUDY_TABLES,
  type StudyTable,
} from './review/records.js';
export * from './review/security-events.js';
export * from './review/signatures.js';
export * from './runtime-role.js';
export * from './sdv/sdv-items.js';
export * from './sdv/sdv-progress.js';
export * from './sdv/verifications.js';
export {
  type EmbeddedServer,
  isAlive,
  openEmbeddedServer,
  pidTaken,
} from './server/embedded-server.js';
export * from './sites/transfers.js';
export * from './store.js';
export * from './studies.js';
export * from './timelines.js';
export * from './transaction.js';
export * from './visits.js';
