export * from './audit/audited-tables.js';
export { requestSeal, sealNow } from './audit/sealer.js';
export * from './audit/verify-audit.js';
export * from './backup.js';
export * from './bundle/export-bundle.js';
export * from './bundle/import-bundle.js';
export { STORE_TYPES } from './connection.js';
export * from './errors.js';
export * from './migrate.js';
export * from './review/alerts.js';
export { type AuditEntry, recordHistory } from './review/history.js';
export * from './review/queries.js';
export { isRecordTable, isStudyTable, STUDY_TABLES, type StudyTable } from './review/records.js';
export * from './review/signatures.js';
export * from './runtime-role.js';
export {
  type EmbeddedServer,
  isAlive,
  openEmbeddedServer,
  pidTaken,
} from './server/embedded-server.js';
export * from './store.js';
export * from './timelines.js';
export * from './transaction.js';
export * from './visits.js';
