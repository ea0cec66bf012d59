/**
 * A record as typed JSON values, by the camelCase keys of its fields: validated field by field
 * (field-rules.ts) and across its fields (record-rules.ts), with the rules the bundle reader
 * applies to the same record's cell texts, so that the API and a bundle accept the same records.
 * Also the other way: a record's texts (a bundle row, or a row the store reads as its export
 * text) as typed values.
 */
import type { Issue } from '@jia-trial/errors';
import { checkFieldValue, type FieldValue, parseFieldText } from './field-rules.js';
import {
  isFilled,
  isMissingCode,
  MISSING_CODE_LABELS,
  MISSING_CODES,
  missingFieldKey,
} from './missing-codes.js';
import { checkRecordRules, type KnownField } from './record-rules.js';
import { recordType } from './records.js';
import type { FieldDefinition, RecordTypeId } from './types.js';

/**
 * Whether a required field is empty with nothing to say why: a required field that accepts a
 * missing-data code may give the code instead of a value (ADR 0040).
 */
export function isRequiredAndEmpty(
  field: FieldDefinition,
  values: Readonly<Record<string, unknown>>,
): boolean {
  if (!field.required) return false;
  const code = field.missingField === undefined ? null : values[missingFieldKey(field.key)];
  return !isFilled(values[field.key], isMissingCode(code) ? code : null);
}

/**
 * The problems of a record's missing-data codes alone (ADR 0040), given by field key: a code not
 * of the list, or a code beside a value. For a door that checks a record's values its own way
 * (the store's saveVisit); validateRecordValues reports the same through its field and record
 * rules.
 */
export function missingCodeIssues(
  type: RecordTypeId,
  values: Readonly<Record<string, unknown>>,
): Issue[] {
  const issues: Issue[] = [];
  for (const field of recordType(type).fields) {
    if (!field.missingField) continue;
    const key = missingFieldKey(field.key);
    const code = values[key];
    if (code === null || code === undefined) continue;
    if (!isMissingCode(code))
      issues.push({
        path: key,
        message: `${JSON.stringify(code)} is not a missing-data code (${MISSING_CODES.join(', ')})`,
      });
    else if (isFilled(values[field.key], null))
      issues.push({
        path: key,
        message: `${code} (${MISSING_CODE_LABELS[code]}) is given with a value of ${field.name} (${String(values[field.key])}): give the value or the reason it is empty, not both`,
      });
  }
  return issues;
}

export interface ValidateOptions {
  /**
   * Only the fields given are checked (a form being filled, a change of some fields): a required
   * field left out is no issue, though one given as null is, and a rule between fields needs all
   * of them given.
   */
  readonly partial?: boolean;
}

/** A record's typed values by field key; a field without a value is null. */
export type TypedRecord = Record<string, FieldValue | null>;

/**
 * Every problem of a record of type `type` given as typed values by field key (`subjectId`,
 * `weightKg`): each issue's path is the key. A key that is not a field of the type is an issue
 * too; null and undefined are no value.
 */
export function validateRecordValues(
  type: RecordTypeId,
  values: Readonly<Record<string, unknown>>,
  options: ValidateOptions = {},
): Issue[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    return [{ path: '', message: 'is not an object of field values' }];
  const record = recordType(type);
  const issues: Issue[] = [];
  const keys = new Set(record.fields.map((f) => f.key));
  for (const key of Object.keys(values))
    if (!keys.has(key))
      issues.push({ path: key, message: `is not a field of ${record.label.toLowerCase()}` });
  const valid = new Map<string, FieldValue>();
  const invalid = new Set<string>();
  const given = (key: string) => Object.hasOwn(values, key);
  for (const field of record.fields) {
    const value = values[field.key];
    if (value === null || value === undefined) {
      if (isRequiredAndEmpty(field, values) && (!options.partial || given(field.key)))
        issues.push({ path: field.key, message: 'is required' });
      continue;
    }
    const problem = checkFieldValue(field, value);
    if (problem) {
      issues.push({ path: field.key, message: problem });
      invalid.add(field.name);
    } else valid.set(field.name, value as FieldValue);
  }
  // As the bundle reader does: an invalid value is unknown to the rules between fields.
  const keyOf = new Map(record.fields.map((f) => [f.name, f.key]));
  const known: KnownField = (name) =>
    !invalid.has(name) && (!options.partial || given(keyOf.get(name) ?? name));
  for (const p of checkRecordRules(type, valid, known))
    issues.push({ path: keyOf.get(p.field) ?? p.field, message: p.message });
  return issues;
}

/**
 * A record of type `type` from its texts by field name (an empty text absent), as typed values
 * by field key, every field present (null: no value). The texts must be valid (a stored record's
 * export texts are): one that is not throws a RangeError.
 */
export function recordFromTexts(
  type: RecordTypeId,
  texts: ReadonlyMap<string, string>,
): TypedRecord {
  const out: TypedRecord = {};
  for (const field of recordType(type).fields) {
    const text = texts.get(field.name);
    if (text === undefined || text === '') {
      out[field.key] = null;
      continue;
    }
    const parsed = parseFieldText(field, text);
    if ('problem' in parsed) throw new RangeError(`${type}.${field.name}: ${parsed.problem}`);
    out[field.key] = parsed.value;
  }
  return out;
}
