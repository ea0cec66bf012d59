/**
 * The shape of every clinical result (house style): codes and numbers, never display text.
 * An incomplete input is reported as incomplete, never scored as if complete.
 */

/** A value that may be absent: `null` and `undefined` both mean "not recorded". */
export type Maybe<T> = T | null | undefined;

/** A scored measure. `value` is null when the inputs do not determine it. */
export interface Outcome<T> {
  /** The result, or null when it cannot be determined from the inputs given. */
  readonly value: T | null;
  /** True when every input the measure uses was present. */
  readonly complete: boolean;
  /** Names of the inputs that were missing (camelCase input field names), in a stable order. */
  readonly missing: readonly string[];
}

/** A scored measure with a category (for example a disease-activity band). */
export interface BandedOutcome<T, B extends string> extends Outcome<T> {
  /** The category code, or null when the value is null. */
  readonly band: B | null;
}

/** Three-valued verdict used by criteria that can be decided despite missing items. */
export type Verdict = boolean | null;

export function isPresent<T>(value: Maybe<T>): value is T {
  return value !== null && value !== undefined;
}
