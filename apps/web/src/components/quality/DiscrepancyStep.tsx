/**
 * One step on a discrepancy, as a small form under its row: exclude it with a reason
 * (`quality.exclude`), take the exclusion back with a reason, or turn it into a data query on its
 * record and field in one step (`query.raise`; the question defaults to the discrepancy's
 * message). Each sends the version the user saw (If-Match), so a step on a discrepancy a check or
 * another person changed meanwhile is refused in words (409 VERSION_CONFLICT) and the list is read
 * again; what was typed stays in the form.
 */
import { type FormEvent, useId, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import type { Discrepancy } from './quality-data';

export type Step = 'exclude' | 'reinstate' | 'query';

const STEP_TEXT: Readonly<
  Record<Step, { title: string; label: string; submit: string; done: string }>
> = {
  exclude: {
    title: 'Exclude',
    label: 'Reason (why it needs no correction)',
    submit: 'Exclude',
    done: 'excluded',
  },
  reinstate: {
    title: 'Take back the exclusion of',
    label: 'Reason for taking the exclusion back',
    submit: 'Take back the exclusion',
    done: 'open again',
  },
  query: {
    title: 'Raise a query on',
    label: 'Question to the site',
    submit: 'Raise the query',
    done: 'turned into a data query',
  },
};

async function send(studyId: string, d: Discrepancy, step: Step, text: string) {
  const params = {
    path: { studyId, discrepancyId: d.discrepancyId },
    header: { 'if-match': String(d.version) },
  };
  if (step === 'exclude')
    return api.POST('/api/v1/studies/{studyId}/discrepancies/{discrepancyId}/exclusion', {
      params,
      body: { reason: text },
    });
  if (step === 'reinstate')
    return api.DELETE('/api/v1/studies/{studyId}/discrepancies/{discrepancyId}/exclusion', {
      params,
      body: { reason: text },
    });
  return api.POST('/api/v1/studies/{studyId}/discrepancies/{discrepancyId}/query', {
    params,
    body: { question: text },
  });
}

export function DiscrepancyStep({
  studyId,
  discrepancy,
  step,
  onDone,
  onCancel,
  onStale,
}: {
  readonly studyId: string;
  readonly discrepancy: Discrepancy;
  readonly step: Step;
  /** After the step: what happened, in words. */
  readonly onDone: (notice: string) => void;
  readonly onCancel: () => void;
  /** The discrepancy changed meanwhile: the list is read again. */
  readonly onStale: () => void;
}) {
  const words = STEP_TEXT[step];
  const id = discrepancy.discrepancyId;
  const [text, setText] = useState(step === 'query' ? discrepancy.message : '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const textId = useId();
  const titleId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const { data, error } = await send(studyId, discrepancy, step, text.trim());
    setBusy(false);
    if (data) {
      onDone(`${id} ${words.done}.`);
      return;
    }
    const code = (error as { error?: { code?: string } } | undefined)?.error?.code;
    setProblem(
      code === 'VERSION_CONFLICT'
        ? `Not done: ${id} was changed meanwhile (by a check or another person). The list now shows it as stored; look again and repeat the step.`
        : `Not done: ${messageOf(error)}.`,
    );
    if (code === 'VERSION_CONFLICT' || code === 'INVALID_TRANSITION') onStale();
  };

  return (
    <form className="discrepancy-step" onSubmit={submit} aria-labelledby={titleId}>
      <h4 id={titleId}>
        {words.title} {id}
      </h4>
      <label htmlFor={textId}>{words.label}</label>
      <textarea
        id={textId}
        value={text}
        onChange={(e) => setText(e.target.value)}
        required
        maxLength={step === 'query' ? 2000 : 500}
        rows={2}
      />
      <Problem text={problem} />
      <p className="actions">
        <button type="submit" disabled={busy || text.trim() === ''}>
          {words.submit}
          <span className="visually-hidden"> {id}</span>
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
