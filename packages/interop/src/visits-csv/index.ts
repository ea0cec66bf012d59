/**
 * @jia-trial/interop/visits-csv: the visits CSV alone (read, validated, scored: `jia-trial
 * score`), without the bundles and the exchange formats of the package's index, so that the
 * command line starts without loading them (docs/performance.md, "The command line's start-up").
 */
export * from './read-visits.js';
export * from './score-file.js';
export * from './visit-columns.js';
export * from './visit-table.js';
export * from './write-scores.js';
