import { useEffect, useState } from 'react';
import { api, messageOf, type Study } from '../api/client';
import { Problem } from '../components/forms';

const roleText = (roles: Study['roles']) =>
  roles.map((r) => (r.site ? `${r.role} (${r.site})` : r.role)).join(', ');

/** The studies the user holds a role in. */
export function StudyList() {
  const [studies, setStudies] = useState<readonly Study[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void api.GET('/api/v1/studies').then(({ data, error }) => {
      if (data) setStudies(data.studies);
      else setProblem(messageOf(error));
    });
  }, []);
  return (
    <section aria-labelledby="studies-title">
      <h1 id="studies-title">Your studies</h1>
      <Problem text={problem} />
      {studies === null && !problem && <p className="loading">Loading…</p>}
      {studies?.length === 0 && <p>You hold no role in any study yet. Ask an administrator.</p>}
      {studies && studies.length > 0 && (
        <ul className="cards">
          {studies.map((study) => (
            <li key={study.studyId} className="card">
              <h2>
                <a href={`#/studies/${encodeURIComponent(study.studyId)}`}>
                  {study.title ?? study.studyId}
                </a>
              </h2>
              <dl>
                <dt>Study</dt>
                <dd>{study.studyId}</dd>
                <dt>Protocol</dt>
                <dd>{study.protocolId ?? 'not set'}</dd>
                <dt>Sites</dt>
                <dd>{study.sites.map((s) => s.code).join(', ') || 'none'}</dd>
                <dt>Your roles</dt>
                <dd>{roleText(study.roles)}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
