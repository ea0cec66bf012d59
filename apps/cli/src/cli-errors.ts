/**
 * How the command line reports an error (docs/errors.md): the error's issues, one line each in
 * the form editors and CI logs link to, then `jia-trial: <message>`; with --json, the error
 * body `{ "error": { code, message, issues } }` on standard output instead. The exit code is the
 * code's class: 1 failure, 2 usage error, 70 internal fault. A stack trace only with --debug.
 */
import { asJiaError, errorBody, type Issue, type JiaError } from '@jia-trial/errors';

export interface ErrorOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** The command was asked for JSON output. */
  readonly json: boolean;
  /** Print the stack trace of an internal fault. */
  readonly debug: boolean;
}

/** Reports `error` and returns the exit code. */
export function reportError(thrown: unknown, out: ErrorOutput): number {
  const error = asJiaError(thrown);
  if (out.json) {
    if (!error.reported) out.stdout.write(`${JSON.stringify(errorBody(error))}\n`);
  } else {
    // A command that reported its failure itself (verify-audit's report) has listed the issues.
    if (!error.reported) {
      for (const issue of error.issues) out.stderr.write(`${formatIssue(error, issue)}\n`);
      if (error.moreIssues > 0) out.stderr.write(`... and ${error.moreIssues} more problem(s)\n`);
    }
    out.stderr.write(`jia-trial: ${error.message}\n`);
  }
  if (out.debug && error.code === 'INTERNAL_ERROR') {
    const cause = error.cause instanceof Error ? error.cause : error;
    out.stderr.write(`${cause.stack ?? cause.message}\n`);
  }
  return error.exitCode;
}

/**
 * One issue as a line. In a bundle (the error names it): `dir/file:line: column c: visit V: why`;
 * in a single file: `file:line: visit V, column c: why`; elsewhere `path: why`.
 */
export function formatIssue(error: JiaError, issue: Issue): string {
  const bundle = error.details?.bundle;
  if (issue.file === undefined) return `${issue.path}: ${issue.message}`;
  const line = issue.line ?? 0;
  if (typeof bundle === 'string') {
    const where = `${bundle}/${issue.file}${line > 0 ? `:${line}` : ''}`;
    const column = issue.column === undefined ? '' : `column ${issue.column}: `;
    const record = issue.record === undefined ? '' : `visit ${issue.record}: `;
    return `${where}: ${column}${record}${issue.message}`;
  }
  const where = [
    issue.record === undefined ? null : `visit ${printable(issue.record)}`,
    issue.column === undefined ? null : `column ${issue.column}`,
  ]
    .filter((part) => part !== null)
    .join(', ');
  return `${issue.file}${line > 0 ? `:${line}` : ''}: ${where ? `${where}: ` : ''}${issue.message}`;
}

/** An id as typed when it is plain printable text, else quoted with escapes (one line). */
function printable(id: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
  return /^[^\u0000-\u001f\u007f-\u009f"\\]*$/.test(id) && id.trim() === id
    ? id
    : JSON.stringify(id);
}
