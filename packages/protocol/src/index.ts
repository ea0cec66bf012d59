/**
 * @jia-trial/protocol: a trial's rules as executable, explainable data. A protocol is a
 * definition validated by `defineProtocol`; `evaluate(protocol, timeline, asOf)` gives a
 * subject's state on a day with a reason for every conclusion. Pure: no I/O, no clock (the day
 * is an argument), so it runs unchanged in the CLI, the server and the browser.
 */
export * from './alert-identity.js';
export * from './compliance.js';
export * from './dates.js';
export * from './definition.js';
export * from './dosing.js';
export * from './eligibility.js';
export * from './evaluate.js';
export * from './findings.js';
export * from './medicines.js';
export * from './randomisation.js';
export * from './randomisation-endpoint.js';
export * from './randomisation-schema.js';
export * from './randomisation-step.js';
export * from './retreatment.js';
export * from './safety.js';
export * from './schedule.js';
export * from './status-json.js';
export * from './stratification.js';
export * from './timeline.js';
export * from './vacuous-pass.js';
