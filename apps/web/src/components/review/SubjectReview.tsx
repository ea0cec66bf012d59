/**
 * The subject page's review: signatures (intact or broken in words, with the changed records)
 * and signing; the subject's data queries with their threads and steps, and raising one; and
 * the history of each visit, infusion and adverse event. Each control appears only for a role
 * holding its permission at the subject's site (docs/roles.md); the others do not see it.
 */
import { Problem } from '../forms';
import { SignatureList } from '../subject/ReviewPanel';
import type { SubjectRecords } from '../subject/subject-data';
import { QueryThread } from './QueryThread';
import { RaiseQuery } from './RaiseQuery';
import { RecordHistory } from './RecordHistory';
import { SignForm } from './SignForm';
import { reviewableRecords } from './subject-records';
import { useSignatures, useSubjectQueries } from './use-review-data';
import { may, useStudyAccess } from './use-study-access';
import './review.css';

export function SubjectReview({
  studyId,
  subjectId,
  records,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly records: SubjectRecords;
}) {
  const access = useStudyAccess(studyId);
  const site = records.facts.site;
  const { signatures, reload: reloadSignatures } = useSignatures(studyId, subjectId);
  const { queries, reload: reloadQueries } = useSubjectQueries(studyId, subjectId);
  const reviewable = reviewableRecords(studyId, subjectId, records);
  const items = queries.kind === 'ok' ? queries.value : [];
  const unresolved = items.filter((q) => q.status !== 'closed');
  const closed = items.filter((q) => q.status === 'closed');
  const count = (status: string) => items.filter((q) => q.status === status).length;

  return (
    <>
      <section aria-labelledby="signatures-title">
        <h2 id="signatures-title">Signatures</h2>
        <SignatureList signatures={signatures} />
        {may(access, 'sign', site) && (
          <SignForm
            studyId={studyId}
            subjectId={subjectId}
            visitIds={records.visits.map((v) => v.visitId)}
            onSigned={reloadSignatures}
          />
        )}
      </section>

      <section aria-labelledby="queries-title">
        <h2 id="queries-title">Queries</h2>
        {queries.kind === 'loading' && <p className="loading">Loading…</p>}
        {queries.kind === 'problem' && <Problem text={queries.text} />}
        {queries.kind === 'ok' && (
          <p>
            {count('open')} open, {count('answered')} answered, {closed.length} closed.
          </p>
        )}
        <div className="queries">
          {unresolved.map((q) => (
            <QueryThread
              key={q.queryId}
              studyId={studyId}
              query={q}
              access={access}
              onChanged={reloadQueries}
            />
          ))}
        </div>
        {closed.length > 0 && (
          <details className="closed-queries">
            <summary>Closed queries ({closed.length})</summary>
            <div className="queries">
              {closed.map((q) => (
                <QueryThread
                  key={q.queryId}
                  studyId={studyId}
                  query={q}
                  access={access}
                  onChanged={reloadQueries}
                />
              ))}
            </div>
          </details>
        )}
        {may(access, 'query.raise', site) && (
          <RaiseQuery studyId={studyId} records={reviewable} onRaised={reloadQueries} />
        )}
      </section>

      {may(access, 'audit.read', site) && (
        <section aria-labelledby="history-title">
          <h2 id="history-title">Record history</h2>
          <ul className="record-list">
            {reviewable.map((r) => (
              <li key={`${r.table}:${r.recordKey}`}>
                <span>{r.label}</span>
                <RecordHistory
                  record={{ studyId, table: r.table, recordKey: r.recordKey, label: r.label }}
                />
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
