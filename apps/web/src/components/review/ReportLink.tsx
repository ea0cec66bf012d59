/**
 * The study page's links to the report (a role holding `report.read`) and to its accounts and
 * access (`admin.manage` or `access.review`; docs/roles.md).
 */
import { hrefOf } from '../../routes';
import { may, useStudyAccess } from './use-study-access';

export function ReportLink({ studyId }: { readonly studyId: string }) {
  const access = useStudyAccess(studyId);
  const report = may(access, 'report.read', null);
  // Accounts and access: for those who manage or review it (docs/roles.md).
  const accounts = may(access, 'admin.manage', null) || may(access, 'access.review', null);
  if (!report && !accounts) return null;
  return (
    <p>
      {report && <a href={hrefOf({ page: 'report', studyId })}>The study's report</a>}
      {report && accounts && ' · '}
      {accounts && <a href={hrefOf({ page: 'access', studyId })}>Accounts and access</a>}
    </p>
  );
}
