/**
 * Signing a visit or the whole casebook (21 CFR 11.50, 11.200): the investigator chooses what
 * to sign and the signature's meaning, which is shown in words before signing, and enters the
 * password again; the server checks it (a wrong one is 403 SIGNATURE_REFUSED and nothing is
 * signed) and records the printed name, the UTC time, the meaning and the signed versions.
 * Only for a role holding `sign` at the subject's site (the caller decides).
 */
import { CODE_LISTS } from '@jia-trial/dictionary';
import { type FormEvent, useId, useState } from 'react';
import { api, messageOf } from '../../api/client';
import type { paths } from '../../api/schema.generated';
import { Field, Problem } from '../forms';
import './review.css';

/** The meanings of the dictionary's signature_meaning list, approval first as the list has it. */
const MEANINGS = CODE_LISTS.signature_meaning.codes;

/** The meanings the server accepts (its schema, made from the same code list). */
type Meaning =
  paths['/api/v1/studies/{studyId}/subjects/{subjectId}/signatures']['post']['requestBody']['content']['application/json']['meaning'];
const isMeaning = (code: string): code is Meaning => MEANINGS.some((m) => m.code === code);
const CASEBOOK = '';

export function SignForm({
  studyId,
  subjectId,
  visitIds,
  onSigned,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly visitIds: readonly string[];
  readonly onSigned: () => void;
}) {
  const [visitId, setVisitId] = useState(visitIds.at(-1) ?? CASEBOOK);
  const [meaning, setMeaning] = useState<Meaning>('approved');
  const [password, setPassword] = useState('');
  const whatId = useId();
  const meaningId = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const what = visitId === CASEBOOK ? `the whole casebook of ${subjectId}` : `visit ${visitId}`;
  const meaningText = MEANINGS.find((m) => m.code === meaning)?.label ?? meaning;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setDone(null);
    const { error } = await api.POST('/api/v1/studies/{studyId}/subjects/{subjectId}/signatures', {
      params: { path: { studyId, subjectId } },
      body: { visitId: visitId === CASEBOOK ? null : visitId, meaning, password },
    });
    setBusy(false);
    // The password is never kept, whatever the answer: each signing enters it again (11.200).
    setPassword('');
    if (error) {
      setProblem(`Not signed: ${messageOf(error)}.`);
      return;
    }
    setDone(`Signed ${what}: ${meaningText}.`);
    onSigned();
  };

  return (
    <form className="sign-form" onSubmit={submit}>
      <h3>Sign</h3>
      <div className="sign-choices">
        <div className="choice">
          <label htmlFor={whatId}>What to sign</label>
          <select id={whatId} value={visitId} onChange={(e) => setVisitId(e.target.value)}>
            {visitIds.map((v) => (
              <option key={v} value={v}>
                Visit {v}
              </option>
            ))}
            <option value={CASEBOOK}>The whole casebook</option>
          </select>
        </div>
        <div className="choice">
          <label htmlFor={meaningId}>Meaning of the signature</label>
          <select
            id={meaningId}
            value={meaning}
            onChange={(e) => isMeaning(e.target.value) && setMeaning(e.target.value)}
          >
            {MEANINGS.map((m) => (
              <option key={m.code} value={m.code}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="sign-statement" aria-live="polite">
        By signing {what} you state: <strong>{meaningText}</strong>. Your printed name, the time
        (UTC) and this meaning are kept with the signature.
      </p>
      <Field
        label="Your password (to sign)"
        type="password"
        autoComplete="current-password"
        value={password}
        onValue={setPassword}
      />
      <Problem text={problem} />
      {done && (
        <p className="saved" role="status">
          {done}
        </p>
      )}
      <p className="actions">
        <button type="submit" disabled={busy || password === ''}>
          Sign {visitId === CASEBOOK ? 'the casebook' : `visit ${visitId}`}
        </button>
      </p>
    </form>
  );
}
