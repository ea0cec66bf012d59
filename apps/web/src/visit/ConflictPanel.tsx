/**
 * A change refused because the record changed meanwhile (409 VERSION_CONFLICT): the stored
 * record that won (details.current) beside what was typed, and nothing overwritten until the
 * user chooses to keep their values (saved over the version shown) or to take the stored ones.
 */
import { recordType } from '@jia-trial/dictionary';
import type { SaveRefusal } from './save-visit';

type Conflict = Extract<SaveRefusal, { kind: 'conflict' }>;

/** The visit's missing-data code fields (`esrMissing`, ADR 0040), as the dictionary names them. */
const CODE_KEYS = new Set(
  recordType('visit')
    .fields.filter((f) => f.missingFor !== undefined)
    .map((f) => f.key),
);

const shown = (value: unknown) =>
  value === null || value === undefined || value === ''
    ? 'empty'
    : Array.isArray(value)
      ? value.join(', ') || 'none'
      : String(value);

export function ConflictPanel({
  conflict,
  typed,
  onKeepMine,
  onTakeStored,
}: {
  readonly conflict: Conflict;
  /** The typed values, by the same keys as the stored record. */
  readonly typed: Readonly<Record<string, unknown>>;
  readonly onKeepMine: () => void;
  readonly onTakeStored: () => void;
}) {
  const current = conflict.current;
  // A missing-data code that neither side gave says nothing: left out.
  const unsetCode = (k: string) =>
    CODE_KEYS.has(k) && shown(current?.[k]) === 'empty' && shown(typed[k]) === 'empty';
  const keys = current
    ? Object.keys(current).filter(
        (k) => !['visitId', 'subjectId', 'jointCode', 'item'].includes(k) && !unsetCode(k),
      )
    : [];
  const differs = (k: string) => shown(current?.[k]) !== shown(typed[k]);
  const name = conflict.record === 'visit' ? 'this visit' : conflict.record;
  return (
    <section className="card conflict" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">Someone else changed {name} meanwhile</h2>
      {current ? (
        <>
          <p>
            Nothing was overwritten. The stored version is {conflict.currentVersion}; what you typed
            is kept below it. Fields that differ are marked.
          </p>
          <table className="conflict-table">
            <caption>Stored version {conflict.currentVersion} and what you typed</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Stored (version {conflict.currentVersion})</th>
                <th scope="col">You typed</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k} className={differs(k) ? 'differs' : ''}>
                  <th scope="row">
                    {k}
                    {differs(k) ? ' (differs)' : ''}
                  </th>
                  <td>{shown(current[k])}</td>
                  <td>{shown(typed[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="actions">
            <button type="button" onClick={onKeepMine}>
              Keep mine: save over version {conflict.currentVersion}
            </button>{' '}
            <button type="button" onClick={onTakeStored}>
              Take the stored values
            </button>
          </p>
        </>
      ) : (
        <p>The record is no longer there. {conflict.message}</p>
      )}
    </section>
  );
}
