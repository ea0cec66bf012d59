import { StudyReport } from '../components/review/StudyReport';
import { hrefOf } from '../routes';

/** The study's report and exports (issue 13), for the roles that may see them. */
export function ReportPage({ studyId }: { readonly studyId: string }) {
  return (
    <section aria-labelledby="report-title">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <h1 id="report-title">Report of study {studyId}</h1>
      <StudyReport studyId={studyId} />
    </section>
  );
}
