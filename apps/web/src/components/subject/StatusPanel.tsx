/**
 * The protocol engine's decisions on the status's day, with its reasons in its own words:
 * whether a repeat infusion is allowed (retreatment) and whether the subject was eligible
 * (each criterion with what it read). The page never re-derives them: the engine is the rule.
 */

import { ColumnHeads } from '../table';
import { wordsOf } from './format';
import type { DayCheck, SubjectStatus } from './subject-data';
import './subject.css';

const CRITERION_TEXT: Readonly<Record<string, string>> = {
  met: 'met',
  not_met: 'not met',
  unknown: 'not known',
};

/** Two facts apart (ADR 0016): whether the protocol's rule qualifies the subject, and whether
 * every check of the day is known and met; the checks not known yet say what would settle them. */
function retreatmentVerdict(status: SubjectStatus): string {
  const r = status.retreatment;
  if (r.allowed === null) return 'The engine gave no decision.';
  if (r.allowed) return `A repeat infusion is allowed on ${status.asOf}.`;
  if (r.qualifies === false)
    return `The subject does not qualify for a repeat infusion on ${status.asOf}.`;
  if (r.qualifies && r.blockers.length === 0 && r.pending.length > 0)
    return `The subject qualifies; a repeat infusion is not allowed yet on ${status.asOf}: checks of the day are pending.`;
  if (r.qualifies)
    return `The subject qualifies, but a repeat infusion is not allowed on ${status.asOf}.`;
  return `A repeat infusion is not allowed on ${status.asOf}.`;
}

function DayChecks({
  title,
  checks,
}: {
  readonly title: string;
  readonly checks: readonly DayCheck[];
}) {
  if (checks.length === 0) return null;
  return (
    <>
      <h4>{title}</h4>
      <ul className="reasons">
        {checks.map((c) => (
          <li key={c.id}>
            <strong>{c.text}</strong>: {c.reason}
            {c.settledBy.length > 0 && <> To settle it: {c.settledBy.join('; ')}.</>}
          </li>
        ))}
      </ul>
    </>
  );
}

export function RetreatmentStatus({ status }: { readonly status: SubjectStatus }) {
  const r = status.retreatment;
  return (
    <section aria-labelledby="retreatment-title" className="card">
      <h3 id="retreatment-title">Retreatment</h3>
      <p className={r.allowed ? 'verdict verdict-yes' : 'verdict verdict-no'}>
        <strong>{retreatmentVerdict(status)}</strong>
      </p>
      {r.infusionsSoFar !== null && (
        <p>
          Infusions so far: {r.infusionsSoFar}
          {r.maxInfusions !== null && ` of at most ${r.maxInfusions}`}.
        </p>
      )}
      <h4>Why (the protocol's rule)</h4>
      <ul className="reasons">
        {r.ruleReasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <DayChecks title="Checks of the day not met" checks={r.blockers} />
      <DayChecks title="Checks of the day not known yet" checks={r.pending} />
    </section>
  );
}

export function EligibilityStatus({ status }: { readonly status: SubjectStatus }) {
  const e = status.eligibility;
  return (
    <section aria-labelledby="eligibility-title" className="card">
      <h3 id="eligibility-title">Eligibility</h3>
      <p>
        <strong>{wordsOf(e.status)}</strong>
        {e.referenceDate && ` on ${e.referenceDate}`}
      </p>
      <div className="scroll">
        <table>
          <caption className="visually-hidden">Eligibility criteria</caption>
          <ColumnHeads names={['Criterion', 'Type', 'Status', 'Reason']} />
          <tbody>
            {e.criteria.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.text}</th>
                <td>{c.type}</td>
                <td>
                  {CRITERION_TEXT[c.status] ?? c.status}
                  {c.vacuous && ' (none registered for the category)'}
                </td>
                <td>
                  {c.reason}
                  {c.missing.length > 0 && ` (to record: ${c.missing.join(', ')})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
