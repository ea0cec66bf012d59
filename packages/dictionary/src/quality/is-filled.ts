/**
 * Whether a field holds a value, for the expected-but-missing rule. Today an empty field (null,
 * absent, or empty text) is missing. The missing-data codes (issue 18, branch `missing`) will
 * give a field a reason for being empty ("not done", "not applicable", ...): a field with such a
 * code is accounted for and must count as filled here. That is wired at the merge, in this one
 * function: every caller asks it, none tests emptiness itself.
 */
import type { TypedRecord } from '../validate-values.js';

/** Whether `record`'s field `key` (the field's camelCase key) is filled. */
export function isFilled(record: TypedRecord, key: string): boolean {
  const value = record[key];
  return value !== null && value !== undefined && value !== '';
}
