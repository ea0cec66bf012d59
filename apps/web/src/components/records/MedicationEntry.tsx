/**
 * Medications: the stored ones, each stopped or corrected by its row id (`PUT
 * .../medications/{rowId}`: the drug and start day, its natural key, may be what is corrected),
 * with If-Match and a reason; and a new one (`POST .../medications`).
 */
import { useState } from 'react';
import type { EditTarget } from './RecordEditor';
import { RecordEditor } from './RecordEditor';
import { emptyValues, valuesOfRecord } from './record-form';
import { StoredList } from './StoredList';
import type { StoredRow } from './use-stored-records';

const KEYS = ['drug', 'drugClass', 'startDate', 'stopDate', 'stopReason'];

export function MedicationEntry({
  studyId,
  subjectId,
  rows,
  readStored,
  onSaved,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly rows: readonly StoredRow[];
  readonly readStored: (rowId: string) => Promise<StoredRow | null>;
  readonly onSaved: (text: string) => void;
}) {
  const [editing, setEditing] = useState<EditTarget | null>(null);
  return (
    <>
      <StoredList
        type="medication"
        caption="Medications recorded"
        rows={rows}
        keys={KEYS}
        action="Stop or correct"
        onAction={(row) => setEditing({ id: row.rowId, stored: row })}
      />
      {editing && (
        <RecordEditor
          key={`${editing.stored.rowId}-${editing.stored.version}`}
          type="medication"
          formId="medication-correct"
          title={`Stop or correct ${String(editing.stored.record.drug ?? 'the medication')}`}
          studyId={studyId}
          subjectId={subjectId}
          keys={KEYS}
          initial={valuesOfRecord('medication', editing.stored.record)}
          target={editing}
          readStored={readStored}
          onSaved={(text) => {
            setEditing(null);
            onSaved(text);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <RecordEditor
        type="medication"
        formId="medication-new"
        title="Record a medication"
        studyId={studyId}
        subjectId={subjectId}
        keys={KEYS}
        initial={emptyValues('medication')}
        target={null}
        readStored={readStored}
        onSaved={onSaved}
      />
    </>
  );
}
