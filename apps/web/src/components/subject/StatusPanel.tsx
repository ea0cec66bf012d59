/**
 * The protocol engine's decisions on the status's day, with its reasons in its own words:
 * whether a repeat infusion is allowed (retreatment) and whether the subject was eligible
 * (each criterion with what it read). The page never re-derives them: the engine is the rule.
 */
import { wordsOf } from './format';
import type { SubjectStatus } from './subject-data';
import './subject.css';

const CRITERION_TEXT: Readonly<Record<string, string>> = {
  met: 'met',
  not_met: 'not met',
  unknown: 'not known',
};

export function RetreatmentStatus({ status }: { readonly status: SubjectStatus }) {
  const r = status.retreatment;
  const verdict =
    r.allowed === null
      ? 'The engine gave no decision.'
      : r.allowed
        ? `A repeat infusion is allowed on ${status.asOf}.`
        : `A repeat infusion is not allowed on ${status.asOf}.`;
  return (
    <section aria-labelledby="retreatment-title" className="card">
      <h3 id="retreatment-title">Retreatment</h3>
      <p className={r.allowed ? 'verdict verdict-yes' : 'verdict verdict-no'}>
        <strong>{verdict}</strong>
      </p>
      {r.infusionsSoFar !== null && (
        <p>
          Infusions so far: {r.infusionsSoFar}
          {r.maxInfusions !== null && ` of at most ${r.maxInfusions}`}.
        </p>
      )}
      <h4>Why</h4>
      <ul className="reasons">
        {r.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
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
          <thead>
            <tr>
              <th scope="col">Criterion</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {e.criteria.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.text}</th>
                <td>{c.type}</td>
                <td>{CRITERION_TEXT[c.status] ?? c.status}</td>
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
