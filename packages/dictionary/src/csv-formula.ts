/**
 * Spreadsheet formula injection ("CSV injection"), neutralised in the CSV files jia-trial writes
 * and reversed exactly where it reads them (docs/bundle-format.md, "Text that looks like a
 * formula"). A spreadsheet program reads a cell that begins with `=`, `+`, `-` or `@`, or with a
 * tab or a carriage return before one, as a formula, which can run commands or send data away
 * when the file is opened (OWASP, "CSV Injection",
 * https://owasp.org/www-community/attacks/CSV_Injection; OWASP ASVS 5.0 requirement 1.2.10).
 * OWASP's fix: put a single quote before such a cell, which the spreadsheet shows as text.
 *
 * To be reversible, a cell that itself begins with a quote is given one more too: the writer
 * prefixes a quote to every text beginning with one of `TRIGGERS` or with `'`, so the reader
 * removes one leading quote exactly when the next character is one of those. Any text survives
 * the round trip unchanged (csv-formula.test.ts), and a cell that begins with a quote followed
 * by anything else (a hand-made `'abc`) is read as it stands.
 *
 * Only text fields are neutralised, chosen by the field's type in the dictionary (its storage is
 * text: ids, free text, codes, partial dates), never a number, a date or a boolean: a negative
 * number `-1.5` stays a number. A code of a code list or a partial date never begins with one of
 * these characters (csv-formula.test.ts checks every code list), so for them the rule never
 * changes a value. Every CSV writer of subject data uses neutraliseCell (or its SQL, in the
 * store's bundle export); every reader of those files restoreCell.
 */
import type { FieldDefinition } from './types.js';

/** The characters that make a spreadsheet read a cell as a formula (OWASP's list). */
export const FORMULA_TRIGGERS: readonly string[] = ['=', '+', '-', '@', '\t', '\r'];

/** What is put before a neutralised cell: one single quote. */
export const NEUTRALISING_QUOTE = "'";

/** The first characters that are prefixed by the writer: the triggers and the quote itself. */
export const NEUTRALISED_FIRST_CHARACTERS: readonly string[] = [
  ...FORMULA_TRIGGERS,
  NEUTRALISING_QUOTE,
];

const PREFIXED = new Set(NEUTRALISED_FIRST_CHARACTERS);

/** The cell of a text that a spreadsheet would read as a formula, made inert (reversibly). */
export function neutraliseCell(text: string): string {
  return text.length > 0 && PREFIXED.has(text[0] as string) ? NEUTRALISING_QUOTE + text : text;
}

/** The text of a cell written by neutraliseCell: exactly what was neutralised. */
export function restoreCell(cell: string): string {
  return cell.length > 1 && cell[0] === NEUTRALISING_QUOTE && PREFIXED.has(cell[1] as string)
    ? cell.slice(1)
    : cell;
}

const PREFIXED_BYTES = new Set(NEUTRALISED_FIRST_CHARACTERS.map((c) => c.charCodeAt(0)));
const QUOTE_BYTE = NEUTRALISING_QUOTE.charCodeAt(0);

/**
 * restoreCell on a cell's UTF-8 bytes [start, end): where the restored text starts (start + 1
 * when the neutralising quote is removed). For byte-level readers (the visits reader).
 */
export function restoredStart(bytes: Uint8Array, start: number, end: number): number {
  return end - start > 1 &&
    bytes[start] === QUOTE_BYTE &&
    PREFIXED_BYTES.has(bytes[start + 1] as number)
    ? start + 1
    : start;
}

/** Whether a field's cells are neutralised: its value is text (not a number, date or boolean). */
export function isNeutralisedField(field: Pick<FieldDefinition, 'storage'>): boolean {
  return field.storage === 'text';
}
