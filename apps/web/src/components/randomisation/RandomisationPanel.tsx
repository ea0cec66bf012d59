/**
 * A subject's randomisation (issue 18; docs/data-management.md, "Randomisation"): whether the
 * protocol's step is reached and why not, the allocation (its arm, or "blinded" for a blinded
 * role: the server sends no arm then), the Randomise button with a confirmation step for those
 * who may allocate, and the emergency unblinding with a reason for the protocol's unblinding
 * roles. Shown only when the study's protocol randomises.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { api, messageOf } from '../../api/client';
import type { components } from '../../api/schema.generated';
import { Problem } from '../forms';
import './randomisation.css';
import { stratumText } from './stratum-text';

type SubjectRandomisation = components['schemas']['SubjectRandomisation'];

type Loaded =
  | { readonly kind: 'loading' }
  | { readonly kind: 'none' }
  | { readonly kind: 'problem'; readonly text: string }
  | { readonly kind: 'ok'; readonly value: SubjectRandomisation };

export function RandomisationPanel({
  studyId,
  subjectId,
}: {
  readonly studyId: string;
  readonly subjectId: string;
}) {
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [reads, setReads] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [revealed, setRevealed] = useState<string | null>(null);

  useEffect(() => {
    void reads;
    let live = true;
    void api
      .GET('/api/v1/studies/{studyId}/subjects/{subjectId}/randomisation', {
        params: { path: { studyId, subjectId } },
      })
      .then(({ data, error, response }) => {
        if (!live) return;
        if (data) setLoaded({ kind: 'ok', value: data });
        // No randomisation in this study's protocol, or no permission to see it: no panel.
        else if (
          response.status === 403 ||
          (error as { error?: { code?: string } } | undefined)?.error?.code ===
            'RANDOMISATION_NOT_DUE'
        )
          setLoaded({ kind: 'none' });
        else setLoaded({ kind: 'problem', text: messageOf(error) });
      });
    return () => {
      live = false;
    };
  }, [studyId, subjectId, reads]);

  if (loaded.kind === 'none') return null;
  const path = { studyId, subjectId };

  const randomise = async () => {
    setProblem(null);
    const { error } = await api.POST(
      '/api/v1/studies/{studyId}/subjects/{subjectId}/randomisation',
      { params: { path } },
    );
    setConfirming(false);
    if (error) setProblem(messageOf(error));
    setReads((n) => n + 1);
  };

  const unblind = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const { data, error } = await api.POST(
      '/api/v1/studies/{studyId}/subjects/{subjectId}/randomisation/unblind',
      { params: { path }, body: { reason } },
    );
    if (error) {
      setProblem(messageOf(error));
      return;
    }
    setReason('');
    setRevealed(`${data.arm.label} (${data.arm.id})`);
    setReads((n) => n + 1);
  };

  return (
    <section aria-labelledby="randomisation-title" className="randomisation-panel">
      <h2 id="randomisation-title">Randomisation</h2>
      {loaded.kind === 'loading' && <p className="loading">Loading…</p>}
      {loaded.kind === 'problem' && <Problem text={loaded.text} />}
      {loaded.kind === 'ok' &&
        (() => {
          const r = loaded.value;
          return (
            <>
              {r.allocation ? (
                <p className="randomisation-allocated">
                  Allocated on {r.allocation.allocated.at.slice(0, 10)} by{' '}
                  {r.allocation.allocated.by.name} (stratum {stratumText(r.allocation.stratum)},
                  number {r.allocation.sequence}):{' '}
                  {r.arm ? (
                    <strong data-testid="randomisation-arm">{r.arm.label}</strong>
                  ) : (
                    <strong data-testid="randomisation-arm">blinded</strong>
                  )}
                </p>
              ) : r.due.due ? (
                <p className="randomisation-due">Due for randomisation: {r.due.reason}</p>
              ) : (
                <p className="randomisation-not-due">
                  Not yet due: {r.due.reason}
                  {r.due.missing.length > 0 && ` (missing: ${r.due.missing.join(', ')})`}
                </p>
              )}
              {r.mayAllocate && r.allocation === null && r.due.due && !confirming && (
                <button type="button" onClick={() => setConfirming(true)}>
                  Randomise
                </button>
              )}
              {confirming && (
                <fieldset className="randomisation-confirm">
                  <legend>Confirm</legend>
                  <p>
                    Randomise subject {subjectId} now? The next entry of its stratum is taken; an
                    allocation is never undone.
                  </p>
                  <button type="button" onClick={() => void randomise()}>
                    Confirm randomisation
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </fieldset>
              )}
              {r.unblindings.length > 0 && (
                <>
                  <h3>Emergency unblindings</h3>
                  <ul>
                    {r.unblindings.map((u) => (
                      <li key={u.unblindingId}>
                        {u.unblinded.at.slice(0, 16).replace('T', ' ')} UTC: {u.unblinded.by.name} (
                        {u.role}): {u.reason}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {revealed && (
                <p className="randomisation-revealed" role="status">
                  Arm revealed to you: <strong>{revealed}</strong>
                </p>
              )}
              {r.unblindingRole !== null && r.blinded && (
                <form className="randomisation-unblind" onSubmit={unblind}>
                  <h3>Emergency unblinding</h3>
                  <p>
                    Reveals this subject's arm to you, as {r.unblindingRole}. It is recorded with
                    your name and reason, and the study's team is alerted.
                  </p>
                  <label htmlFor="unblind-reason">Reason for unblinding</label>
                  <textarea
                    id="unblind-reason"
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                  />
                  <button type="submit" disabled={reason.trim() === ''}>
                    Unblind
                  </button>
                </form>
              )}
              <Problem text={problem} />
            </>
          );
        })()}
    </section>
  );
}
