/**
 * The API's request schemas, derived from the field dictionary (docs/field-dictionary.md): one
 * zod schema per record type, with each field's JSON type and code list, and the dictionary's
 * own value rule (checkFieldValue) for everything else. They validate requests, type the
 * handlers and become the OpenAPI document; nothing here restates a field or a rule. Values are typed JSON (numbers as numbers, dates as YYYY-MM-DD, a `codes`
 * field as an array of codes); unknown keys are refused.
 */
import {
  type CodeListId,
  checkFieldValue,
  codesOf,
  type FieldDefinition,
  type RecordTypeId,
  recordType,
} from '@jia-trial/dictionary';
import { z } from 'zod';

function codeSchema(list: CodeListId): z.ZodType<string> {
  const codes = codesOf(list) as [string, ...string[]];
  return z.enum(codes);
}

/**
 * The dictionary's own rule for a field's value (checkFieldValue: lengths, patterns, control
 * characters, calendar days, ranges), so that no rule is restated here. A laboratory value's
 * range is checked once converted to its standard unit, by the store (as the dictionary says).
 */
function byTheDictionary<T extends z.ZodType>(schema: T, field: FieldDefinition): T {
  return schema.superRefine((value, ctx) => {
    const problem = checkFieldValue(field, value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  }) as unknown as T;
}

/** One field's value, not yet optional or nullable: its JSON type, and the dictionary's rule. */
export function fieldSchema(field: FieldDefinition): z.ZodType {
  let schema: z.ZodType;
  switch (field.type) {
    case 'id':
    case 'text':
    case 'partial_date':
      schema = byTheDictionary(z.string(), field);
      break;
    case 'date':
      schema = byTheDictionary(z.string().meta({ format: 'date' }), field);
      break;
    case 'boolean':
      schema = z.boolean();
      break;
    case 'integer':
      schema = byTheDictionary(z.number().int(), field);
      break;
    case 'decimal':
      schema = byTheDictionary(z.number(), field);
      break;
    case 'code':
      schema = field.codeList ? codeSchema(field.codeList) : z.string();
      break;
    case 'codes':
      schema = z.array(field.codeList ? codeSchema(field.codeList) : z.string());
      break;
    case 'chaq_score':
      schema = byTheDictionary(z.union([z.number().int(), z.literal('na')]), field);
      break;
  }
  return field.label ? schema.describe(field.label) : schema;
}

/**
 * A record type's fields as a strict object, keyed by the dictionary's camelCase keys. Required
 * fields are required; the others may be left out or null. `omit` leaves out fields the route
 * supplies itself (the key in the path).
 */
export function recordSchema(id: RecordTypeId, omit: readonly string[] = []) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of recordType(id).fields) {
    if (omit.includes(field.name)) continue;
    const value = fieldSchema(field);
    // A field with a default from another (defaultFrom) is filled in by the store when absent;
    // a required field that accepts a missing-data code may give its code instead (ADR 0040),
    // which the dictionary's validation (isRequiredAndEmpty) and a CHECK then insist on.
    shape[field.key] =
      field.required && field.defaultFrom === undefined && field.missingField === undefined
        ? value
        : value.nullable().optional();
  }
  return z.strictObject(shape);
}

/** The keys of a record type's `codes` fields (a list of codes: an array in JSON). */
function codesKeys(id: RecordTypeId): string[] {
  return recordType(id)
    .fields.filter((f) => f.type === 'codes')
    .map((f) => f.key);
}

/**
 * A request's values as the store takes them: each `codes` field's array as one `;` list (the
 * bundle's and the store's form; the dictionary's rules check it there).
 */
export function codesAsText(
  id: RecordTypeId,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...values };
  for (const key of codesKeys(id)) {
    const codes = out[key];
    if (Array.isArray(codes)) out[key] = codes.length === 0 ? null : codes.join(';');
  }
  return out;
}

/** A stored record as the API returns it: each `codes` field as an array (empty: none). */
export function codesAsArrays<T>(id: RecordTypeId, record: T): T {
  const out = { ...(record as Record<string, unknown>) };
  for (const key of codesKeys(id)) {
    const codes = out[key];
    out[key] = typeof codes === 'string' && codes !== '' ? codes.split(';') : [];
  }
  return out as T;
}
