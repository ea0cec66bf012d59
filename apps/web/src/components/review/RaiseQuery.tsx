/**
 * Raising a data query on one of the subject's records, or one field of it
 * (POST /studies/{studyId}/queries). The record is named by its key as the audit trail writes it
 * (record-keys.ts) and the field by its dictionary name, both as the server checks them. Only for
 * a role holding `query.raise` at the subject's site (the caller decides).
 */
import type { RecordTypeId } from '@jia-trial/dictionary';
import { type FormEvent, useId, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import { queryableFields } from './record-keys';
import './review.css';

/** A record a query may be raised on, as the page lists it. */
export interface QueryableRecord {
  readonly table: RecordTypeId;
  readonly recordKey: string;
  readonly label: string;
}

const WHOLE_RECORD = '';

export function RaiseQuery({
  studyId,
  records,
  onRaised,
}: {
  readonly studyId: string;
  readonly records: readonly QueryableRecord[];
  readonly onRaised: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [at, setAt] = useState(0);
  const [field, setField] = useState(WHOLE_RECORD);
  const [question, setQuestion] = useState('');
  const recordId = useId();
  const fieldId = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  const record = records[at];

  if (!open)
    return (
      <p className="actions">
        <button type="button" onClick={() => setOpen(true)}>
          Raise a query
        </button>
      </p>
    );
  if (!record) return <p>No record to raise a query on.</p>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const { error } = await api.POST('/api/v1/studies/{studyId}/queries', {
      params: { path: { studyId } },
      body: {
        table: record.table,
        recordKey: record.recordKey,
        field: field === WHOLE_RECORD ? null : field,
        question,
      },
    });
    setBusy(false);
    if (error) {
      setProblem(`Not raised: ${messageOf(error)}.`);
      return;
    }
    setOpen(false);
    setQuestion('');
    setField(WHOLE_RECORD);
    onRaised();
  };

  return (
    <form className="raise-query" onSubmit={submit}>
      <h3>Raise a query</h3>
      <div className="sign-choices">
        <div className="choice">
          <label htmlFor={recordId}>Record</label>
          <select
            id={recordId}
            value={at}
            onChange={(e) => {
              setAt(Number(e.target.value));
              setField(WHOLE_RECORD);
            }}
          >
            {records.map((r, i) => (
              <option key={`${r.table}:${r.recordKey}`} value={i}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="choice">
          <label htmlFor={fieldId}>Field</label>
          <select id={fieldId} value={field} onChange={(e) => setField(e.target.value)}>
            <option value={WHOLE_RECORD}>The whole record</option>
            {queryableFields(record.table).map((f) => (
              <option key={f.name} value={f.name}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label htmlFor={id}>Question</label>
      <textarea
        id={id}
        value={question}
        onChange={(e) => setQuestion(e.target.value)}
        required
        maxLength={2000}
        rows={2}
      />
      <Problem text={problem} />
      <p className="actions">
        <button type="submit" disabled={busy || question.trim() === ''}>
          Raise query
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </p>
    </form>
  );
}
