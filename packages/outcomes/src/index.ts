/**
 * @jia-trial/outcomes: JIA outcome measures scored exactly as the primary literature defines
 * them. Pure TypeScript with no runtime dependencies and no Node APIs, so the same code scores a
 * visit on the server, in the CLI and live in the browser. Each measure lives in its own module
 * with its citation; docs/clinical/ documents each rule.
 */
export * from './chaq.js';
export * from './citations.js';
export * from './clinical-remission.js';
export * from './core-set.js';
export * from './dates.js';
export * from './decimal.js';
export * from './flare.js';
export * from './ilar-categories.js';
export * from './inactive-disease.js';
export * from './input-ranges.js';
export * from './jadas.js';
export * from './jadas-cutoffs.js';
export * from './jadi.js';
export * from './jia-acr.js';
export * from './joints/catalogue.js';
export * from './joints/joint-counts.js';
export * from './lab-units.js';
export * from './mas.js';
export * from './mas-trend.js';
export * from './measures.js';
export * from './ms-score.js';
export * from './result.js';
export * from './verdict.js';
export * from './visit-scores.js';
