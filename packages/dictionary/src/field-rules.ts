/**
 * The rule of each field, one function for every door. A value is checked as a typed JSON value
 * by `checkFieldValue` (what the API receives, and what a stored record is read back as): numbers
 * as numbers, booleans as booleans, dates and codes as text. A bundle cell is first read into
 * that value by `parseFieldText` (the bundle's syntax: plain decimals, `true`/`false`, `na`),
 * then checked by the same function, so that a bundle and the API cannot drift apart
 * (packages/interop/src/bundle/typed-values.test.ts checks them field by field).
 */
import { parseIsoDate } from '@jia-trial/outcomes';
import { CODE_LISTS, codesOf } from './code-lists.js';
import type { CodeListId, FieldDefinition } from './types.js';

/**
 * A field's value, typed: text (ids, text, dates, codes, `;`-separated codes), a number, a
 * boolean, or a CHAQ answer (0-3, or `'na'`). No value is null (or absent).
 */
export type FieldValue = string | number | boolean;

/** A cell's value, or why its text is not one. */
export type ParsedText = { readonly value: FieldValue } | { readonly problem: string };

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const TEXT_CONTROL_CHARACTER = /[\u0000-\u0008\u000b-\u001f\u007f]/;
/**
 * An identifier has no control character at all: a line break in an id is the mark of a stray
 * quote that merged two CSV records (the visits reader's rule, row-parser.ts). Free text may
 * hold tabs and line feeds (a reason written on several lines).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const ID_CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const PARTIAL_DATE = /^\d{4}-(0[1-9]|1[0-2])$/;
const WHOLE_NUMBER_TEXT = /^-?\d+$/;
const PLAIN_DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;
const CHAQ_SCORE_TEXT = /^[0-3]$/;
/** A CHAQ item answered "not applicable" (stored as NULL). */
export const CHAQ_NOT_APPLICABLE = 'na';

const shown = (value: unknown): string =>
  typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));

/**
 * Why a cell's text is not a boolean. Excel writes TRUE and FALSE: they are refused with the fix
 * named rather than accepted, so that every reader of a stored or exported record (which compare
 * the text `true`) reads one spelling (issue 16, "Files from spreadsheets").
 */
export function booleanTextProblem(text: string): string {
  return /^(true|false)$/i.test(text)
    ? `${shown(text)} is not true or false: write it in lower case, true or false (Excel writes TRUE and FALSE: replace them, or format the column as text before typing)`
    : `${shown(text)} is not true or false`;
}

/** The value a bundle cell's text stands for (an empty cell is no value: never passed here). */
export function parseFieldText(field: FieldDefinition, text: string): ParsedText {
  switch (field.type) {
    case 'boolean':
      if (text === 'true') return { value: true };
      if (text === 'false') return { value: false };
      return { problem: booleanTextProblem(text) };
    case 'integer':
      return WHOLE_NUMBER_TEXT.test(text)
        ? { value: Number(text) }
        : { problem: `${shown(text)} is not a whole number` };
    case 'decimal':
      return PLAIN_DECIMAL_TEXT.test(text)
        ? { value: Number(text) }
        : { problem: `${shown(text)} is not a plain decimal number` };
    case 'chaq_score':
      if (text === CHAQ_NOT_APPLICABLE) return { value: text };
      return CHAQ_SCORE_TEXT.test(text)
        ? { value: Number(text) }
        : { problem: `${shown(text)} is not 0, 1, 2, 3 or na` };
    default:
      return { value: text };
  }
}

/**
 * Why a field's value is invalid, or null when it is valid. `value` is what a caller sent (any
 * JSON value); a missing value (null) is the caller's to judge (required fields). A laboratory
 * value entered with a unit field is only checked as a number here: its range applies once it
 * is converted to the standard unit (the visit's record rule, record-rules.ts).
 */
export function checkFieldValue(field: FieldDefinition, value: unknown): string | null {
  if (value === '') return 'is empty (leave it out when there is no value)';
  switch (field.type) {
    case 'id':
      return checkText(field, value, ID_CONTROL_CHARACTER);
    case 'text':
      return checkText(field, value, TEXT_CONTROL_CHARACTER);
    case 'date':
      return typeof value === 'string' && parseIsoDate(value) !== null
        ? null
        : `${shown(value)} is not a date (YYYY-MM-DD)`;
    case 'partial_date':
      return typeof value === 'string' && (PARTIAL_DATE.test(value) || parseIsoDate(value) !== null)
        ? null
        : `${shown(value)} is not a date (YYYY-MM or YYYY-MM-DD)`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${shown(value)} is not true or false`;
    case 'integer':
    case 'decimal':
      return checkNumber(field, value);
    case 'code':
      return checkCode(field, value);
    case 'codes':
      return checkCodes(field, value);
    case 'chaq_score':
      return value === CHAQ_NOT_APPLICABLE ||
        (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 3)
        ? null
        : `${shown(value)} is not 0, 1, 2, 3 or na`;
  }
}

function checkText(field: FieldDefinition, value: unknown, control: RegExp): string | null {
  if (typeof value !== 'string') return `${shown(value)} is not text`;
  if (control.test(value))
    return field.type === 'id'
      ? 'contains a line break or another control character'
      : 'contains a control character';
  if (value !== value.trim()) return 'has leading or trailing spaces';
  if (field.maxLength !== undefined && value.length > field.maxLength)
    return `is ${value.length} characters long; at most ${field.maxLength} are allowed`;
  if (field.pattern && !field.pattern.regex.test(value))
    return `${shown(value)} is not ${field.pattern.description}`;
  return null;
}

function checkNumber(field: FieldDefinition, value: unknown): string | null {
  const integer = field.type === 'integer';
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
    return `${shown(value)} is not ${integer ? 'a whole number' : 'a number'}`;
  // A laboratory value's range is stated in its standard unit: checked once converted.
  if (field.unitField) return null;
  return checkInRange(field, value);
}

/** Why a number is outside its field's range (stated in the field's standard unit), or null. */
export function checkInRange(field: FieldDefinition, value: number): string | null {
  const range = field.range;
  if (!range) return null;
  const below = range.minExclusive ? value <= range.min : value < range.min;
  if (below || (range.max !== undefined && value > range.max))
    return `${value} is out of range (${range.minExclusive ? `above ${range.min}` : `at least ${range.min}`}${range.max === undefined ? '' : ` and at most ${range.max}`})`;
  return null;
}

/** The codes a message lists: a long list (71 joints) is named instead. */
function expected(id: CodeListId): string {
  const codes = codesOf(id);
  return codes.length <= 20
    ? `one of: ${codes.join(', ')}`
    : `a code of the list ${JSON.stringify(CODE_LISTS[id].label)}`;
}

function checkCode(field: FieldDefinition, value: unknown): string | null {
  const id = field.codeList as CodeListId;
  return typeof value === 'string' && codesOf(id).includes(value)
    ? null
    : `${shown(value)} is not ${expected(id)}`;
}

function checkCodes(field: FieldDefinition, value: unknown): string | null {
  if (typeof value !== 'string') return `${shown(value)} is not text (codes separated by ;)`;
  const id = field.codeList as CodeListId;
  const codes = codesOf(id);
  const seen = new Set<string>();
  for (const code of value.split(';')) {
    if (!codes.includes(code))
      return `${shown(code)} is not ${expected(id)} (separate several with ;)`;
    if (seen.has(code)) return `${shown(code)} is listed twice`;
    seen.add(code);
  }
  return null;
}
