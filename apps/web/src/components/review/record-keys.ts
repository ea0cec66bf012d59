/**
 * A record's key as the audit trail writes it (packages/store review/records.ts keyExpression):
 * the study, then the record type's key fields in the dictionary's order, joined by `/`
 * (`demo/D01-W8` for a visit, `demo/D01/2015-06-08` for an infusion, `demo/AE-014` for an AE).
 * The key fields are read from RECORD_TYPES, never restated, so that a key change there is
 * followed here.
 */
import { RECORD_TYPES, type RecordTypeId } from '@jia-trial/dictionary';

/** The fields of a record by the API's camelCase keys. */
export type RecordValues = Readonly<Record<string, string | number | null>>;

export function recordKeyOf(studyId: string, table: RecordTypeId, values: RecordValues): string {
  const type = RECORD_TYPES.find((r) => r.id === table);
  if (!type) throw new RangeError(`no record type ${table}`);
  const parts = type.key.map((name) => {
    const field = type.fields.find((f) => f.name === name);
    const value = field ? values[field.key] : undefined;
    if (value === undefined || value === null)
      throw new RangeError(`${table} needs ${field?.key ?? name} for its key`);
    return String(value);
  });
  return [studyId, ...parts].join('/');
}

/** The record type's label and a field's label by its dictionary name (as the trail stores it). */
export function recordLabel(table: string): string {
  return RECORD_TYPES.find((r) => r.id === table)?.label ?? table.replaceAll('_', ' ');
}

export function fieldLabel(table: string, name: string): string {
  const type = RECORD_TYPES.find((r) => r.id === table);
  const field = type?.fields.find((f) => f.name === name || (f.storedAs ?? f.name) === name);
  return field?.label ?? name.replaceAll('_', ' ');
}

/** The fields a query may name: every field of the record type but its key. */
export function queryableFields(
  table: RecordTypeId,
): ReadonlyArray<{ name: string; label: string }> {
  const type = RECORD_TYPES.find((r) => r.id === table);
  return (type?.fields ?? [])
    .filter((f) => !type?.key.includes(f.name) && f.name !== 'subject_id')
    .map((f) => ({ name: f.name, label: f.label }));
}
