/**
 * Three-valued (Kleene) logic for criteria evaluated on incomplete data (ADR 0003).
 *
 * A criterion is decided only when the missing items cannot change the decision: `true` or
 * `false` when every possible completion of the missing items gives that answer, `null`
 * (undeterminable) otherwise. An undeterminable result is never reported as a non-response.
 */
import type { Verdict } from './result.js';

/** "At least k items hold", given `holding` items known to hold and `unknown` items unknown. */
export function atLeast(k: number, holding: number, unknown: number): Verdict {
  if (holding >= k) return true;
  if (holding + unknown < k) return false;
  return null;
}

/** "At most k items hold", given `holding` items known to hold and `unknown` items unknown. */
export function atMost(k: number, holding: number, unknown: number): Verdict {
  if (holding + unknown <= k) return true;
  if (holding > k) return false;
  return null;
}

/** Kleene conjunction: false if any is false, true if all are true, otherwise null. */
export function allOf(...verdicts: readonly Verdict[]): Verdict {
  let unknown = false;
  for (const v of verdicts) {
    if (v === false) return false;
    if (v === null) unknown = true;
  }
  return unknown ? null : true;
}

/** Kleene disjunction: true if any is true, false if all are false, otherwise null. */
export function anyOf(...verdicts: readonly Verdict[]): Verdict {
  let unknown = false;
  for (const v of verdicts) {
    if (v === true) return true;
    if (v === null) unknown = true;
  }
  return unknown ? null : false;
}

/** Kleene negation. */
export function not(verdict: Verdict): Verdict {
  return verdict === null ? null : !verdict;
}
