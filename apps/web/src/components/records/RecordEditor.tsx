/**
 * One record's form, new or a correction: the dictionary's fields (RecordField), a reason when a
 * stored record is corrected, the save, and every refusal shown where it belongs: an issue under
 * its field, a conflict as the stored record beside the typed one. What was typed is never
 * cleared by a refusal; only a successful save of a new record empties the form. Until then it is
 * kept in the tab (drafts.ts), so that a form opened again after an expired session or a reload
 * has it back, saying so.
 */
import { missingFieldKey, type RecordTypeId } from '@jia-trial/dictionary';
import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';
import { draftOf } from '../../drafts';
import { DraftNotice, Problem } from '../forms';
import { type ConflictState, RecordConflict } from './RecordConflict';
import { RecordField } from './RecordField';
import {
  bodyOfValues,
  emptyValues,
  type FormValues,
  fieldOfKey,
  type Issue,
  placeIssues,
  valuesOfRecord,
} from './record-form';
import { type EntryType, saveRecord } from './save-record';
import type { StoredRow } from './use-stored-records';

/** A stored record being corrected: the id its PUT path takes, and the record as read. */
export interface EditTarget {
  readonly id: string;
  readonly stored: StoredRow;
}

export interface RecordEditorProps {
  readonly type: EntryType & RecordTypeId;
  readonly formId: string;
  readonly title: string;
  readonly studyId: string;
  readonly subjectId: string;
  /** The fields shown, in order (the others are kept as stored, or empty when new). */
  readonly keys: readonly string[];
  readonly initial: FormValues;
  readonly target: EditTarget | null;
  readonly hints?: Readonly<Record<string, ReactNode>>;
  /** Shown only while `show(values)` holds (seriousness criteria of a serious AE). */
  readonly shownWhen?: Readonly<Record<string, (values: FormValues) => boolean>>;
  /** Beside the fields: the dose calculator, which may fill them in. */
  readonly aside?: (values: FormValues, set: (changes: FormValues) => void) => ReactNode;
  /** Reads the stored record again after a conflict. */
  readonly readStored: (rowId: string) => Promise<StoredRow | null>;
  readonly onSaved: (text: string) => void;
  readonly onCancel?: () => void;
}

/**
 * What the draft keeps: the fields, a correction's reason, and the version they were typed
 * against, so that a draft restored after someone else saved meets the conflict (409) and is
 * shown beside the stored record, never saved over it.
 */
interface Typed {
  readonly values: FormValues;
  readonly reason: string;
  readonly version: number | null;
}

export function RecordEditor(props: RecordEditorProps) {
  const { type, formId, keys, target } = props;
  const draft = useMemo(
    () => draftOf<Typed>('record', props.studyId, props.subjectId, type, target?.id ?? 'new'),
    [props.studyId, props.subjectId, type, target?.id],
  );
  // Read once, when the form opens.
  const [kept] = useState(() => draft.load());
  const [restored, setRestored] = useState(kept !== null);
  const [values, setValues] = useState<FormValues>(kept?.values ?? props.initial);
  const [issues, setIssues] = useState<readonly Issue[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [conflict, setConflict] = useState<ConflictState | null>(null);
  const [version, setVersion] = useState(kept ? kept.version : (target?.stored.version ?? null));
  const [reason, setReason] = useState(kept?.reason ?? '');
  const [saving, setSaving] = useState(false);

  // Kept from the first keystroke on (an untouched form leaves no draft behind).
  const [touched, setTouched] = useState(kept !== null);
  useEffect(() => {
    if (touched) draft.keep({ values, reason, version });
  }, [touched, values, reason, version, draft]);

  const set = (changes: FormValues) => {
    setTouched(true);
    setValues((v) => ({ ...v, ...changes }));
  };
  const changeReason = (text: string) => {
    setTouched(true);
    setReason(text);
  };
  const forget = () => {
    draft.drop();
    setTouched(false);
    setRestored(false);
  };
  const visible = keys.filter((k) => props.shownWhen?.[k]?.(values) ?? true);
  // A missing-data code's issue is shown under its field (the code has no control of its own).
  const placed = placeIssues(issues, [...visible, ...visible.map(missingFieldKey), 'reason']);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setConflict(null);
    // What is not shown is not sent: criteria ticked before "serious" was set back to no stay
    // in the form (should it be set to yes again) but are not stored.
    const hidden = keys.filter((k) => !visible.includes(k));
    const sent = { ...values, ...emptyValues(type, hidden) };
    const { body, problems } = bodyOfValues(type, props.subjectId, sent);
    if (problems.length > 0) {
      setIssues(problems);
      return;
    }
    setSaving(true);
    const correction = target && version !== null ? { id: target.id, version, reason } : null;
    const outcome = await saveRecord(type, props.studyId, body, correction);
    setSaving(false);
    if (outcome.kind === 'saved') {
      forget();
      setIssues([]);
      if (!target) setValues(props.initial);
      props.onSaved(`${props.title}: saved (version ${outcome.stored.version}).`);
      return;
    }
    const refusal = outcome.refusal;
    setIssues(refusal.kind === 'invalid' ? refusal.issues : []);
    if (refusal.kind === 'conflict' && target)
      setConflict({
        message: refusal.message,
        // The server sends the record that won; read again only when it did not.
        stored:
          refusal.current !== undefined
            ? refusal.current
            : await props.readStored(target.stored.rowId),
      });
    else setProblem(refusal.message);
  };

  return (
    <form
      id={formId}
      className="record-form"
      aria-labelledby={`${formId}-title`}
      onSubmit={submit}
      // The form's own checks and the server's are shown under each field, in words; the
      // browser's bubbles would show only the first and vanish.
      noValidate
    >
      <h4 id={`${formId}-title`}>{props.title}</h4>
      {restored && (
        <DraftNotice
          onDiscard={() => {
            forget();
            setValues(props.initial);
            setReason('');
          }}
        />
      )}
      <Problem text={problem} />
      {placed.other.length > 0 && (
        <ul className="field-error" aria-label="Other problems">
          {placed.other.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      {conflict && (
        <RecordConflict
          type={type}
          keys={keys}
          conflict={conflict}
          typed={values}
          onKeepMine={() => {
            setVersion(conflict.stored?.version ?? version);
            setConflict(null);
          }}
          onTakeStored={() => {
            if (conflict.stored) {
              setValues(valuesOfRecord(type, conflict.stored.record));
              setVersion(conflict.stored.version);
            }
            setConflict(null);
          }}
        />
      )}
      <div className={props.aside ? 'record-layout' : undefined}>
        <div className="record-fields">
          {visible.map((key) => {
            const field = fieldOfKey(type, key);
            const codeKey = missingFieldKey(key);
            const code = values[codeKey];
            return (
              <RecordField
                key={key}
                formId={formId}
                field={field}
                value={values[key] ?? ''}
                errors={placed.byField[key] ?? placed.byField[codeKey]}
                onValue={(value) => set({ [key]: value })}
                hint={props.hints?.[key]}
                {...(field.missingField
                  ? {
                      missingCode: typeof code === 'string' ? code : '',
                      onMissingCode: (c: string) => set({ [codeKey]: c }),
                    }
                  : {})}
              />
            );
          })}
          {target && (
            <div className="record-field">
              <label htmlFor={`${formId}-reason`}>Reason for the change (audit trail)</label>
              <input
                id={`${formId}-reason`}
                value={reason}
                required
                onChange={(e) => changeReason(e.target.value)}
                {...(placed.byField.reason
                  ? { 'aria-invalid': true, 'aria-describedby': `${formId}-reason-error` }
                  : {})}
              />
              {placed.byField.reason && (
                <span id={`${formId}-reason-error`} className="field-error">
                  {placed.byField.reason.join('; ')}
                </span>
              )}
            </div>
          )}
        </div>
        {props.aside?.(values, set)}
      </div>
      <p className="record-actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : target ? 'Save the correction' : 'Save'}
        </button>
        {props.onCancel && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              forget();
              props.onCancel?.();
            }}
          >
            Cancel
          </button>
        )}
      </p>
    </form>
  );
}
