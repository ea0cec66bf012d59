/**
 * Enrolling a subject from the study page (`POST /studies/{studyId}/subjects`): the subject
 * record's fields from the field dictionary (RecordField), the sites offered being those where
 * the user holds `enrolment.write`. Without an enrolment date the subject is screened. A refusal
 * keeps what was typed, each issue under its field.
 */
import { recordType } from '@jia-trial/dictionary';
import { type FormEvent, useState } from 'react';
import { api, messageOf } from '../api/client';
import { hrefOf } from '../routes';
import { Field, Problem } from './forms';
import { RecordField } from './records/RecordField';
import {
  bodyOfValues,
  emptyValues,
  type FormValues,
  fieldOfKey,
  type Issue,
  placeIssues,
} from './records/record-form';

/** The subject record's fields the form asks for (the subject code, its key, above them). */
const KEYS = [
  'site',
  'sex',
  'birthDate',
  'ilarCategory',
  'diagnosisDate',
  'enrolmentDate',
] as const;

export function EnrolSubject({
  studyId,
  sites,
  onEnrolled,
}: {
  readonly studyId: string;
  /** The sites where the user may enrol. */
  readonly sites: readonly string[];
  readonly onEnrolled: () => void;
}) {
  const [subjectId, setSubjectId] = useState('');
  const [values, setValues] = useState<FormValues>(() => ({
    ...emptyValues('subject', KEYS),
    site: sites.length === 1 ? (sites[0] as string) : '',
  }));
  const [issues, setIssues] = useState<readonly Issue[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [enrolled, setEnrolled] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setEnrolled(null);
    const code = subjectId.trim();
    const { body, problems } = bodyOfValues('subject', code, values);
    const shown = Object.fromEntries(
      Object.entries(body).filter(([k]) => k === 'subjectId' || KEYS.includes(k as never)),
    );
    const refused = [
      ...(code === '' ? [{ path: 'subjectId', message: 'is required' }] : []),
      ...problems.filter((p) => KEYS.includes(p.path as never)),
    ];
    if (refused.length > 0) {
      setIssues(refused);
      return;
    }
    try {
      const { data, error } = await api.POST('/api/v1/studies/{studyId}/subjects', {
        params: { path: { studyId } },
        body: shown as never,
      });
      if (data) {
        setIssues([]);
        setEnrolled(code);
        setSubjectId('');
        setValues({ ...emptyValues('subject', KEYS), site: values.site ?? '' });
        onEnrolled();
      } else {
        const body = error as { error?: { issues?: Issue[] } } | undefined;
        setIssues(body?.error?.issues ?? []);
        setProblem(messageOf(error));
      }
    } catch {
      setProblem(messageOf(undefined));
    }
  };

  const placed = placeIssues(issues, ['subjectId', ...KEYS]);
  const codeLabel =
    recordType('subject').fields.find((f) => f.key === 'subjectId')?.label ?? 'Subject code';
  const siteField = fieldOfKey('subject', 'site');
  return (
    <form onSubmit={submit} className="card enrol" aria-labelledby="enrol-title" noValidate>
      <h2 id="enrol-title">Enrol a subject</h2>
      <Field label={codeLabel} value={subjectId} onValue={setSubjectId} autoComplete="off" />
      {placed.byField.subjectId && (
        <span className="field-error">{placed.byField.subjectId.join('; ')}</span>
      )}
      {KEYS.map((key) =>
        key === 'site' ? (
          <label key={key}>
            {siteField.label}
            <select
              value={typeof values.site === 'string' ? values.site : ''}
              onChange={(e) => setValues({ ...values, site: e.target.value })}
              required
            >
              <option value="">Choose a site</option>
              {sites.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            {placed.byField.site && (
              <span className="field-error">{placed.byField.site.join('; ')}</span>
            )}
          </label>
        ) : (
          <RecordField
            key={key}
            formId="enrol"
            field={fieldOfKey('subject', key)}
            value={values[key] ?? ''}
            errors={placed.byField[key]}
            onValue={(value) => setValues({ ...values, [key]: value })}
          />
        ),
      )}
      {placed.other.length > 0 && <Problem text={placed.other.join('; ')} />}
      <Problem text={problem} />
      {enrolled && (
        <p role="status">
          Subject <a href={hrefOf({ page: 'subject', studyId, subjectId: enrolled })}>{enrolled}</a>{' '}
          recorded.
        </p>
      )}
      <button type="submit">Enrol</button>
    </form>
  );
}
