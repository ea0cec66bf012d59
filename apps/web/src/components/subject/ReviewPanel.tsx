/**
 * The subject's review: electronic signatures (each intact or broken, in words, with what
 * changed since the signing; 21 CFR 11.70) and the data queries not closed yet, with counts.
 */
import { Problem } from '../forms';
import { utcText } from './format';
import type { SignatureView, SubjectQueries } from './subject-data';
import type { Loaded } from './use-subject-page';
import './subject.css';

export function SignatureList({ signatures }: { readonly signatures: Loaded<SignatureView[]> }) {
  if (signatures.kind === 'loading') return <p className="loading">Loading…</p>;
  if (signatures.kind === 'problem') return <Problem text={signatures.text} />;
  if (signatures.value.length === 0) return <p>No signature yet.</p>;
  return (
    <ul className="signatures">
      {signatures.value.map((s) => (
        <li key={s.signatureId}>
          <p>
            <strong>{s.visitId ? `Visit ${s.visitId}` : 'Whole casebook'}</strong>: {s.meaning}
            {' — '}
            signed by {s.signer} on {utcText(s.signedAt)}
          </p>
          {s.broken ? (
            <p className="problem">
              Broken: {s.changes.length} record(s) changed since the signing
              {s.changes.length > 0 && ` (${s.changes.join('; ')})`}.
            </p>
          ) : (
            <p>Intact: no signed record changed since.</p>
          )}
        </li>
      ))}
    </ul>
  );
}

export function QueryList({ queries }: { readonly queries: Loaded<SubjectQueries> }) {
  if (queries.kind === 'loading') return <p className="loading">Loading…</p>;
  if (queries.kind === 'problem') return <Problem text={queries.text} />;
  const { counts, unresolved } = queries.value;
  return (
    <>
      <p>
        {counts.open} open, {counts.answered} answered, {counts.closed} closed.
      </p>
      {unresolved.length > 0 && (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">Queries not closed</caption>
            <thead>
              <tr>
                <th scope="col">Query</th>
                <th scope="col">Status</th>
                <th scope="col">Record</th>
                <th scope="col">Question</th>
                <th scope="col">Answer</th>
                <th scope="col">Raised</th>
              </tr>
            </thead>
            <tbody>
              {unresolved.map((q) => (
                <tr key={q.queryId}>
                  <th scope="row">{q.queryId}</th>
                  <td>{q.status}</td>
                  <td>{q.record}</td>
                  <td>{q.question}</td>
                  <td>{q.response ?? '—'}</td>
                  <td>
                    {q.raisedBy}, {utcText(q.raisedAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
