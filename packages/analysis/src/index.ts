/**
 * @jia-trial/analysis: the study analysis. Exact statistics checked against R
 * (packages/analysis/fixtures), and the tables of a JIA study computed from subject timelines.
 */
export * from './statistics/binomial.js';
export * from './statistics/fisher.js';
export * from './statistics/poisson.js';
export * from './statistics/quantiles.js';
export * from './statistics/wilcoxon.js';
