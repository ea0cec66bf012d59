/** The study page's link to the report, only for a role holding `report.read` (docs/roles.md). */
import { hrefOf } from '../../routes';
import { may, useStudyAccess } from './use-study-access';

export function ReportLink({ studyId }: { readonly studyId: string }) {
  const access = useStudyAccess(studyId);
  if (!may(access, 'report.read', null)) return null;
  return (
    <p>
      <a href={hrefOf({ page: 'report', studyId })}>The study's report</a>
    </p>
  );
}
