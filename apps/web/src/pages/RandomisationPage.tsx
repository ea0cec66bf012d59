/**
 * A study's randomisation (issue 18; docs/data-management.md, "Randomisation"), for data
 * managers and monitors: the protocol's rule (arms, block sizes, strata, the step, who is
 * blinded and who may unblind), the sealed list's header (digests, who generated it and when)
 * with each stratum's allocated and remaining entries, the emergency unblindings, and for
 * `randomisation.generate` the button that generates the list once (a seed may be given).
 * Never an arm of a subject: the list's entries stay sealed.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { paths } from '../api/schema.generated';
import { Problem } from '../components/forms';
import '../components/randomisation/randomisation.css';
import { stratumText } from '../components/randomisation/stratum-text';
import { may, useStudyAccess } from '../components/review/use-study-access';
import { hrefOf } from '../routes';

type StudyRandomisation =
  paths['/api/v1/studies/{studyId}/randomisation']['get']['responses'][200]['content']['application/json'];

export function RandomisationPage({ studyId }: { readonly studyId: string }) {
  const access = useStudyAccess(studyId);
  const [read, setRead] = useState<StudyRandomisation | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [seed, setSeed] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [reads, setReads] = useState(0);

  useEffect(() => {
    void reads;
    void api
      .GET('/api/v1/studies/{studyId}/randomisation', { params: { path: { studyId } } })
      .then(({ data, error }) => {
        setRead(data ?? null);
        if (!data) setProblem(messageOf(error));
      });
  }, [studyId, reads]);

  const generate = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const { error } = await api.POST('/api/v1/studies/{studyId}/randomisation/list', {
      params: { path: { studyId } },
      body: seed.trim() === '' ? {} : { seed: seed.trim() },
    });
    setConfirming(false);
    if (error) setProblem(messageOf(error));
    setReads((n) => n + 1);
  };

  const list = read?.list ?? null;
  return (
    <section aria-labelledby="randomisation-page-title" className="randomisation-page">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <h1 id="randomisation-page-title">Randomisation</h1>
      <Problem text={problem} />
      {read && (
        <>
          <dl className="randomisation-rule">
            <dt>Protocol</dt>
            <dd>
              {read.protocol.id} {read.protocol.version}
            </dd>
            <dt>Arms (ratio)</dt>
            <dd>{read.arms.map((a) => `${a.label} (${a.ratio})`).join(', ')}</dd>
            <dt>Block sizes</dt>
            <dd>{read.blockSizes?.join(', ') ?? 'withheld from blinded roles'}</dd>
            <dt>Strata by</dt>
            <dd>{read.strata.length > 0 ? read.strata.join(', ') : 'none (one stratum)'}</dd>
            <dt>Randomised at</dt>
            <dd>visit {read.stepVisit}</dd>
            <dt>Blinded roles</dt>
            <dd>{read.blindedRoles.join(', ') || 'none (open label)'}</dd>
            <dt>May unblind</dt>
            <dd>{read.unblindingRoles.join(', ') || 'nobody'}</dd>
            <dt>You</dt>
            <dd>{read.blinded ? 'blinded: you see no arm' : 'not blinded'}</dd>
          </dl>
          <h2>Allocation list</h2>
          {list ? (
            <>
              <dl className="randomisation-header">
                <dt>Generated</dt>
                <dd>
                  {list.generated.at.slice(0, 16).replace('T', ' ')} UTC by {list.generated.by.name}
                </dd>
                <dt>List digest (SHA-256)</dt>
                <dd>
                  <code data-testid="list-digest">{list.listDigest}</code>
                </dd>
                <dt>Seed digest (SHA-256)</dt>
                <dd>
                  <code>{list.seedDigest}</code>
                </dd>
                <dt>Entries</dt>
                <dd>{list.entryCount}</dd>
              </dl>
              <table className="randomisation-strata">
                <thead>
                  <tr>
                    <th scope="col">Stratum</th>
                    <th scope="col">Allocated</th>
                    <th scope="col">Remaining</th>
                    <th scope="col">Entries</th>
                  </tr>
                </thead>
                <tbody>
                  {list.strata.map((s) => (
                    <tr key={s.stratum}>
                      <th scope="row">{stratumText(s.stratum)}</th>
                      <td>{s.allocated}</td>
                      <td>{s.remaining}</td>
                      <td>{s.size}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p>No allocation list yet: no subject can be randomised.</p>
          )}
          {!list && may(access, 'randomisation.generate', null) && (
            <form className="randomisation-generate" onSubmit={generate}>
              <label htmlFor="randomisation-seed">
                Seed (lower-case hex, at least 32 digits; empty: 32 random bytes)
              </label>
              <input
                id="randomisation-seed"
                type="text"
                value={seed}
                onChange={(e) => setSeed(e.target.value)}
              />
              {confirming ? (
                <>
                  <p>
                    The list is generated once and sealed: it cannot be replaced. Generate it now?
                  </p>
                  <button type="submit">Confirm: generate the list</button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    Cancel
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => setConfirming(true)}>
                  Generate allocation list
                </button>
              )}
            </form>
          )}
          <h2>Emergency unblindings</h2>
          {read.unblindings.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul>
              {read.unblindings.map((u) => (
                <li key={u.unblindingId}>
                  {u.unblindingId} {u.unblinded.at.slice(0, 16).replace('T', ' ')} UTC: subject{' '}
                  <a href={hrefOf({ page: 'subject', studyId, subjectId: u.subjectId })}>
                    {u.subjectId}
                  </a>{' '}
                  by {u.unblinded.by.name} ({u.role}): {u.reason}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
