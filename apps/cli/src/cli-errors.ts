/** Exit codes of every jia-trial command (docs/architecture.md, "Interfaces"). */
export const EXIT_OK = 0;
export const EXIT_DATA_ERROR = 1;
export const EXIT_USAGE_ERROR = 2;

/** A command was called wrongly (unknown option, missing argument, unreadable input path). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One problem in the input data, located precisely enough for a data manager to fix it. */
export interface DataProblem {
  /** 1-based line in the input file. */
  readonly line: number;
  readonly visitId: string | null;
  readonly column: string | null;
  readonly message: string;
}

/** The input data cannot be processed; every problem found is listed. */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly file: string,
    readonly problems: readonly DataProblem[],
    readonly truncated: number = 0,
  ) {
    super(`${problems.length + truncated} problem(s) in ${file}`);
  }
}

/** `file:line: visit V, column c: message`, the form editors and CI logs link to. */
export function formatProblem(file: string, problem: DataProblem): string {
  const where = [
    problem.visitId === null ? null : `visit ${printable(problem.visitId)}`,
    problem.column === null ? null : `column ${problem.column}`,
  ]
    .filter((part) => part !== null)
    .join(', ');
  return `${file}:${problem.line}: ${where ? `${where}: ` : ''}${problem.message}`;
}

/** An id as typed when it is plain printable text, else quoted with escapes (one line). */
function printable(id: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  return /^[^\u0000-\u001f\u007f-\u009f"\\]*$/.test(id) && id.trim() === id
    ? id
    : JSON.stringify(id);
}

/** A failure whose lines have been written; the command exits 1. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}
