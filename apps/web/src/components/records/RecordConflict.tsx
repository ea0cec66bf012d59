/**
 * A correction refused because the record changed meanwhile (409 VERSION_CONFLICT): the record
 * as it is stored now, read again, beside what the user typed, which stays in the form. Nothing
 * is overwritten until the user chooses: keep their values (saved over the version shown, on
 * the next save) or take the stored ones.
 */
import type { RecordTypeId } from '@jia-trial/dictionary';
import { codeLabel, type FormValues, fieldOfKey, valuesOfRecord } from './record-form';
import type { StoredRow } from './use-stored-records';

export interface ConflictState {
  readonly message: string;
  /** The stored record now; null when it is gone (or could not be read). */
  readonly stored: StoredRow | null;
}

export function RecordConflict({
  type,
  keys,
  conflict,
  typed,
  onKeepMine,
  onTakeStored,
}: {
  readonly type: RecordTypeId;
  readonly keys: readonly string[];
  readonly conflict: ConflictState;
  readonly typed: FormValues;
  readonly onKeepMine: () => void;
  readonly onTakeStored: () => void;
}) {
  const stored = conflict.stored;
  const storedValues = stored ? valuesOfRecord(type, stored.record) : null;
  const shown = (key: string, value: string | readonly string[] | undefined) => {
    const field = fieldOfKey(type, key);
    const list = typeof value === 'string' ? (value === '' ? [] : [value]) : (value ?? []);
    if (list.length === 0) return 'empty';
    if (field.type === 'boolean') return list[0] === 'true' ? 'Yes' : 'No';
    return list.map((v) => codeLabel(field, v)).join(', ');
  };
  return (
    <div className="record-conflict" role="alert">
      <p>
        <strong>Someone else changed this record meanwhile.</strong> {conflict.message}
      </p>
      {stored && storedValues ? (
        <>
          <table>
            <caption>Stored version {stored.version} and what you typed (kept in the form)</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Stored (version {stored.version})</th>
                <th scope="col">You typed</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => {
                const before = shown(key, storedValues[key]);
                const mine = shown(key, typed[key]);
                return (
                  <tr key={key} className={before !== mine ? 'differs' : undefined}>
                    <th scope="row">
                      {fieldOfKey(type, key).label}
                      {before !== mine ? ' (differs)' : ''}
                    </th>
                    <td>{before}</td>
                    <td>{mine}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="record-actions">
            <button type="button" onClick={onKeepMine}>
              Keep my values (save over version {stored.version})
            </button>
            <button type="button" className="secondary" onClick={onTakeStored}>
              Take the stored values
            </button>
          </p>
        </>
      ) : (
        <p>The record is no longer stored: there is nothing to correct.</p>
      )}
    </div>
  );
}
