/**
 * Spreadsheet formula injection (CWE-1236; OWASP, "CSV Injection"): a cell that begins with
 * `=`, `+`, `-`, `@`, a tab or a carriage return may be run as a formula when a spreadsheet
 * opens the file. OWASP's advice is to prefix such a cell with a single quote, which spreadsheets
 * show as text and do not evaluate. A cell that already begins with a quote gets one more, so
 * that the prefix can be told from the value and taken off again exactly (restoreFormula).
 * For text cells only: a number's sign is not a formula, and a number column must not change.
 */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', "'"]);

/** The cell as written: prefixed with `'` when it begins with a formula trigger (or a quote). */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && TRIGGERS.has(text[0] as string) ? `'${text}` : text;
}

/** The value of a cell neutraliseFormula wrote. */
export function restoreFormula(cell: string): string {
  return cell.length > 1 && cell[0] === "'" && TRIGGERS.has(cell[1] as string)
    ? cell.slice(1)
    : cell;
}
