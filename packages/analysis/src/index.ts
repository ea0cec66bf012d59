/**
 * @jia-trial/analysis: the study analysis. Exact statistics checked against R
 * (packages/analysis/fixtures), and the tables of a JIA study computed from subject timelines.
 */

export * from './report/pseudonymised-report.js';
export * from './report/render-html.js';
export * from './report/report-json.js';
export * from './report/svg.js';
export * from './statistics/binomial.js';
export * from './statistics/fisher.js';
export * from './statistics/hodges-lehmann.js';
export * from './statistics/paired-comparison.js';
export * from './statistics/poisson.js';
export * from './statistics/quantiles.js';
export * from './statistics/signed-rank-distribution.js';
export * from './statistics/wilcoxon.js';
export * from './study/analyse-study.js';
export * from './study/baseline.js';
export * from './study/efficacy.js';
export * from './study/events.js';
export * from './study/multiplicity.js';
export * from './study/responders.js';
export * from './study/safety.js';
export * from './study/series-readouts.js';
export * from './study/timepoints.js';
