/**
 * A record form's values as the field dictionary (@jia-trial/dictionary) declares them: labels,
 * code lists and types are read from it, never restated here. Typed text is kept as typed (a
 * refused record comes back exactly as it was entered); only the request body is typed, by the
 * dictionary's own reader (parseFieldText), so the form and a bundle cannot read a value apart.
 * Pure (no React, no fetch): tested in Node (tests/record-form.test.ts).
 */
import {
  CODE_LISTS,
  type FieldDefinition,
  isFilled,
  missingFieldKey,
  parseFieldText,
  type RecordTypeId,
  recordType,
} from '@jia-trial/dictionary';

/** A text per field; a `codes` field (seriousness criteria) holds the codes ticked. */
export type FormValues = Readonly<Record<string, string | readonly string[]>>;

export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** The fields of a record type a form may hold: all but the subject (the page's own). */
export function formFields(type: RecordTypeId): readonly FieldDefinition[] {
  return recordType(type).fields.filter((f) => f.key !== 'subjectId');
}

export function fieldOfKey(type: RecordTypeId, key: string): FieldDefinition {
  const found = formFields(type).find((f) => f.key === key);
  if (!found) throw new Error(`${type} has no field ${key}`);
  return found;
}

/** A code field's choices with the dictionary's labels, in its order. */
export function optionsOf(field: FieldDefinition): ReadonlyArray<{ code: string; label: string }> {
  return field.codeList ? CODE_LISTS[field.codeList].codes : [];
}

/** The label of a code of a field, or the code itself when the list does not hold it. */
export function codeLabel(field: FieldDefinition, code: string): string {
  return optionsOf(field).find((c) => c.code === code)?.label ?? code;
}

/** Empty values for every field of the type (or only for `keys`). */
export function emptyValues(type: RecordTypeId, keys?: readonly string[]): FormValues {
  return Object.fromEntries(
    formFields(type)
      .filter((f) => keys?.includes(f.key) ?? true)
      .map((f) => [f.key, f.type === 'codes' ? [] : '']),
  );
}

/**
 * A stored record (the API's typed JSON) as form texts: a correction replaces the whole record,
 * so every field, shown or not, starts from what is stored and is sent back unchanged.
 */
export function valuesOfRecord(
  type: RecordTypeId,
  record: Readonly<Record<string, unknown>>,
): FormValues {
  return Object.fromEntries(
    formFields(type).map((f) => {
      const value = record[f.key];
      if (f.type === 'codes')
        return [f.key, Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []];
      return [f.key, value === null || value === undefined ? '' : String(value)];
    }),
  );
}

const textOf = (values: FormValues, key: string): string => {
  const value = values[key];
  return typeof value === 'string' ? value.trim() : '';
};

/**
 * Whether `field` is a missing-data code (ADR 0040) whose field has a value typed since: the
 * value wins and the code is dropped, as on the visit form (visit-form.ts).
 */
function codeOverridden(
  fields: readonly FieldDefinition[],
  field: FieldDefinition,
  values: FormValues,
): boolean {
  const coded = fields.find((f) => f.name === field.missingFor);
  return coded !== undefined && textOf(values, coded.key) !== '';
}

/** Required and blank, with no missing-data code to stand for the value (isFilled). */
function isRequiredAndEmpty(field: FieldDefinition, values: FormValues): boolean {
  if (!field.required) return false;
  const code = field.missingField ? textOf(values, missingFieldKey(field.key)) : '';
  return !isFilled(textOf(values, field.key), code);
}

/**
 * The request body for the form's values, or the problems that keep it from being sent (each
 * at its field's key, as the server's issues are). Empty optional fields are sent as null (the
 * record is replaced whole: an emptied field is emptied).
 */
export function bodyOfValues(
  type: RecordTypeId,
  subjectId: string,
  values: FormValues,
): { readonly body: Record<string, unknown>; readonly problems: readonly Issue[] } {
  const body: Record<string, unknown> = { subjectId };
  const problems: Issue[] = [];
  const fields = formFields(type);
  for (const field of fields) {
    const value = values[field.key];
    if (codeOverridden(fields, field, values)) {
      body[field.key] = null;
      continue;
    }
    if (field.type === 'codes') {
      const codes = Array.isArray(value) ? value : [];
      body[field.key] = codes.length > 0 ? codes : null;
      continue;
    }
    const text = textOf(values, field.key);
    if (text === '') {
      if (isRequiredAndEmpty(field, values))
        problems.push({ path: field.key, message: 'is required' });
      else body[field.key] = null;
      continue;
    }
    // A code of an integer field (the CTCAE grade) is typed as the integer it stands for.
    const parsed = parseFieldText(field, text);
    if ('problem' in parsed) problems.push({ path: field.key, message: parsed.problem });
    else body[field.key] = parsed.value;
  }
  return { body, problems };
}

/** The field an issue's path names: `seriousnessCriteria[0]` -> `seriousnessCriteria`. */
export const fieldOfPath = (path: string): string => path.split(/[.[]/)[0] ?? '';

/**
 * Issues sorted to the fields shown (`keys`); the rest (a rule across fields, a field the form
 * does not show) are told above the form, with their path, so that none is lost.
 */
export function placeIssues(
  issues: readonly Issue[],
  keys: readonly string[],
): { readonly byField: Readonly<Record<string, string[]>>; readonly other: readonly string[] } {
  const byField: Record<string, string[]> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const key = fieldOfPath(issue.path);
    if (keys.includes(key)) byField[key] = [...(byField[key] ?? []), issue.message];
    else other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { byField, other };
}
