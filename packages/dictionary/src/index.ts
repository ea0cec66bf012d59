/**
 * @jia-trial/dictionary: every field of a study's records and every code list, declared once
 * (docs/field-dictionary.md). Pure: no I/O, so the server, the command line and the browser read
 * the same fields.
 */
export * from './bundle-spec.js';
export * from './chaq-answers.js';
export * from './code-lists.js';
export * from './csv-formula.js';
export * from './field-rules.js';
export * from './forms.js';
export * from './lab-values.js';
export * from './locks.js';
export * from './missing-codes.js';
export * from './pseudonymise.js';
export * from './randomisation-check.js';
export * from './record-rules.js';
export * from './records.js';
export * from './roles.js';
export * from './timelines.js';
export * from './types.js';
export * from './validate-values.js';
export * from './visit-scoring.js';
