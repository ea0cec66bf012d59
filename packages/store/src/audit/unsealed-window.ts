/**
 * The unsealed window (docs/audit-trail.md, "The unsealed window"): events committed but not yet
 * linked into the hash chain. They are sealed once every older transaction has ended
 * (migration 0006), so a transaction left open holds them back without bound, and until then
 * they are protected by the database's permissions and their own hashes only: someone with the
 * owner's rights can rewrite one and its hash undetected. verify-audit, the commands and the
 * server's health report the window, and raise an alert, naming the open transaction, when its
 * oldest event is older than the limit.
 */
import type { Issue } from '@jia-trial/errors';
import type pg from 'pg';

/** The documented limit (docs/audit-trail.md): longer than an import of 1M visits takes. */
export const DEFAULT_UNSEALED_ALERT_SECONDS = 300;

/** The limit from JIA_AUDIT_UNSEALED_ALERT_SECONDS (a non-negative number), else the default. */
export function unsealedAlertSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.JIA_AUDIT_UNSEALED_ALERT_SECONDS);
  return env.JIA_AUDIT_UNSEALED_ALERT_SECONDS && Number.isFinite(value) && value >= 0
    ? value
    : DEFAULT_UNSEALED_ALERT_SECONDS;
}

/** The open transaction with the oldest transaction id on the server (audit_horizon_holder()). */
export interface HorizonHolder {
  /** Null for a prepared transaction (it has no process; applicationName is then its gid). */
  readonly pid: number | null;
  readonly roleName: string | null;
  readonly applicationName: string | null;
  readonly clientAddr: string | null;
  readonly databaseName: string | null;
  readonly state: string | null;
  readonly transactionStart: string | null;
  readonly prepared: boolean;
}

export interface UnsealedWindow {
  readonly events: number;
  /** When the oldest unsealed event was written (ISO), or null. */
  readonly oldestAt: string | null;
  /** Its age on the database's clock, in seconds, or null. */
  readonly oldestAgeSeconds: number | null;
  /** What holds the window open, when events wait and the owner can see it. */
  readonly heldBy: HorizonHolder | null;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * The events at or above the sealed horizon (everything below it is sealed or an orphan), read
 * through the batch index. On a client inside verify-audit's snapshot, or on a pool.
 */
export async function unsealedWindow(db: Queryable): Promise<UnsealedWindow> {
  const result = await db.query<{ n: string; oldest: Date | null; age: number | null }>(
    `SELECT pg_catalog.count(*) AS n, pg_catalog.min(e.occurred_at) AS oldest,
            pg_catalog.date_part('epoch', pg_catalog.statement_timestamp() OPERATOR(pg_catalog.-) pg_catalog.min(e.occurred_at))::float8 AS age
       FROM audit_event e
      WHERE e.batch_id OPERATOR(pg_catalog.>=) (SELECT h.sealed_below FROM audit_head h)`,
  );
  const row = result.rows[0];
  const events = Number(row?.n ?? 0);
  if (events === 0) return { events: 0, oldestAt: null, oldestAgeSeconds: null, heldBy: null };
  const holder = await db.query<{
    pid: number | null;
    role_name: string | null;
    application_name: string | null;
    client_addr: string | null;
    database_name: string | null;
    state: string | null;
    xact_start: Date | null;
    prepared: boolean;
  }>('SELECT * FROM audit_horizon_holder()');
  const h = holder.rows[0];
  return {
    events,
    oldestAt: row?.oldest?.toISOString() ?? null,
    oldestAgeSeconds: row?.age === null || row?.age === undefined ? null : Math.max(0, row.age),
    heldBy: h
      ? {
          pid: h.pid,
          roleName: h.role_name,
          applicationName: h.application_name,
          clientAddr: h.client_addr,
          databaseName: h.database_name,
          state: h.state,
          transactionStart: h.xact_start?.toISOString() ?? null,
          prepared: h.prepared,
        }
      : null,
  };
}

/** The alert for a window whose oldest event is older than `limitSeconds`, or null. */
export function unsealedAlert(window: UnsealedWindow, limitSeconds: number): Issue | null {
  if (window.events === 0 || (window.oldestAgeSeconds ?? 0) <= limitSeconds) return null;
  const age = Math.round(window.oldestAgeSeconds ?? 0);
  return {
    path: 'unsealed',
    message: `${window.events} audit events are not sealed, the oldest for ${age} s (limit ${limitSeconds} s): until sealed they are protected by the database's permissions only. ${holderText(window.heldBy)}`,
  };
}

function holderText(h: HorizonHolder | null): string {
  if (!h)
    return 'No open transaction holding them back was found: it may be invisible to the owner role (grant it pg_read_all_stats), or it has just ended (run verify-audit again).';
  if (h.prepared)
    return `They wait for the prepared transaction '${h.applicationName}' (role ${h.roleName}, database ${h.databaseName}, prepared ${h.transactionStart}): COMMIT PREPARED or ROLLBACK PREPARED it.`;
  return `They wait for the transaction of pid ${h.pid} (role ${h.roleName}, application '${h.applicationName ?? ''}', client ${h.clientAddr ?? 'local'}, database ${h.databaseName}, ${h.state}, open since ${h.transactionStart}): end it (commit or roll back in that session, or as the owner or a superuser SELECT pg_terminate_backend(${h.pid})); sealing resumes by itself.`;
}
