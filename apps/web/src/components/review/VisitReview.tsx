/**
 * On a visit's page, beside its heading: a marker of the visit's queries not closed yet (on the
 * visit or its joint findings and CHAQ answers), opening to their threads and the steps the
 * user may take; raising a query on the visit, one of its fields, a joint finding or a CHAQ
 * answer; and the history of the visit and of each of its stored parts. The page reads the
 * queries (it also marks the fields they name), and each control appears only for a role holding
 * its permission at the subject's site.
 */

import type { StudyAccess } from '@jia-trial/dictionary';
import type { Loaded } from '../subject/use-subject-page';
import { QueryThread } from './QueryThread';
import { type QueryItem, queriesOfVisit } from './query-data';
import { type QueryableRecord, RaiseQuery } from './RaiseQuery';
import { RecordHistory } from './RecordHistory';
import { may } from './use-study-access';
import './review.css';

export function VisitReview({
  studyId,
  site,
  visit,
  parts,
  access,
  queries,
  onQueriesChanged,
}: {
  readonly studyId: string;
  /** The subject's site: where the user's permissions are looked up. */
  readonly site: string;
  /** The visit itself, as a query and the history name it. */
  readonly visit: QueryableRecord;
  /** Its stored joint findings and CHAQ answers, which a query may also name. */
  readonly parts: readonly QueryableRecord[];
  readonly access: StudyAccess | null;
  readonly queries: Loaded<QueryItem[]>;
  readonly onQueriesChanged: () => void;
}) {
  const open =
    queries.kind === 'ok'
      ? queriesOfVisit(queries.value, visit.recordKey).filter((q) => q.status !== 'closed')
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
                onChanged={onQueriesChanged}
              />
            ))}
          </div>
        </details>
      )}
      {may(access, 'query.raise', site) && (
        <RaiseQuery studyId={studyId} records={[visit, ...parts]} onRaised={onQueriesChanged} />
      )}
      {may(access, 'audit.read', site) && (
        <>
          <RecordHistory record={{ studyId, ...visit }} />
          {parts.length > 0 && (
            <details className="part-histories">
              <summary>History of its joint findings and CHAQ answers ({parts.length})</summary>
              <ul className="record-list">
                {parts.map((part) => (
                  <li key={`${part.table}:${part.recordKey}`}>
                    <span>{part.label}</span>
                    <RecordHistory record={{ studyId, ...part }} />
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </div>
  );
}
