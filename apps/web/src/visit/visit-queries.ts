/**
 * The data queries of the visit page: the subject's queries (read again after each step), the
 * user's access, the records a query may name (the visit, its stored joint findings and CHAQ
 * answers) and how many open queries name each of the visit's fields (the marker beside it).
 */
import { findJoint } from '@jia-trial/outcomes';
import { useMemo } from 'react';
import { jointLabel } from '../components/body-map-layout';
import { openQueriesByField } from '../components/review/query-data';
import type { QueryableRecord } from '../components/review/RaiseQuery';
import { recordKeyOf } from '../components/review/record-keys';
import { useSubjectQueries } from '../components/review/use-review-data';
import { useStudyAccess } from '../components/review/use-study-access';
import { labelOf } from '../components/subject/format';
import type { StoredVisitState } from './save-visit';

/** The visit and its stored parts, as a query and the audit trail name them. */
export function queryableOfVisit(
  studyId: string,
  visitId: string,
  visitDate: string,
  stored: StoredVisitState,
): { readonly visit: QueryableRecord; readonly parts: QueryableRecord[] } {
  const visit = {
    table: 'visit' as const,
    recordKey: recordKeyOf(studyId, 'visit', { visitId }),
    label: `Visit ${visitId}${visitDate ? ` (${visitDate})` : ''}`,
  };
  const joints = Object.keys(stored.joints).map((jointCode) => {
    const joint = findJoint(jointCode);
    return {
      table: 'joint_finding' as const,
      recordKey: recordKeyOf(studyId, 'joint_finding', { visitId, jointCode }),
      label: `Joint finding: ${joint ? jointLabel(joint) : jointCode}`,
    };
  });
  const answers = Object.keys(stored.chaq).map((item) => ({
    table: 'chaq_response' as const,
    recordKey: recordKeyOf(studyId, 'chaq_response', { visitId, item }),
    label: `CHAQ answer: ${labelOf('chaq_item', item)}`,
  }));
  return { visit, parts: [...joints, ...answers] };
}

export function useVisitQueries(studyId: string, subjectId: string, visitKey: string | null) {
  const access = useStudyAccess(studyId);
  const { queries, reload } = useSubjectQueries(studyId, subjectId);
  const byField = useMemo(
    () =>
      queries.kind === 'ok' && visitKey !== null
        ? openQueriesByField(queries.value, visitKey)
        : new Map<string, number>(),
    [queries, visitKey],
  );
  return { access, queries, reload, byField };
}
