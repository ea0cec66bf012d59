/**
 * @jia-trial/errors: the one error model (docs/errors.md). Pure: no I/O, no dependencies, so
 * every package, the browser included, raises and reads the same errors.
 */
export * from './codes.js';
export * from './jia-error.js';
