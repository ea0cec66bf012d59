/**
 * The store's refusals as JiaErrors (docs/errors.md), and the database's own error codes mapped
 * onto them: the triggers and functions of migrations/ raise SQLSTATEs JT001-JT019, and
 * PostgreSQL's own classes (a constraint, a missing privilege) are named too.
 */
import { JiaError } from '@jia-trial/errors';

/**
 * VERSION_CONFLICT: a write based on a version of a record that is no longer current (0 for a
 * new record that already exists; current null for a record that no longer exists).
 */
export function versionConflict(
  table: string,
  key: string,
  expectedVersion: number,
  currentVersion: number | null,
): JiaError {
  return new JiaError(
    'VERSION_CONFLICT',
    expectedVersion === 0
      ? `${table} ${key} already exists (version ${currentVersion}): load it and edit it`
      : currentVersion === null
        ? `${table} ${key} no longer exists (the edit was based on version ${expectedVersion})`
        : `${table} ${key} was changed by someone else: the edit was based on version ${expectedVersion}, the current version is ${currentVersion}`,
    { details: { table, key, expectedVersion, currentVersion } },
  );
}

/** NOT_FOUND: a record named by a caller does not exist. */
export function notFound(message: string): JiaError {
  return new JiaError('NOT_FOUND', message);
}

/** The JT codes of migrations/ and the PostgreSQL classes a caller can act on. */
export const DATABASE_ERROR_CODES: Readonly<Record<string, JiaError['code']>> = {
  JT001: 'ACTOR_REQUIRED',
  JT002: 'REASON_REQUIRED',
  JT003: 'AUDIT_APPEND_ONLY',
  JT004: 'ROW_IDENTITY_IMMUTABLE',
  JT010: 'VERSION_CONFLICT',
  JT011: 'NOT_FOUND',
  JT012: 'NOT_FOUND',
  // A write to what a lock covers (migration 0018's guard), and a lock changed otherwise than
  // by its release.
  JT013: 'RECORD_LOCKED',
  JT014: 'INVALID_TRANSITION',
  // Randomisation (migration 0026_random): no list, an allocation repeated, a stratum used up,
  // a second list, an unblinding of a subject never randomised.
  JT015: 'ALLOCATION_LIST_MISSING',
  JT016: 'ALREADY_RANDOMISED',
  JT017: 'ALLOCATION_LIST_EXHAUSTED',
  JT018: 'ALLOCATION_LIST_EXISTS',
  JT019: 'NOT_RANDOMISED',
  // insufficient_privilege: the runtime role may not do this (docs/store.md, roles).
  '42501': 'PERMISSION_DENIED',
  // The server cannot be reached or will not let us in: refused, unknown host, a wrong password
  // or role, no such database, starting up or shutting down, too many connections.
  ECONNREFUSED: 'DATABASE_UNAVAILABLE',
  ENOTFOUND: 'DATABASE_UNAVAILABLE',
  '28P01': 'DATABASE_UNAVAILABLE',
  '28000': 'DATABASE_UNAVAILABLE',
  '3D000': 'DATABASE_UNAVAILABLE',
  '57P03': 'DATABASE_UNAVAILABLE',
  '53300': 'DATABASE_UNAVAILABLE',
  // The connection was lost: reset, timed out, the server shut down or was terminated, or the
  // network is down (SQLSTATE class 08, 57P01/57P02).
  ECONNRESET: 'DATABASE_UNAVAILABLE',
  ETIMEDOUT: 'DATABASE_UNAVAILABLE',
  EHOSTUNREACH: 'DATABASE_UNAVAILABLE',
  EPIPE: 'DATABASE_UNAVAILABLE',
  '57P01': 'DATABASE_UNAVAILABLE',
  '57P02': 'DATABASE_UNAVAILABLE',
  '08000': 'DATABASE_UNAVAILABLE',
  '08001': 'DATABASE_UNAVAILABLE',
  '08003': 'DATABASE_UNAVAILABLE',
  '08006': 'DATABASE_UNAVAILABLE',
};

/** Codes of a connection that was open and is gone (rather than one that could not be made). */
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE', '57P01', '57P02', '08000', '08003', '08006']);

/** node-postgres reports a connection lost mid-query with this message and no code. */
const CONNECTION_LOST = /^Connection terminated\b|^Client has encountered a connection error/;

/**
 * A database error as the JiaError it stands for (a JiaError or an error without a known code
 * unchanged): the triggers' JT codes, and a missing privilege.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof JiaError) return error;
  const lost = error instanceof Error && CONNECTION_LOST.test(error.message);
  const code = lost
    ? 'DATABASE_UNAVAILABLE'
    : DATABASE_ERROR_CODES[(error as { code?: string } | null)?.code ?? ''];
  if (!code) return error;
  const message = (error as Error).message.replace(/^jia-trial: /, '');
  if (code === 'RECORD_LOCKED') return recordLocked(message, error);
  return new JiaError(
    code,
    lost || LOST_CODES.has((error as { code?: string }).code ?? '')
      ? `the connection to the database was lost (${message})`
      : message,
    { cause: error },
  );
}

/**
 * RECORD_LOCKED from the guard's refusal: its DETAIL is JSON naming the lock and the records
 * refused (migrations/0023_locks.sql), which become the error's details and issues.
 */
function recordLocked(message: string, error: unknown): JiaError {
  let detail: {
    lock?: unknown;
    records?: Array<{ table: string; key: string; lockId: string }>;
    count?: number;
  } = {};
  try {
    detail = JSON.parse((error as { detail?: string }).detail ?? '{}');
  } catch {}
  const records = detail.records ?? [];
  return new JiaError('RECORD_LOCKED', message, {
    cause: error,
    issues: records.map((r) => ({
      path: `${r.table}/${r.key}`,
      record: r.key,
      message: `${r.table} ${r.key} is covered by lock ${r.lockId}`,
    })),
    moreIssues: Math.max(0, (detail.count ?? records.length) - records.length),
    details: { lock: detail.lock ?? null, records },
  });
}
