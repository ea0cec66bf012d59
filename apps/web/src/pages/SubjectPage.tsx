import { hrefOf } from '../routes';

/** A subject's page (issue 13: timeline, trends, status with the engine's reasons). */
export function SubjectPage({
  studyId,
  subjectId,
}: {
  readonly studyId: string;
  readonly subjectId: string;
}) {
  return (
    <section aria-labelledby="subject-title">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <h1 id="subject-title">Subject {subjectId}</h1>
    </section>
  );
}
