/**
 * A subject's page (issue 13): key facts, the engine's alerts and decisions with its reasons,
 * JADAS and active-joint trends, the timeline, signatures and open queries. The status is
 * evaluated on a day the user may change (default: the server's today), so that an alert of an
 * earlier day (a MAS episode) can be seen and acknowledged as it was raised.
 */
import { type FormEvent, useState } from 'react';
import { TransferSubject } from '../components/data-management/TransferSubject';
import { Problem } from '../components/forms';
import { LockBanner, LockControls } from '../components/locks/LockPanel';
import { useRecordLocks } from '../components/locks/use-locks';
import { RandomisationPanel } from '../components/randomisation/RandomisationPanel';
import { RecordEntry } from '../components/records/RecordEntry';
import { SubjectReview } from '../components/review/SubjectReview';
import { may, useStudyAccess } from '../components/review/use-study-access';
import { AlertList } from '../components/subject/AlertList';
import { EligibilityStatus, RetreatmentStatus } from '../components/subject/StatusPanel';
import { SubjectHeader } from '../components/subject/SubjectHeader';
import { SubjectTimeline } from '../components/subject/SubjectTimeline';
import { SubjectTrends } from '../components/subject/SubjectTrends';
import { timelineEvents } from '../components/subject/timeline-events';
import { useSubjectPage } from '../components/subject/use-subject-page';
import { hrefOf } from '../routes';

function StatusDay({
  asOf,
  onDay,
}: {
  readonly asOf: string | null;
  readonly onDay: (day: string | null) => void;
}) {
  const [day, setDay] = useState(asOf ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onDay(day === '' ? null : day);
  };
  return (
    <form className="status-day" onSubmit={submit}>
      <label htmlFor="status-day">Status on (empty: today)</label>
      <input
        id="status-day"
        type="text"
        placeholder="YYYY-MM-DD"
        value={day}
        onChange={(e) => setDay(e.target.value)}
      />
      <button type="submit">Show</button>
    </form>
  );
}

export function SubjectPage({
  studyId,
  subjectId,
}: {
  readonly studyId: string;
  readonly subjectId: string;
}) {
  const [asOf, setAsOf] = useState<string | null>(null);
  const { subject, status, reloadStatus, reload } = useSubjectPage(studyId, subjectId, asOf);
  const locks = useRecordLocks(studyId, { subjectId });
  const access = useStudyAccess(studyId);

  if (subject.kind !== 'ok')
    return (
      <section aria-labelledby="subject-title">
        <p>
          <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
        </p>
        <h1 id="subject-title">Subject {subjectId}</h1>
        {subject.kind === 'loading' && <p className="loading">Loading…</p>}
        {subject.kind === 'not_found' && (
          <Problem
            text={`Subject ${subjectId} was not found in study ${studyId}, or is not at a site you can see.`}
          />
        )}
        {subject.kind === 'problem' && <Problem text={subject.text} />}
      </section>
    );

  const { records, abilities } = subject;
  const evaluated = status.kind === 'ok' ? status.value : null;
  // A lock of the casebook or of the study covers the subject's own records (a visit's lock
  // shows on the visit's page).
  const lockState = locks.state;
  const mayWrite = abilities.clinicalWrite && locks.loaded && lockState.dataEditable;
  return (
    <section aria-labelledby="subject-title" className="subject-page">
      <SubjectHeader studyId={studyId} facts={records.facts} status={status} mayWrite={mayWrite} />
      <LockBanner state={lockState} />
      {may(access, 'lock.manage', records.facts.site) ? (
        <LockControls
          studyId={studyId}
          scope="subject"
          lockKey={subjectId}
          inForce={locks.own}
          onChanged={locks.reload}
        />
      ) : null}

      <section aria-labelledby="status-title">
        <h2 id="status-title">Status{evaluated && ` on ${evaluated.asOf}`}</h2>
        <StatusDay asOf={asOf} onDay={setAsOf} />
        {status.kind === 'loading' && <p className="loading">Loading…</p>}
        {status.kind === 'problem' && <Problem text={status.text} />}
        {evaluated && (
          <>
            <h3 id="alerts-title">Alerts</h3>
            <AlertList
              target={{ studyId, subjectId, asOf: evaluated.asOf }}
              alerts={evaluated.alerts}
              mayAcknowledge={abilities.acknowledgeAlerts}
              onAcknowledged={reloadStatus}
            />
            <div className="status-cards">
              <RetreatmentStatus status={evaluated} />
              <EligibilityStatus status={evaluated} />
            </div>
          </>
        )}
      </section>

      <RandomisationPanel studyId={studyId} subjectId={subjectId} />

      {lockState.dataEditable ? (
        <RecordEntry studyId={studyId} subjectId={subjectId} onSaved={reload} />
      ) : null}

      <section aria-labelledby="trends-title">
        <h2 id="trends-title">Trends</h2>
        <SubjectTrends records={records} />
      </section>

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <SubjectTimeline
          studyId={studyId}
          subjectId={subjectId}
          events={timelineEvents(records, evaluated?.alerts ?? [], evaluated?.asOf ?? null)}
        />
      </section>

      <SubjectReview studyId={studyId} subjectId={subjectId} records={records} />

      <TransferSubject
        studyId={studyId}
        subjectId={subjectId}
        site={records.facts.site}
        onTransferred={reload}
      />
    </section>
  );
}
