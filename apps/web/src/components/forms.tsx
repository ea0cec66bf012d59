/** The pieces every form and page repeats: a labelled input, a problem told in words. */
import type { InputHTMLAttributes } from 'react';

/** A labelled text or password input; the label is its accessible name. */
export function Field({
  label,
  value,
  onValue,
  ...input
}: {
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  return (
    <label>
      {label}
      <input value={value} onChange={(e) => onValue(e.target.value)} required {...input} />
    </label>
  );
}

/** A problem to show (nothing when null), announced to screen readers as it appears. */
export function Problem({ text }: { readonly text: string | null }) {
  if (text === null) return null;
  return (
    <p role="alert" className="problem">
      {text}
    </p>
  );
}

/** Says that a form holds what was typed before (drafts.ts), not saved yet, and offers to drop it. */
export function DraftNotice({ onDiscard }: { readonly onDiscard: () => void }) {
  return (
    <p className="notice" role="status">
      What you typed before was restored (not saved yet).{' '}
      <button type="button" onClick={onDiscard}>
        Discard it
      </button>
    </p>
  );
}
