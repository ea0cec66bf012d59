import { useEffect, useState } from 'react';
import { api, messageOf, type SubjectSummary } from '../api/client';
import { Problem } from '../components/forms';
import { hrefOf } from '../routes';

/** A study's subjects at the sites the user may see: enrolment by site, then each subject. */
export function StudyPage({ studyId }: { readonly studyId: string }) {
  const [subjects, setSubjects] = useState<readonly SubjectSummary[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setSubjects(null);
    setProblem(null);
    void api
      .GET('/api/v1/studies/{studyId}/subjects', { params: { path: { studyId } } })
      .then(({ data, error }) => {
        if (data) setSubjects(data.subjects);
        else setProblem(messageOf(error));
      });
  }, [studyId]);

  const bySite = new Map<string, number>();
  for (const s of subjects ?? []) bySite.set(s.site, (bySite.get(s.site) ?? 0) + 1);

  return (
    <section aria-labelledby="study-title">
      <p>
        <a href="#/">← Your studies</a>
      </p>
      <h1 id="study-title">Study {studyId}</h1>
      <Problem text={problem} />
      {subjects === null && !problem && <p className="loading">Loading…</p>}
      {subjects && (
        <>
          <h2>Enrolment by site</h2>
          <table className="numbers">
            <caption className="visually-hidden">Subjects by site</caption>
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">Subjects</th>
              </tr>
            </thead>
            <tbody>
              {[...bySite].map(([site, count]) => (
                <tr key={site}>
                  <th scope="row">{site}</th>
                  <td>{count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Subjects</h2>
          <div className="scroll">
            <table className="numbers">
              <caption className="visually-hidden">Subjects of the study</caption>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Site</th>
                  <th scope="col">ILAR category</th>
                  <th scope="col">Enrolled</th>
                  <th scope="col">Withdrawn</th>
                  <th scope="col">Visits</th>
                  <th scope="col">Last visit</th>
                </tr>
              </thead>
              <tbody>
                {subjects.map((s) => (
                  <tr key={s.subjectId}>
                    <th scope="row">
                      <a href={hrefOf({ page: 'subject', studyId, subjectId: s.subjectId })}>
                        {s.subjectId}
                      </a>
                    </th>
                    <td>{s.site}</td>
                    <td>{s.ilarCategory}</td>
                    <td>{s.enrolmentDate ?? '—'}</td>
                    <td>{s.withdrawalDate ?? '—'}</td>
                    <td>{s.visitCount}</td>
                    <td>{s.lastVisitDate ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
