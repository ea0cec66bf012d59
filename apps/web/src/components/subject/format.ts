/**
 * Codes and numbers in words for the subject page. Labels come from the field dictionary's code
 * lists (one place for every code's label); the engine's own codes (states, severities) are
 * snake_case words and read as such.
 */
import { CODE_LISTS, type CodeListId } from '@jia-trial/dictionary';

/** The dictionary's label of a code, or the code itself when the list does not know it. */
export function labelOf(list: CodeListId, code: string | null): string {
  if (code === null) return '—';
  return CODE_LISTS[list]?.codes.find((c) => c.code === code)?.label ?? code;
}

/** `in_follow_up` -> `in follow up`. */
export const wordsOf = (code: string | null) => (code === null ? '—' : code.replaceAll('_', ' '));

/** A fixed locale, so that every user (and every screenshot) reads numbers alike. */
const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export const numberText = (value: number | null) => (value === null ? '—' : NUMBER.format(value));

/** A UTC timestamp as `2017-12-31 14:05 UTC` (the audit trail's clock, not the browser's). */
export function utcText(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** The severities of the engine in words (@jia-trial/protocol Severity). */
export const SEVERITY_TEXT: Readonly<Record<string, string>> = {
  urgent: 'Urgent',
  warning: 'Warning',
  info: 'Information',
};
