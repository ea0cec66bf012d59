/**
 * The subject's review: electronic signatures (each intact or broken, in words, with what
 * changed since the signing; 21 CFR 11.70), as the review section lists them.
 */
import { Problem } from '../forms';
import { utcText } from './format';
import type { SignatureView } from './subject-data';
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
