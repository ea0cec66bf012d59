/**
 * The one error type of jia-trial: a stable code (codes.ts), a message for people, and the
 * issues behind it, each with a path and a message. Every package raises it for anything a
 * caller or a user can act on; the doors map it: the command line to an exit code and
 * `--json` output, the HTTP API to a status and the body `{ "error": { code, message, issues } }`.
 * A plain Error (or RangeError, for a broken calling contract) is a fault of jia-trial itself,
 * reported as INTERNAL_ERROR.
 */
import { ERROR_CODES, type ErrorCode, EXIT_CODES } from './codes.js';

/** One problem behind an error: where it is and why. */
export interface Issue {
  /**
   * Where: a field path in a request or record (`visits[3].esr`, `subject.birth_date`), or a
   * place in a file (`visits.csv:12:esr`, made by fileIssue).
   */
  readonly path: string;
  readonly message: string;
  /** In a file: the file as the user named it. */
  readonly file?: string;
  /** In a file: the 1-based line; 0 for the file as a whole (missing, too large). */
  readonly line?: number;
  /** In a file: the column's name. */
  readonly column?: string;
  /** The record the problem is in, when it has an id (a visit id). */
  readonly record?: string;
}

export interface JiaErrorOptions {
  readonly issues?: readonly Issue[];
  /** Issues found beyond those listed (counted, not kept: `--max-errors`). */
  readonly moreIssues?: number;
  /** Facts for programs (the current version of a record in conflict, ...); JSON values only. */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * The command has already written everything about this failure (verify-audit's report): a
   * door adds only the final line, and no second JSON document.
   */
  readonly reported?: boolean;
  readonly cause?: unknown;
}

export class JiaError extends Error {
  override readonly name = 'JiaError';
  readonly issues: readonly Issue[];
  readonly moreIssues: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly reported: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: JiaErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.issues = options.issues ?? [];
    this.moreIssues = options.moreIssues ?? 0;
    this.details = options.details;
    this.reported = options.reported ?? false;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get exitCode(): number {
    return EXIT_CODES[ERROR_CODES[this.code].exit];
  }
}

/** Whether `error` is a JiaError, of one of `codes` when given. */
export function isJiaError(error: unknown, ...codes: ErrorCode[]): error is JiaError {
  return error instanceof JiaError && (codes.length === 0 || codes.includes(error.code));
}

/** A problem at a place in a file; its path is `file:line:column` (`file` alone for line 0). */
export function fileIssue(place: {
  readonly file: string;
  readonly line: number;
  readonly column?: string | null | undefined;
  readonly record?: string | null | undefined;
  readonly message: string;
}): Issue {
  const { file, line, column, record, message } = place;
  const path =
    line > 0
      ? `${file}:${line}${column ? `:${column}` : ''}`
      : `${file}${column ? `:${column}` : ''}`;
  return {
    path,
    message,
    file,
    line,
    ...(column ? { column } : {}),
    ...(record !== null && record !== undefined ? { record } : {}),
  };
}

/** The error body of the HTTP API and of `--json` output (docs/errors.md). */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly issues: readonly Issue[];
    readonly moreIssues?: number;
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

/**
 * Any thrown value as the error body: a JiaError as it is, anything else as INTERNAL_ERROR with
 * its message (never a stack trace).
 */
export function errorBody(error: unknown): ErrorBody {
  const e = asJiaError(error);
  return {
    error: {
      code: e.code,
      message: e.message,
      issues: e.issues,
      ...(e.moreIssues > 0 ? { moreIssues: e.moreIssues } : {}),
      ...(e.details ? { details: e.details } : {}),
    },
  };
}

/** A JiaError as it is; anything else wrapped as INTERNAL_ERROR (the original as its cause). */
export function asJiaError(error: unknown): JiaError {
  if (error instanceof JiaError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new JiaError(
    'INTERNAL_ERROR',
    typeof code === 'string' && code ? `${code}: ${message}` : message,
    {
      cause: error,
    },
  );
}
