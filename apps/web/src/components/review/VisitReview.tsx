/**
 * On a visit's page, beside its heading: a marker of the visit's queries not closed yet (on the
 * visit or its joint findings and CHAQ answers), opening to their threads and the steps the
 * user may take, and the visit's history. The query's own site decides the steps (it is the
 * subject's site), so the page needs no more than the visit's identity.
 */

import { QueryThread } from './QueryThread';
import { queriesOfVisit } from './query-data';
import { RecordHistory } from './RecordHistory';
import { recordKeyOf } from './record-keys';
import { useSubjectQueries } from './use-review-data';
import { may, useStudyAccess } from './use-study-access';
import './review.css';

export function VisitReview({
  studyId,
  subjectId,
  visitId,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly visitId: string;
}) {
  const access = useStudyAccess(studyId);
  const { queries, reload } = useSubjectQueries(studyId, subjectId);
  const visitKey = recordKeyOf(studyId, 'visit', { visitId });
  const open =
    queries.kind === 'ok'
      ? queriesOfVisit(queries.value, visitKey).filter((q) => q.status !== 'closed')
      : [];
  return (
    <div className="visit-review">
      {open.length > 0 && (
        <details className="query-marker">
          <summary>{open.length} query(ies) on this visit not closed</summary>
          <div className="queries">
            {open.map((q) => (
              <QueryThread
                key={q.queryId}
                studyId={studyId}
                query={q}
                access={access}
                onChanged={reload}
              />
            ))}
          </div>
        </details>
      )}
      {may(access, 'audit.read', null) && (
        <RecordHistory
          record={{ studyId, table: 'visit', recordKey: visitKey, label: `visit ${visitId}` }}
        />
      )}
    </div>
  );
}
