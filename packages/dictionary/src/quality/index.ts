export * from './cross-field.js';
export * from './default-rules.js';
export * from './findings.js';
export * from './rule-set.js';
export * from './run-rules.js';
