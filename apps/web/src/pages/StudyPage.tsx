import { allows, studyAccess } from '@jia-trial/dictionary';
import { useEffect, useState } from 'react';
import { api, messageOf, type Study, type SubjectSummary } from '../api/client';
import {
  AlertList,
  type Dashboard,
  DueVisits,
  Enrolment,
  ReviewWork,
} from '../components/dashboard';
import { DataManagementLinks } from '../components/data-management/DataManagementLinks';
import { EnrolSubject } from '../components/EnrolSubject';
import { Problem } from '../components/forms';
import { LockBanner, LockControls, LockList } from '../components/locks/LockPanel';
import { lockStateFor, useLocks } from '../components/locks/use-locks';
import { QualityLink } from '../components/quality/QualityLink';
import { ReportLink } from '../components/review/ReportLink';
import { labelOf } from '../components/subject/format';
import { grantsOf } from '../components/subject/permissions';
import { ColumnHeads } from '../components/table';
import { hrefOf } from '../routes';

/**
 * A study's dashboard (alerts safety first, visits due, review work, enrolment by site) and its
 * subjects at the sites the user may see.
 */
export function StudyPage({ studyId }: { readonly studyId: string }) {
  const [subjects, setSubjects] = useState<readonly SubjectSummary[] | null>(null);
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [study, setStudy] = useState<Study | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Bumped after an enrolment: the subjects and the dashboard are read again.
  const [reads, setReads] = useState(0);
  const locks = useLocks(studyId, { all: true });
  useEffect(() => {
    void reads;
    setProblem(null);
    const path = { params: { path: { studyId } } };
    void Promise.all([
      api.GET('/api/v1/studies/{studyId}/subjects', path),
      api.GET('/api/v1/studies/{studyId}/dashboard', path),
      api.GET('/api/v1/studies'),
    ]).then(([listed, board, studies]) => {
      if (listed.data) setSubjects(listed.data.subjects);
      if (board.data) setDashboard(board.data);
      setStudy(studies.data?.studies.find((s) => s.studyId === studyId) ?? null);
      if (!listed.data || !board.data) setProblem(messageOf(listed.error ?? board.error));
    });
  }, [studyId, reads]);

  // The sites where the user may enrol, by the role policy the server enforces.
  const access = studyAccess(grantsOf(study ?? undefined));
  const enrolSites = (study?.sites ?? [])
    .map((s) => s.code)
    .filter((site) => allows(access, 'enrolment.write', site));

  const studyLock =
    locks.locks?.find((l) => l.scope === 'study' && l.key === studyId && l.inForce) ?? null;
  // No subject is '': only the study's own lock covers this target.
  const studyLockState = lockStateFor(locks.locks, { subjectId: '' });

  return (
    <section aria-labelledby="study-title">
      <p>
        <a href="#/">← Your studies</a>
      </p>
      <h1 id="study-title">Study {studyId}</h1>
      <ReportLink studyId={studyId} />
      <DataManagementLinks studyId={studyId} />
      <QualityLink studyId={studyId} />
      <Problem text={problem} />
      <LockBanner state={studyLockState} />
      {subjects === null && !problem && <p className="loading">Loading…</p>}
      {dashboard && (
        <>
          <p className="as-of">
            As of {dashboard.asOf}, protocol {dashboard.protocol.id} version{' '}
            {dashboard.protocol.version}
          </p>
          <div className="dashboard">
            <AlertList studyId={studyId} alerts={dashboard.alerts} />
            <DueVisits studyId={studyId} visits={dashboard.visits} />
            <ReviewWork
              studyId={studyId}
              queries={dashboard.queries}
              unsigned={dashboard.unsignedVisits}
            />
            <Enrolment rows={dashboard.enrolment} />
          </div>
        </>
      )}
      {subjects && (
        <>
          <h2>Subjects</h2>
          <div className="scroll">
            <table className="numbers">
              <caption className="visually-hidden">Subjects of the study</caption>
              <ColumnHeads
                names={[
                  'Subject',
                  'Site',
                  'ILAR category',
                  'Enrolled',
                  'Withdrawn',
                  'Visits',
                  'Last visit',
                ]}
              />
              <tbody>
                {subjects.map((s) => (
                  <tr key={s.subjectId}>
                    <th scope="row">
                      <a href={hrefOf({ page: 'subject', studyId, subjectId: s.subjectId })}>
                        {s.subjectId}
                      </a>
                    </th>
                    <td>{s.site}</td>
                    <td>{labelOf('ilar_category', s.ilarCategory)}</td>
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
      <section aria-labelledby="locks-title">
        <h2 id="locks-title">Locks</h2>
        {locks.locks && <LockList locks={locks.locks} />}
        <Problem text={locks.problem} />
        {allows(access, 'lock.manage', null) && (
          <LockControls
            studyId={studyId}
            scope="study"
            lockKey={studyId}
            inForce={studyLock}
            onChanged={locks.reload}
          />
        )}
      </section>
      {enrolSites.length > 0 && !studyLock && (
        <EnrolSubject
          studyId={studyId}
          sites={enrolSites}
          onEnrolled={() => setReads((n) => n + 1)}
        />
      )}
    </section>
  );
}
