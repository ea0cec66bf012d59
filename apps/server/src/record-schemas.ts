/**
 * The API's request schemas, derived from the field dictionary (docs/field-dictionary.md): one
 * zod schema per record type, with each field's type, range, length, pattern and code list.
 * They validate requests, type the handlers and become the OpenAPI document; nothing here
 * restates a field. Values are typed JSON (numbers as numbers, dates as YYYY-MM-DD, a `codes`
 * field as an array of codes); unknown keys are refused.
 */
import {
  type CodeListId,
  codesOf,
  type FieldDefinition,
  type RecordTypeId,
  recordType,
} from '@jia-trial/dictionary';
import { z } from 'zod';

/** Ids: no control characters, no spaces at either end (the dictionary's `id` type). */
const ID_TEXT = /^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u;
const PARTIAL_DATE = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

function codeSchema(list: CodeListId): z.ZodType<string> {
  const codes = codesOf(list) as [string, ...string[]];
  return z.enum(codes);
}

function numberSchema(field: FieldDefinition, integer: boolean): z.ZodType<number> {
  let schema = integer ? z.number().int() : z.number();
  const range = field.range;
  if (range) {
    schema = range.minExclusive ? schema.gt(range.min) : schema.gte(range.min);
    if (range.max !== undefined) schema = schema.lte(range.max);
  }
  return schema;
}

/** One field's value, not yet optional or nullable. */
export function fieldSchema(field: FieldDefinition): z.ZodType {
  let schema: z.ZodType;
  switch (field.type) {
    case 'id':
      schema = z
        .string()
        .min(1)
        .max(field.maxLength ?? 64)
        .regex(ID_TEXT);
      break;
    case 'text': {
      let text = z.string().max(field.maxLength ?? 200);
      if (field.pattern) text = text.regex(field.pattern.regex, field.pattern.description);
      schema = text;
      break;
    }
    case 'date':
      schema = z.iso.date();
      break;
    case 'partial_date':
      schema = z.string().regex(PARTIAL_DATE, 'YYYY-MM or YYYY-MM-DD');
      break;
    case 'boolean':
      schema = z.boolean();
      break;
    case 'integer':
      schema = numberSchema(field, true);
      break;
    case 'decimal':
      schema = numberSchema(field, false);
      break;
    case 'code':
      schema = field.codeList ? codeSchema(field.codeList) : z.string();
      break;
    case 'codes':
      schema = z.array(field.codeList ? codeSchema(field.codeList) : z.string());
      break;
    case 'chaq_score':
      schema = z.union([z.number().int().gte(0).lte(3), z.literal('na')]);
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
    // A field with a default from another (defaultFrom) is filled in by the store when absent.
    shape[field.key] =
      field.required && field.defaultFrom === undefined ? value : value.nullable().optional();
  }
  return z.strictObject(shape);
}
