/**
 * The stored records of one type as a table, each value in words (a code by its dictionary
 * label, yes/no), each row with the button that opens its correction.
 */
import {
  type FieldDefinition,
  isMissingCode,
  MISSING_CODE_LABELS,
  missingFieldKey,
  type RecordTypeId,
} from '@jia-trial/dictionary';
import { codeLabel, fieldOfKey } from './record-form';
import type { StoredRow } from './use-stored-records';

/**
 * A stored value in words; an empty one with a missing-data code (ADR 0040, `missingCode`) says
 * why: "— (unknown)".
 */
export function cellText(
  type: RecordTypeId,
  key: string,
  value: unknown,
  missingCode?: unknown,
): string {
  if (value === null || value === undefined || value === '')
    return isMissingCode(missingCode) ? `— (${MISSING_CODE_LABELS[missingCode]})` : '—';
  const field = fieldOfKey(type, key);
  if (field.type === 'boolean') return value === true ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map((v) => codeLabel(field, String(v))).join(', ') || '—';
  return codeLabel(field, String(value));
}

/** A column's heading: the field's label, and its unit where it has one ("Dose (mg)"). */
const headingOf = (field: FieldDefinition) =>
  field.unit ? `${field.label} (${field.unit.symbol})` : field.label;

export function StoredList({
  type,
  caption,
  rows,
  keys,
  action,
  onAction,
}: {
  readonly type: RecordTypeId;
  readonly caption: string;
  readonly rows: readonly StoredRow[];
  readonly keys: readonly string[];
  /** The button's words; the row's first column completes its accessible name. */
  readonly action: string;
  readonly onAction: (row: StoredRow) => void;
}) {
  if (rows.length === 0) return <p>None recorded.</p>;
  const [first] = keys;
  return (
    <div className="scroll">
      <table className="stored-records">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {keys.map((key) => (
              <th key={key} scope="col">
                {headingOf(fieldOfKey(type, key))}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.rowId}>
              {keys.map((key) => (
                <td
                  key={key}
                  className={fieldOfKey(type, key).type === 'date' ? 'nowrap' : undefined}
                >
                  {cellText(type, key, row.record[key], row.record[missingFieldKey(key)])}
                </td>
              ))}
              <td>
                <button type="button" className="secondary" onClick={() => onAction(row)}>
                  {action}
                  <span className="visually-hidden">
                    {' '}
                    {first ? cellText(type, first, row.record[first]) : row.rowId}
                  </span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
