import { hrefOf } from '../routes';

/** A visit's entry (issue 13: the body map, globals, CHAQ, labs, live scores). */
export function VisitEntry({
  studyId,
  subjectId,
  visitId,
}: {
  readonly studyId: string;
  readonly subjectId: string;
  readonly visitId: string | null;
}) {
  return (
    <section aria-labelledby="visit-title">
      <p>
        <a href={hrefOf({ page: 'subject', studyId, subjectId })}>← Subject {subjectId}</a>
      </p>
      <h1 id="visit-title">{visitId === null ? 'New visit' : `Visit ${visitId}`}</h1>
    </section>
  );
}
