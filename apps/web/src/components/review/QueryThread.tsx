/**
 * One data query: what it is about, its thread (question, answer, closing, reopening, each with
 * who and when in UTC) and the steps the user may take now. A step is offered only when the
 * query's state allows it and the user's role holds its permission at the query's site
 * (query.answer, query.close, query.reopen; docs/roles.md); each sends the version it was based
 * on (If-Match), so a step taken on a query someone changed meanwhile is refused in words.
 */
import type { Permission, StudyAccess } from '@jia-trial/dictionary';
import { type FormEvent, useId, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import { utcText } from '../subject/format';
import { allowedSteps, type QueryItem } from './query-data';
import { fieldLabel, recordLabel } from './record-keys';
import { may } from './use-study-access';
import './review.css';

const STEP_PERMISSION: Readonly<Record<'answer' | 'close' | 'reopen', Permission>> = {
  answer: 'query.answer',
  close: 'query.close',
  reopen: 'query.reopen',
};

const STEP_TEXT: Readonly<Record<string, string>> = {
  raised: 'Raised',
  answered: 'Answered',
  closed: 'Closed',
  reopened: 'Reopened',
};

const STATUS_TEXT: Readonly<Record<string, string>> = {
  open: 'Open',
  answered: 'Answered',
  closed: 'Closed',
};

/** What a query is about, in words: "Visit demo/D01-W8, field ESR (mm/h)". */
export function queryTarget(q: QueryItem): string {
  return `${recordLabel(q.table)} ${q.recordKey}${q.field ? `, field ${fieldLabel(q.table, q.field)}` : ''}`;
}

type Step = 'answer' | 'close' | 'reopen';

async function takeStep(studyId: string, q: QueryItem, step: Step, response: string) {
  const params = {
    path: { studyId, queryId: q.queryId },
    header: { 'if-match': String(q.version) },
  };
  if (step === 'answer')
    return api.POST('/api/v1/studies/{studyId}/queries/{queryId}/answer', {
      params,
      body: { response },
    });
  if (step === 'close')
    return api.POST('/api/v1/studies/{studyId}/queries/{queryId}/close', { params, body: {} });
  return api.POST('/api/v1/studies/{studyId}/queries/{queryId}/reopen', { params, body: {} });
}

export function QueryThread({
  studyId,
  query,
  access,
  onChanged,
}: {
  readonly studyId: string;
  readonly query: QueryItem;
  readonly access: StudyAccess | null;
  readonly onChanged: () => void;
}) {
  const [answering, setAnswering] = useState(false);
  const [response, setResponse] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const answerId = useId();
  const steps = allowedSteps(query.status).filter((s) =>
    may(access, STEP_PERMISSION[s], query.site),
  );

  const run = async (step: Step) => {
    setBusy(true);
    setProblem(null);
    const { error } = await takeStep(studyId, query, step, response);
    setBusy(false);
    if (error) setProblem(messageOf(error));
    else {
      setAnswering(false);
      setResponse('');
      onChanged();
    }
  };
  const submitAnswer = (event: FormEvent) => {
    event.preventDefault();
    void run('answer');
  };

  return (
    <article className={`query query-${query.status}`} aria-label={`Query ${query.queryId}`}>
      <p className="query-head">
        <strong>Query {query.queryId}</strong> ·{' '}
        <span className="query-status">{STATUS_TEXT[query.status] ?? query.status}</span> ·{' '}
        {queryTarget(query)}
      </p>
      <ol className="thread">
        {query.thread.map((s) => (
          <li key={s.step}>
            <span className="thread-step">{STEP_TEXT[s.step]}</span> by {s.by}, {utcText(s.at)}
            {s.text !== null && <q>{s.text}</q>}
          </li>
        ))}
      </ol>
      <Problem text={problem} />
      {answering ? (
        <form className="query-answer" onSubmit={submitAnswer}>
          <label htmlFor={answerId}>Answer to query {query.queryId}</label>
          <textarea
            id={answerId}
            value={response}
            onChange={(e) => setResponse(e.target.value)}
            required
            maxLength={2000}
            rows={2}
          />
          <div className="actions">
            <button type="submit" disabled={busy || response.trim() === ''}>
              Send answer
            </button>
            <button type="button" className="secondary" onClick={() => setAnswering(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        steps.length > 0 && (
          <div className="actions">
            {steps.includes('answer') && (
              <button type="button" onClick={() => setAnswering(true)}>
                Answer<span className="visually-hidden"> query {query.queryId}</span>
              </button>
            )}
            {steps.includes('close') && (
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => void run('close')}
              >
                Close<span className="visually-hidden"> query {query.queryId}</span>
              </button>
            )}
            {steps.includes('reopen') && (
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => void run('reopen')}
              >
                Reopen<span className="visually-hidden"> query {query.queryId}</span>
              </button>
            )}
          </div>
        )
      )}
    </article>
  );
}
