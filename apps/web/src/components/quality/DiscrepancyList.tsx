/**
 * A page of discrepancies by site and subject: per discrepancy its finding, the rule (with why it
 * holds), the record and field (a link to the page where they are), the values the rule read, its
 * status, and how it was worked (the exclusion with who, when and why; the data query and its
 * status, with a link to where the query lives). The steps are offered only where the discrepancy's
 * status allows them and the user's role holds their permission at its site (docs/roles.md);
 * the server refuses the rest anyway.
 */
import type { StudyAccess } from '@jia-trial/dictionary';
import { Fragment, useState } from 'react';
import { hrefOf } from '../../routes';
import { may } from '../review/use-study-access';
import { utcText } from '../subject/format';
import { ColumnHeads, ScrollBox } from '../table';
import { DiscrepancyStep, type Step } from './DiscrepancyStep';
import {
  bySiteAndSubject,
  type Discrepancy,
  KIND_TEXT,
  observedText,
  QUERY_STATUS_TEXT,
  recordHref,
  recordPage,
  recordText,
  STATUS_TEXT,
} from './quality-data';

/** A rule of the study's rule set as the page shows it: why it holds. */
export type RuleSources = ReadonlyMap<string, string>;

// Four columns, the values under their record and the work under the status: the table fits a
// 768 px tablet with little sideways scrolling.
const COLUMNS = ['Discrepancy', 'Rule', 'Record, field and values', 'Status and work'];

interface Handlers {
  readonly onDone: (notice: string) => void;
  readonly onStale: () => void;
}

function Worked({ studyId, d }: { readonly studyId: string; readonly d: Discrepancy }) {
  return (
    <>
      {d.exclusion && (
        <p className="exclusion">
          Excluded by {d.exclusion.by.name} on {utcText(d.exclusion.at)}:{' '}
          <q>{d.exclusion.reason}</q>
        </p>
      )}
      {d.query && (
        <p className="dq-query">
          Query {d.query.queryId}: {QUERY_STATUS_TEXT[d.query.status]}.{' '}
          <a href={recordHref(studyId, d)}>See it on {recordPage(studyId, d).label}</a>
        </p>
      )}
    </>
  );
}

function StepButtons({
  d,
  access,
  onStep,
}: {
  readonly d: Discrepancy;
  readonly access: StudyAccess | null;
  readonly onStep: (step: Step) => void;
}) {
  const steps: Array<{ step: Step; text: string }> = [];
  if (d.status === 'open' && may(access, 'quality.exclude', d.siteCode))
    steps.push({ step: 'exclude', text: 'Exclude' });
  if (d.status === 'excluded' && may(access, 'quality.exclude', d.siteCode))
    steps.push({ step: 'reinstate', text: 'Take back the exclusion' });
  if (d.status === 'open' && d.query === null && may(access, 'query.raise', d.siteCode))
    steps.push({ step: 'query', text: 'Raise a query' });
  if (steps.length === 0) return null;
  return (
    <p className="actions">
      {steps.map((s) => (
        <button key={s.step} type="button" className="secondary" onClick={() => onStep(s.step)}>
          {s.text}
          <span className="visually-hidden"> on {d.discrepancyId}</span>
        </button>
      ))}
    </p>
  );
}

function DiscrepancyRow({
  studyId,
  d,
  rules,
  access,
  handlers,
}: {
  readonly studyId: string;
  readonly d: Discrepancy;
  readonly rules: RuleSources;
  readonly access: StudyAccess | null;
  readonly handlers: Handlers;
}) {
  const [step, setStep] = useState<Step | null>(null);
  const source = rules.get(d.ruleId);
  return (
    <>
      <tr className={`dq-${d.status}`}>
        <th scope="row">
          <span className="dq-id">{d.discrepancyId}</span> {d.message}
        </th>
        <td>
          <code>{d.ruleId}</code>
          <br />
          {KIND_TEXT[d.kind]}
          {source && (
            <details className="rule-source">
              <summary>
                Why<span className="visually-hidden"> rule {d.ruleId} holds</span>
              </summary>
              {source}
            </details>
          )}
        </td>
        <td>
          <a href={recordHref(studyId, d)}>{recordText(d)}</a>
          <ul className="values" aria-label="Values the rule read">
            {observedText(d.table, d.observed).map((v) => (
              <li key={v.name}>
                {v.name}: <strong>{v.value}</strong>
              </li>
            ))}
          </ul>
        </td>
        <td>
          <span className="dq-status">{STATUS_TEXT[d.status]}</span>
          <br />
          <span className="muted">
            {d.status === 'resolved' && d.resolvedAt
              ? `on ${utcText(d.resolvedAt)}`
              : `found ${utcText(d.foundAt)}`}
          </span>
          <Worked studyId={studyId} d={d} />
          {step === null && <StepButtons d={d} access={access} onStep={setStep} />}
        </td>
      </tr>
      {step !== null && (
        <tr className="dq-step-row">
          <td colSpan={COLUMNS.length}>
            <DiscrepancyStep
              studyId={studyId}
              discrepancy={d}
              step={step}
              onCancel={() => setStep(null)}
              onStale={handlers.onStale}
              onDone={(notice) => {
                setStep(null);
                handlers.onDone(notice);
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}

export function DiscrepancyList({
  studyId,
  discrepancies,
  rules,
  access,
  onDone,
  onStale,
}: {
  readonly studyId: string;
  readonly discrepancies: readonly Discrepancy[];
  readonly rules: RuleSources;
  readonly access: StudyAccess | null;
} & Handlers) {
  const handlers = { onDone, onStale };
  return bySiteAndSubject(discrepancies).map((site) => (
    <section key={site.site} aria-labelledby={`dq-site-${site.site}`} className="dq-site">
      <h2 id={`dq-site-${site.site}`}>Site {site.site}</h2>
      {site.subjects.map((subject) => (
        <Fragment key={subject.subjectId}>
          <h3>
            <a href={hrefOf({ page: 'subject', studyId, subjectId: subject.subjectId })}>
              Subject {subject.subjectId}
            </a>{' '}
            <span className="count">{subject.discrepancies.length} on this page</span>
          </h3>
          <ScrollBox label={`Discrepancies of subject ${subject.subjectId}`}>
            <table className="discrepancies">
              <caption className="visually-hidden">
                Discrepancies of subject {subject.subjectId} at site {site.site}
              </caption>
              <ColumnHeads names={COLUMNS} />
              <tbody>
                {subject.discrepancies.map((d) => (
                  <DiscrepancyRow
                    key={d.discrepancyId}
                    studyId={studyId}
                    d={d}
                    rules={rules}
                    access={access}
                    handlers={handlers}
                  />
                ))}
              </tbody>
            </table>
          </ScrollBox>
        </Fragment>
      ))}
    </section>
  ));
}
