/**
 * One record's audit events (GET /studies/{studyId}/audit) as a reviewer reads them: who, when
 * (UTC), the operation, and only the fields that changed, each from its old to its new value,
 * with the reason (21 CFR 11.10(e); ICH E6(R3)). The trail stores a row as its columns; the
 * row's bookkeeping (identity, version, timestamps) changes on every write and says nothing a
 * reviewer needs, so it is left out. Pure, so that it is tested without a browser.
 */
import type { paths } from '../../api/schema.generated.js';
import { isObject, listOf, objectOf, textOf } from '../subject/read.js';

export type AuditBody =
  paths['/api/v1/studies/{studyId}/audit']['get']['responses'][200]['content']['application/json'];

/** Columns every audited row has for the store's own use. */
const BOOKKEEPING = new Set([
  'study_id',
  'row_id',
  'version',
  'created_at',
  'updated_at',
  'created_by',
  'updated_by',
]);

export interface FieldChange {
  readonly field: string;
  /** The value as text; null: empty (or absent before an insert, after a delete). */
  readonly old: string | null;
  readonly new: string | null;
}

export interface AuditRow {
  readonly eventId: string;
  readonly at: string;
  readonly who: string;
  readonly operation: string;
  readonly reason: string | null;
  readonly changes: readonly FieldChange[];
}

/** A stored value as text: arrays and objects as JSON, so that nothing is hidden. */
export function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The fields whose value differs between the two rows (either may be absent). */
export function changedFields(
  oldValues: Readonly<Record<string, unknown>> | null,
  newValues: Readonly<Record<string, unknown>> | null,
): FieldChange[] {
  const keys = new Set([...Object.keys(oldValues ?? {}), ...Object.keys(newValues ?? {})]);
  return [...keys]
    .filter((k) => !BOOKKEEPING.has(k))
    .map((field) => ({
      field,
      old: valueText(oldValues?.[field]),
      new: valueText(newValues?.[field]),
    }))
    .filter((c) => c.old !== c.new);
}

export function auditRows(body: AuditBody): AuditRow[] {
  return listOf(body.events)
    .map(objectOf)
    .map((e) => ({
      eventId: textOf(e.eventId) ?? '',
      at: textOf(e.at) ?? '',
      who: textOf(objectOf(e.actor).name) ?? '(unknown)',
      operation: textOf(e.operation) ?? '',
      reason: textOf(e.reason),
      changes: changedFields(
        isObject(e.oldValues) ? e.oldValues : null,
        isObject(e.newValues) ? e.newValues : null,
      ),
    }));
}

/** The operation in words. */
export const OPERATION_TEXT: Readonly<Record<string, string>> = {
  insert: 'Entered',
  update: 'Changed',
  delete: 'Removed',
};
