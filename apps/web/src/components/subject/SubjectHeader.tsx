/**
 * The subject's key facts: site, ILAR category, enrolment and withdrawal, the engine's state.
 * "New visit" appears only for a role that may write clinical data at the subject's site.
 */
import { hrefOf } from '../../routes';
import { labelOf, wordsOf } from './format';
import type { SubjectFacts, SubjectStatus } from './subject-data';
import type { Loaded } from './use-subject-page';
import './subject.css';

export function SubjectHeader({
  studyId,
  facts,
  status,
  mayWrite,
}: {
  readonly studyId: string;
  readonly facts: SubjectFacts;
  readonly status: Loaded<SubjectStatus>;
  readonly mayWrite: boolean;
}) {
  const state = status.kind === 'ok' ? status.value : null;
  return (
    <header className="subject-header">
      <p>
        <a href={hrefOf({ page: 'study', studyId })}>← Study {studyId}</a>
      </p>
      <div className="subject-title">
        <h1 id="subject-title">Subject {facts.subjectId}</h1>
        {mayWrite && (
          <a
            className="button-link"
            href={hrefOf({ page: 'visit', studyId, subjectId: facts.subjectId, visitId: null })}
          >
            New visit
          </a>
        )}
      </div>
      <dl className="subject-facts">
        <dt>Site</dt>
        <dd>{facts.site}</dd>
        <dt>ILAR category</dt>
        <dd>{labelOf('ilar_category', facts.ilarCategory)}</dd>
        <dt>Enrolled</dt>
        <dd>{facts.enrolmentDate ?? 'not enrolled (screened)'}</dd>
        <dt>Withdrawn</dt>
        <dd>
          {facts.withdrawalDate
            ? `${facts.withdrawalDate}${facts.withdrawalReason ? ` (${facts.withdrawalReason})` : ''}`
            : 'no'}
        </dd>
        <dt>State</dt>
        <dd>
          {state ? (
            <>
              <strong>{wordsOf(state.state)}</strong>
              {state.stateReason && <span className="muted"> — {state.stateReason}</span>}
            </>
          ) : status.kind === 'loading' ? (
            'Loading…'
          ) : (
            'not known'
          )}
        </dd>
      </dl>
    </header>
  );
}
