/**
 * Adverse events: the stored ones, each correctable (`PUT .../adverse-events/{aeId}` with
 * If-Match and a reason), and a new one (`POST .../adverse-events`). The seriousness criteria
 * (ICH E2A) are asked only of a serious event and sent as an array of codes. A serious event
 * raises SAE_REPORT_DUE at once: the page reads the status again after every save.
 */
import { useState } from 'react';
import type { EditTarget } from './RecordEditor';
import { RecordEditor } from './RecordEditor';
import { emptyValues, type FormValues, valuesOfRecord } from './record-form';
import { StoredList } from './StoredList';
import type { StoredRow } from './use-stored-records';

const KEYS = [
  'aeId',
  'term',
  'onsetDate',
  'awarenessDate',
  'grade',
  'serious',
  'seriousnessCriteria',
  'related',
  'outcome',
  'actionTaken',
  'resolutionDate',
];
/** The identifier is the record's key (its PUT path): a correction keeps it. */
const CORRECTION_KEYS = KEYS.filter((k) => k !== 'aeId');
const LISTED = ['aeId', 'term', 'onsetDate', 'grade', 'serious', 'outcome'];
const SHOWN_WHEN = { seriousnessCriteria: (v: FormValues) => v.serious === 'true' };

export function AdverseEventEntry({
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
  // A proposal only: ids are unique in the study, and the server says so if it is taken.
  const initial = { ...emptyValues('adverse_event'), aeId: `${subjectId}-AE${rows.length + 1}` };
  return (
    <>
      <StoredList
        type="adverse_event"
        caption="Adverse events recorded"
        rows={rows}
        keys={LISTED}
        action="Correct"
        onAction={(row) => setEditing({ id: String(row.record.aeId ?? ''), stored: row })}
      />
      {editing && (
        <RecordEditor
          key={`${editing.stored.rowId}-${editing.stored.version}`}
          type="adverse_event"
          formId="ae-correct"
          title={`Correct adverse event ${editing.id}`}
          studyId={studyId}
          subjectId={subjectId}
          keys={CORRECTION_KEYS}
          initial={valuesOfRecord('adverse_event', editing.stored.record)}
          target={editing}
          shownWhen={SHOWN_WHEN}
          readStored={readStored}
          onSaved={(text) => {
            setEditing(null);
            onSaved(text);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <RecordEditor
        // A new form once the list grows, so that the proposed id follows it.
        key={`ae-new-${rows.length}`}
        type="adverse_event"
        formId="ae-new"
        title="Record an adverse event"
        studyId={studyId}
        subjectId={subjectId}
        keys={KEYS}
        initial={initial}
        target={null}
        shownWhen={SHOWN_WHEN}
        readStored={readStored}
        onSaved={onSaved}
      />
    </>
  );
}
