/**
 * The study page's links to the data manager's and monitor's views (issue 18): the form status
 * grid for anyone who reads the clinical data, source data verification for those holding
 * `sdv.read`, the audit trail for those holding `audit.review`, the randomisation for those holding
 * `randomisation.read` (docs/roles.md).
 */
import { hrefOf } from '../../routes';
import { may, useStudyAccess } from '../review/use-study-access';

export function DataManagementLinks({ studyId }: { readonly studyId: string }) {
  const access = useStudyAccess(studyId);
  const forms = may(access, 'clinical.read', null);
  const sdv = may(access, 'sdv.read', null);
  const audit = may(access, 'audit.review', null);
  // Shown where the protocol randomises: the page says so otherwise.
  const randomisation = may(access, 'randomisation.read', null);
  if (!forms && !sdv && !audit && !randomisation) return null;
  return (
    <p className="data-management-links">
      {forms && <a href={hrefOf({ page: 'forms', studyId })}>Form status by subject and visit</a>}
      {sdv && (
        <a href={hrefOf({ page: 'sdv', studyId, subjectId: null })}>Source data verification</a>
      )}
      {audit && <a href={hrefOf({ page: 'audit', studyId, query: '' })}>Audit trail</a>}
      {randomisation && <a href={hrefOf({ page: 'randomisation', studyId })}>Randomisation</a>}
    </p>
  );
}
