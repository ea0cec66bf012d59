/**
 * The study page's link to the data-quality page, for a role that reads the discrepancies
 * (`clinical.read`) or runs the checks (`quality.check`) at some site (docs/roles.md): the DSMB,
 * which reads pseudonymised data only, has none.
 */
import { hrefOf } from '../../routes';
import { may, useStudyAccess } from '../review/use-study-access';

export function QualityLink({ studyId }: { readonly studyId: string }) {
  const access = useStudyAccess(studyId);
  if (!may(access, 'clinical.read', null) && !may(access, 'quality.check', null)) return null;
  return (
    <p>
      <a href={hrefOf({ page: 'quality', studyId })}>Data quality: checks and discrepancies</a>
    </p>
  );
}
