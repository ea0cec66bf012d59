/**
 * A record's "History" disclosure: its audit events, read when first opened (most records are
 * never looked into, and the trail is not read for nothing). Only for roles holding `audit.read`
 * at the record's site; the caller decides, as the control is absent for the others.
 */
import { type SyntheticEvent, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import { utcText } from '../subject/format';
import type { Loaded } from '../subject/use-subject-page';
import { ColumnHeads } from '../table';
import { type AuditRow, auditRows, OPERATION_TEXT } from './audit-view';
import { fieldLabel } from './record-keys';
import './review.css';

export interface RecordRef {
  readonly studyId: string;
  /** The audited table (a record type: visit, infusion, adverse_event, ...). */
  readonly table: string;
  /** The key as the trail writes it (record-keys.ts). */
  readonly recordKey: string;
  /** What the record is called on the page ("visit D01-W8"). */
  readonly label: string;
}

function HistoryTable({
  table,
  rows,
}: {
  readonly table: string;
  readonly rows: readonly AuditRow[];
}) {
  return (
    <div className="scroll">
      <table className="history">
        <ColumnHeads names={['When (UTC)', 'Who', 'What', 'Changed fields: old → new', 'Reason']} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.eventId}>
              <td>{utcText(r.at)}</td>
              <td>{r.who}</td>
              <td>{OPERATION_TEXT[r.operation] ?? r.operation}</td>
              <td>
                {r.changes.length === 0 ? (
                  '—'
                ) : (
                  <ul className="changes">
                    {r.changes.map((c) => (
                      <li key={c.field}>
                        {fieldLabel(table, c.field)}: {c.old ?? '(empty)'} → {c.new ?? '(empty)'}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>{r.reason ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RecordHistory({ record }: { readonly record: RecordRef }) {
  const [history, setHistory] = useState<Loaded<AuditRow[]> | null>(null);
  const onToggle = (event: SyntheticEvent<HTMLDetailsElement>) => {
    // Read again at each opening: a correction made meanwhile shows.
    if (!event.currentTarget.open) return;
    setHistory({ kind: 'loading' });
    void api
      .GET('/api/v1/studies/{studyId}/audit', {
        params: {
          path: { studyId: record.studyId },
          query: { table: record.table, key: record.recordKey },
        },
      })
      .then(({ data, error }) =>
        setHistory(
          data
            ? { kind: 'ok', value: auditRows(data) }
            : { kind: 'problem', text: messageOf(error) },
        ),
      );
  };
  return (
    <details className="record-history" onToggle={onToggle}>
      <summary>
        History<span className="visually-hidden"> of {record.label}</span>
      </summary>
      {history?.kind === 'loading' && <p className="loading">Loading…</p>}
      {history?.kind === 'problem' && <Problem text={history.text} />}
      {history?.kind === 'ok' && <HistoryTable table={record.table} rows={history.value} />}
    </details>
  );
}
