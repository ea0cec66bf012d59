/**
 * The stored records of one type, each correctable (PUT by its id with If-Match and a reason),
 * and a form for a new one (POST): what adverse-event and medication entry share. A correction
 * typed before an expired session or a reload is opened again with what was typed (drafts.ts).
 */
import { useState } from 'react';
import { draftOf } from '../../drafts';
import { type EditTarget, RecordEditor, type RecordEditorProps } from './RecordEditor';
import { emptyValues, type FormValues, valuesOfRecord } from './record-form';
import { StoredList } from './StoredList';
import type { StoredRow } from './use-stored-records';

interface CorrectableRecordsProps {
  readonly type: RecordEditorProps['type'];
  readonly studyId: string;
  readonly subjectId: string;
  readonly rows: readonly StoredRow[];
  readonly readStored: (rowId: string) => Promise<StoredRow | null>;
  readonly onSaved: (text: string) => void;
  /** Ids of the forms: `${formPrefix}-correct`, `${formPrefix}-new`. */
  readonly formPrefix: string;
  readonly caption: string;
  /** The columns of the stored list. */
  readonly listed: readonly string[];
  /** The fields of a new record, and of a correction (default: the same; without a key a PUT path names). */
  readonly keys: readonly string[];
  readonly correctionKeys?: readonly string[];
  /** The row's button ("Correct"). */
  readonly action: string;
  /** The id a row's PUT path takes. */
  readonly idOf: (row: StoredRow) => string;
  readonly correctionTitle: (target: EditTarget) => string;
  readonly newTitle: string;
  /** A new record's first values (a proposed id); the dictionary's empty values by default. */
  readonly newInitial?: FormValues;
  readonly shownWhen?: RecordEditorProps['shownWhen'];
}

/** What a page gives each type's entry: the subject, its stored rows, and what to do after. */
export type RecordListProps = Pick<
  CorrectableRecordsProps,
  'studyId' | 'subjectId' | 'rows' | 'readStored' | 'onSaved'
>;

export function CorrectableRecords(props: CorrectableRecordsProps) {
  const { type, studyId, subjectId, rows, idOf } = props;
  const [editing, setEditing] = useState<EditTarget | null>(() => {
    const drafted = rows.find(
      (row) => draftOf('record', studyId, subjectId, type, idOf(row)).load() !== null,
    );
    return drafted ? { id: idOf(drafted), stored: drafted } : null;
  });
  const shared = {
    type,
    studyId,
    subjectId,
    ...(props.shownWhen ? { shownWhen: props.shownWhen } : {}),
    readStored: props.readStored,
  };
  return (
    <>
      <StoredList
        type={type}
        caption={props.caption}
        rows={rows}
        keys={props.listed}
        action={props.action}
        onAction={(row) => setEditing({ id: idOf(row), stored: row })}
      />
      {editing && (
        <RecordEditor
          {...shared}
          key={`${editing.stored.rowId}-${editing.stored.version}`}
          formId={`${props.formPrefix}-correct`}
          title={props.correctionTitle(editing)}
          keys={props.correctionKeys ?? props.keys}
          initial={valuesOfRecord(type, editing.stored.record)}
          target={editing}
          onSaved={(text) => {
            setEditing(null);
            props.onSaved(text);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <RecordEditor
        {...shared}
        // A new form once the list grows, so that a proposed id follows it.
        key={`${props.formPrefix}-new-${rows.length}`}
        formId={`${props.formPrefix}-new`}
        title={props.newTitle}
        keys={props.keys}
        initial={props.newInitial ?? emptyValues(type)}
        target={null}
        onSaved={props.onSaved}
      />
    </>
  );
}
