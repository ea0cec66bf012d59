/**
 * @jia-trial/interop: data in and out of jia-trial, for every door (the command line now, the
 * server next). The strict byte-level CSV reader and writer (ADR 0005); visits CSV files read,
 * validated and scored at speed (`jia-trial score`); study bundles read, validated and turned
 * into the protocol engine's subject timelines (docs/bundle-format.md).
 */

export * from './audit/audit-trail-file.js';
export * from './bundle/bundle-file.js';
export * from './bundle/bundle-problems.js';
export * from './bundle/bundle-timelines.js';
export * from './bundle/read-bundle.js';
export * from './bundle/study-file.js';
export * from './bundle/validate-file.js';
export * from './csv/csv-reader.js';
export * from './csv/csv-writer.js';
export * from './exchange/bundle-records.js';
export * from './exchange/standards-files.js';
export * from './exchange/study-data.js';
export * from './fhir/fhir-codes.js';
export * from './fhir/fhir-resources.js';
export * from './fhir/write-fhir.js';
export * from './odm/export-odm.js';
export * from './odm/odm-layout.js';
export * from './odm/read-odm.js';
export * from './odm/write-odm.js';
export * from './visits-csv/file-parts.js';
export * from './visits-csv/read-visits.js';
export * from './visits-csv/score-file.js';
export * from './visits-csv/visit-columns.js';
export * from './visits-csv/visit-table.js';
export * from './visits-csv/write-scores.js';
export * from './zip/write-zip.js';
