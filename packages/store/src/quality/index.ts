export * from './check.js';
export * from './discrepancies.js';
export * from './rule-sets.js';
