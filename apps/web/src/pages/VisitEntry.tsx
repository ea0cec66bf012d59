/**
 * A visit's entry: the body map, the visit's fields, the CHAQ and the live scores, saved as the
 * visit and its joint findings and CHAQ answers (save-visit.ts). What is typed is kept in the
 * tab's sessionStorage until saved (drafts.ts); a conflict shows the stored version beside what
 * was typed and overwrites nothing until the user chooses (ConflictPanel).
 */
import type { ChaqAnswerValues } from '@jia-trial/dictionary';
import { CHAQ_ITEM_CODES, type ChaqResponse } from '@jia-trial/outcomes';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { api, messageOf } from '../api/client';
import { BodyMap } from '../components/BodyMap';
import { DraftNotice, Problem } from '../components/forms';
import { LockBanner, LockControls } from '../components/locks/LockPanel';
import { useRecordLocks } from '../components/locks/use-locks';
import { recordKeyOf } from '../components/review/record-keys';
import { may } from '../components/review/use-study-access';
import { VisitReview } from '../components/review/VisitReview';
import { draftOf } from '../drafts';
import { hrefOf } from '../routes';
import { ChaqSection } from '../visit/ChaqSection';
import { ConflictPanel } from '../visit/ConflictPanel';
import { keepingMine, takingStored, typedFor } from '../visit/conflict-choices';
import { liveScoresOf } from '../visit/live-scores';
import { ScoresPanel } from '../visit/ScoresPanel';
import { type SaveRefusal, type StoredVisitState, saveVisit } from '../visit/save-visit';
import { VisitFields, WhyEmpty } from '../visit/VisitFields';
import {
  chaqAnswersOf,
  chaqDiOf,
  fieldValuesOf,
  hasJointFindings,
  type JointValues,
  jointCountsOf,
  TYPED_FIELDS,
  type VisitFormValues,
  visitJsonOf,
  visitRecordOf,
  visitRecordOfJson,
} from '../visit/visit-form';
import { queryableOfVisit, useVisitQueries } from '../visit/visit-queries';
import '../visit/visit-entry.css';
import type { LockState, VisitRecord } from '@jia-trial/dictionary';

/** What a visit's draft keeps: the form and the versions it was typed against. */
interface VisitDraft {
  readonly values: VisitFormValues;
  readonly stored: StoredVisitState;
}

interface Loaded {
  /** The subject's site: where the user's permissions are looked up. */
  readonly site: string;
  readonly subjectVisits: readonly VisitRecord[];
  readonly stored: StoredVisitState;
  readonly initial: VisitFormValues;
}

/** Reads the subject and, for a stored visit, its record, joint findings and CHAQ answers. */
async function load(
  studyId: string,
  subjectId: string,
  visitId: string | null,
): Promise<Loaded | string> {
  const { data, error } = await api.GET('/api/v1/studies/{studyId}/subjects/{subjectId}', {
    params: { path: { studyId, subjectId } },
  });
  if (!data) return messageOf(error);
  const subjectVisits = data.visits.map((v) => visitRecordOfJson(v.record));
  const category = String(data.subject.record.ilarCategory ?? '');
  const site = String(data.subject.record.site ?? '');
  if (visitId === null)
    return {
      site,
      subjectVisits,
      stored: { visitVersion: null, joints: {}, chaq: {} },
      initial: {
        visitId: '',
        fields: { ilarCategory: category },
        joints: {},
        chaq: {},
        reason: '',
      },
    };
  const visit = data.visits.find((v) => v.record.visitId === visitId);
  if (!visit) return `Subject ${subjectId} has no visit ${visitId}.`;
  const joints: Record<string, { values: JointValues; version: number }> = {};
  for (const f of data.jointFindings) {
    const r = f.record as unknown as { visitId: string; jointCode: string } & JointValues;
    if (r.visitId === visitId)
      joints[r.jointCode] = {
        values: { swollen: r.swollen, tender: r.tender, limited: r.limited },
        version: f.version,
      };
  }
  const chaq: Record<string, { values: ChaqAnswerValues; version: number }> = {};
  for (const a of data.chaqAnswers) {
    const r = a.record as unknown as {
      visitId: string;
      item: string;
      score: ChaqResponse;
      aidOrHelp: boolean;
    };
    if (r.visitId === visitId)
      chaq[r.item] = {
        values: { item: r.item, score: r.score, aidOrHelp: r.aidOrHelp },
        version: a.version,
      };
  }
  return {
    site,
    subjectVisits,
    stored: { visitVersion: visit.version, joints, chaq },
    initial: {
      visitId,
      fields: fieldValuesOf(visit.record),
      joints: Object.fromEntries(Object.entries(joints).map(([k, v]) => [k, v.values])),
      chaq: Object.fromEntries(
        Object.entries(chaq).map(([k, v]) => [
          k,
          { score: String(v.values.score), aidOrHelp: v.values.aidOrHelp },
        ]),
      ),
      reason: '',
    },
  };
}

/** The issues of a refusal by the field they name (`esr`, `activeJointCodes[0]` -> `activeJointCodes`). */
function errorsOf(refusal: SaveRefusal | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (refusal?.kind !== 'invalid') return out;
  for (const issue of refusal.issues) {
    const key = issue.path.split(/[.[]/)[0] || 'form';
    out[key] = out[key] ? `${out[key]}; ${issue.message}` : issue.message;
  }
  return out;
}

export function VisitEntry({
  studyId,
  subjectId,
  visitId,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly visitId: string | null;
}) {
  const [loaded, setLoaded] = useState<Loaded | string | null>(null);
  const [values, setValues] = useState<VisitFormValues | null>(null);
  const [stored, setStored] = useState<StoredVisitState | null>(null);
  const [restored, setRestored] = useState(false);
  const [refusal, setRefusal] = useState<SaveRefusal | null>(null);
  const [saving, setSaving] = useState(false);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  // The locks over the subject: a lock of the visit, the casebook or the study disables the form.
  const locks = useRecordLocks(studyId, { subjectId, visitId });
  const review = useVisitQueries(
    studyId,
    subjectId,
    visitId === null ? null : recordKeyOf(studyId, 'visit', { visitId }),
  );
  // The draft keeps the versions the values were typed against (`stored`), so that a draft
  // restored after someone else saved meets the conflict instead of being saved over it.
  const draft = useMemo(
    () => draftOf<VisitDraft>('visit', studyId, subjectId, visitId ?? 'new'),
    [studyId, subjectId, visitId],
  );

  useEffect(() => {
    let live = true;
    setLoaded(null);
    void load(studyId, subjectId, visitId).then(
      (result) => {
        if (!live) return;
        setLoaded(result);
        if (typeof result === 'string') return;
        const kept = draft.load();
        setValues(kept?.values ?? result.initial);
        setRestored(kept !== null);
        setStored(kept?.stored ?? result.stored);
        setRefusal(null);
      },
      () => live && setLoaded('The server could not be reached. Check the connection and reload.'),
    );
    return () => {
      live = false;
    };
  }, [studyId, subjectId, visitId, draft]);

  const change = (next: VisitFormValues, basedOn = stored) => {
    setValues(next);
    if (basedOn) draft.keep({ values: next, stored: basedOn });
    setSavedNote(null);
  };

  const derived = useMemo(() => {
    if (!values || !loaded || typeof loaded === 'string') return null;
    const record = visitRecordOf(subjectId, values);
    const counts = jointCountsOf(values.joints);
    return {
      record,
      counts,
      chaqDi: chaqDiOf(values.chaq)?.value ?? null,
      live: liveScoresOf(record, loaded.subjectVisits),
    };
  }, [values, loaded, subjectId]);

  if (loaded === null || (typeof loaded !== 'string' && (!values || !stored)))
    return <p className="loading">Loading…</p>;
  if (typeof loaded === 'string' || !values || !stored || !derived)
    return <Problem text={String(loaded)} />;

  const save = async (over: StoredVisitState = stored) => {
    setSaving(true);
    const result = await saveVisit(studyId, subjectId, values, chaqAnswersOf(values.chaq), over);
    setSaving(false);
    setStored(result.stored);
    setRefusal(result.refusal);
    if (result.refusal) {
      draft.keep({ values, stored: result.stored });
      return;
    }
    draft.drop();
    setRestored(false);
    setSavedNote(`Saved: visit ${values.visitId.trim()}, version ${result.stored.visitVersion}.`);
    if (visitId === null)
      window.location.replace(
        hrefOf({ page: 'visit', studyId, subjectId, visitId: values.visitId.trim() }),
      );
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };

  const conflict = refusal?.kind === 'conflict' ? refusal : null;
  const keepMine = () => {
    if (!conflict) return;
    const next = keepingMine(stored, conflict);
    setStored(next);
    void save(next);
  };
  const takeStored = () => {
    if (!conflict) return;
    const taken = takingStored(values, stored, conflict);
    change(taken.values, taken.stored);
    setStored(taken.stored);
    setRefusal(null);
  };

  const errors = errorsOf(refusal);
  // A role that may not change visits reads them: the fields shown but not editable, and no
  // save (absent, not disabled; the server refuses anyway). Until the roles are read, too.
  const mayWrite = may(review.access, 'clinical.write', loaded.site);
  // A lock in force disables it too (the server refuses it: 423 RECORD_LOCKED); until the locks
  // are read, nothing is offered.
  const canWrite = mayWrite && locks.loaded && locks.state.dataEditable;
  const isStored = stored.visitVersion !== null;
  const otherVisits = loaded.subjectVisits.filter((v) => v.visitId !== values.visitId.trim());

  return (
    <section aria-labelledby="visit-title" className="visit-entry">
      <p>
        <a href={hrefOf({ page: 'subject', studyId, subjectId })}>← Subject {subjectId}</a>
      </p>
      <h1 id="visit-title">
        {visitId === null ? `New visit of ${subjectId}` : `Visit ${visitId} of ${subjectId}`}
        {isStored ? ` (version ${stored.visitVersion})` : ''}
      </h1>
      <LockBanner state={locks.state} />
      {visitId !== null && may(review.access, 'lock.manage', loaded.site) ? (
        <LockControls
          studyId={studyId}
          scope="visit"
          lockKey={visitId}
          inForce={locks.own}
          onChanged={locks.reload}
        />
      ) : null}
      {visitId !== null && (
        <VisitReview
          studyId={studyId}
          site={loaded.site}
          {...queryableOfVisit(studyId, visitId, loaded.initial.fields.visitDate ?? '', stored)}
          access={review.access}
          queries={review.queries}
          onQueriesChanged={review.reload}
        />
      )}
      {restored ? (
        <DraftNotice
          onDiscard={() => {
            draft.drop();
            setRestored(false);
            if (typeof loaded !== 'string') setValues(loaded.initial);
          }}
        />
      ) : null}
      {conflict ? (
        <ConflictPanel
          conflict={conflict}
          typed={typedFor(conflict, values, visitJsonOf(derived.record))}
          onKeepMine={keepMine}
          onTakeStored={takeStored}
        />
      ) : null}
      <div className="visit-layout">
        <form className="visit-form" onSubmit={onSubmit} noValidate>
          <fieldset className="visit-body" disabled={!canWrite}>
            {visitId === null ? (
              <TextField
                id="visit-visitId"
                label="Visit identifier"
                value={values.visitId}
                error={errors.visitId}
                onValue={(v) => change({ ...values, visitId: v })}
              />
            ) : null}
            <VisitFields
              values={values.fields}
              errors={errors}
              otherVisits={otherVisits}
              openQueries={review.byField}
              onValue={(key, value) =>
                change({ ...values, fields: { ...values.fields, [key]: value } })
              }
            />
            <fieldset className="visit-group">
              <legend>Joint examination (71 joints)</legend>
              <BodyMap
                states={values.joints}
                onChange={(code, state) =>
                  change({ ...values, joints: { ...values.joints, [code]: state } })
                }
              />
              {!hasJointFindings(values.joints) ? (
                <WhyEmpty
                  codeKey="activeJointsMissing"
                  label="the joint examination"
                  values={values.fields}
                  onValue={(key, value) =>
                    change({ ...values, fields: { ...values.fields, [key]: value } })
                  }
                />
              ) : null}
              {errors.activeJointCodes || errors.activeJoints ? (
                <span className="field-error">
                  {errors.activeJointCodes ?? errors.activeJoints}
                </span>
              ) : null}
            </fieldset>
            <ChaqSection
              chaq={values.chaq}
              storedItems={new Set(Object.keys(stored.chaq))}
              errors={errors}
              onChange={(item, v) => change({ ...values, chaq: { ...values.chaq, [item]: v } })}
            />
            {derived.chaqDi === null ? (
              <WhyEmpty
                codeKey="chaqDiMissing"
                label="the CHAQ"
                values={values.fields}
                onValue={(key, value) =>
                  change({ ...values, fields: { ...values.fields, [key]: value } })
                }
              />
            ) : null}
          </fieldset>
          {canWrite ? (
            <SaveControls
              isStored={isStored}
              reason={values.reason}
              errors={errors}
              saving={saving}
              onReason={(v) => change({ ...values, reason: v })}
            />
          ) : (
            <p className="notice">{readOnlyText(mayWrite, locks.state, loaded.site)}</p>
          )}
          <Problem text={refusalText(refusal, errors)} />
          {savedNote ? (
            <p className="saved" role="status">
              {savedNote}
            </p>
          ) : null}
        </form>
        <ScoresPanel
          live={derived.live}
          activeCodes={derived.counts.activeCodes}
          limited={derived.counts.limited.value}
          chaqDi={derived.chaqDi}
        />
      </div>
    </section>
  );
}

/** Why the visit is shown read only: a lock over it, or the user's role at the site. */
function readOnlyText(mayWrite: boolean, state: LockState, site: string): string {
  return mayWrite && !state.dataEditable
    ? `Read only: the visit is ${state.kind === 'freeze' ? 'frozen' : 'locked'}.`
    : `Read only: your role does not change visits at site ${site}.`;
}

/** A stored visit's reason for the change, and the save. */
function SaveControls({
  isStored,
  reason,
  errors,
  saving,
  onReason,
}: {
  readonly isStored: boolean;
  readonly reason: string;
  readonly errors: Readonly<Record<string, string>>;
  readonly saving: boolean;
  readonly onReason: (value: string) => void;
}) {
  return (
    <>
      {isStored ? (
        <TextField
          id="visit-reason"
          label="Reason for the change (kept in the audit trail)"
          value={reason}
          error={errors.reason}
          onValue={onReason}
        />
      ) : null}
      <p className="actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : isStored ? 'Save changes' : 'Save visit'}
        </button>
      </p>
    </>
  );
}

/** A labelled text input with the server's words about it beneath. */
function TextField({
  id,
  label,
  value,
  error,
  onValue,
}: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly error: string | undefined;
  readonly onValue: (value: string) => void;
}) {
  return (
    <div className="visit-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        {...(error ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {})}
      />
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The words for a refusal that is not shown beside a field or as a conflict; null: none. */
function refusalText(
  refusal: SaveRefusal | null,
  errors: Readonly<Record<string, string>>,
): string | null {
  if (!refusal || refusal.kind === 'conflict') return null;
  if (refusal.kind !== 'invalid') return refusal.message;
  const shownBeside = (k: string) =>
    ['reason', 'visitId', 'activeJoints', 'activeJointCodes'].includes(k) ||
    TYPED_FIELDS.some((f) => f.key === k || `${f.key}Unit` === k) ||
    (CHAQ_ITEM_CODES as readonly string[]).includes(k);
  const elsewhere = Object.entries(errors).filter(([k]) => !shownBeside(k));
  return `Not saved: ${
    elsewhere.length ? elsewhere.map(([k, m]) => `${k}: ${m}`).join('; ') : 'see the fields marked'
  }.`;
}
