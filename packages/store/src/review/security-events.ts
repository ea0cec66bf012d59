/**
 * Security events (migration 0024_audit; docs/audit-trail.md, "Security events"): who signed
 * in, failed to, signed out, changed or reset a password, exported data, downloaded a report or
 * exported the trail. Each is a row of the audited, append-only table security_event, so its
 * audit event is hashed and sealed like a clinical change's and verify-audit checks it.
 * Sign-in attempts are recorded by a trigger on the throttle log (sign_in_attempt); the rest
 * by the server's routes and the commands through these functions. Never a password or token.
 */
import type pg from 'pg';
import { type Actor, type PoolHolder, type Transaction, withTransaction } from '../transaction.js';

export const SECURITY_EVENT_KINDS = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'password_changed',
  'password_reset',
  'export',
  'report_download',
  'audit_export',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/** A security event other than a sign-in attempt (those come from the throttle log). */
export interface SecurityEvent {
  readonly kind: Exclude<SecurityEventKind, 'sign_in' | 'sign_in_failed'>;
  /** The account the event is about (for a password reset: the account reset). */
  readonly username: string;
  /** Its id (app_user.row_id), when known. */
  readonly userId?: string | null;
  /** The client's address (the command line: none). */
  readonly address?: string | null;
  /** The study of an export or download. */
  readonly studyId?: string | null;
  /** What was exported or downloaded (format, pseudonymised or not): at most 500 characters. */
  readonly detail?: string | null;
}

/** Records `event` in the caller's transaction (its actor is the event's actor). */
export async function recordSecurityEvent(
  db: Pick<pg.ClientBase, 'query'>,
  event: SecurityEvent,
): Promise<void> {
  await db.query(
    `INSERT INTO security_event (kind, username, user_id, address, study_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      event.kind,
      event.username.slice(0, 200),
      event.userId ?? null,
      event.address?.slice(0, 100) ?? null,
      event.studyId ?? null,
      event.detail?.slice(0, 500) ?? null,
    ],
  );
}

/** Records `event` in a transaction of its own, as `actor` (sealed in the background). */
export function logSecurityEvent(
  store: PoolHolder,
  actor: Actor,
  event: SecurityEvent,
): Promise<void> {
  return withTransaction(store, actor, undefined, (tx: Transaction) =>
    recordSecurityEvent(tx.client, event),
  );
}
