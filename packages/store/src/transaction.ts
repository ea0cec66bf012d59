/**
 * Transactions that change audited data, the unit every store service works in. The actor and
 * the reason for change are set as transaction-local settings that the audit triggers read
 * (migrations/0001_audit_trail.sql, 0007), so that they are recorded with every change of the
 * transaction, whoever issues the SQL. A door (the command line, the server) opens one
 * transaction per request and passes it to as many services as the request needs: a visit, its
 * joints, its CHAQ and a query are saved together or not at all, under one audit context.
 */
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { requestSeal } from './audit/sealer.js';
import { translateDatabaseError } from './errors.js';

/**
 * Who makes a change. `id` is stable and identifies the account: `os:<login>` for the command
 * line, `user:<username>` for an account of the server, `system:<name>` for a process of
 * jia-trial's own. `name` is how people read it in the audit trail.
 */
export interface Actor {
  readonly id: string;
  readonly name: string;
}

/** Who makes a change and why, for a service that runs in a transaction of its own. */
export interface ChangeContext {
  readonly actor: Actor;
  /** Why; required for any change after first entry (an update or a delete). */
  readonly reason?: string | undefined;
}

/** A transaction that changes audited data: its connection (inside BEGIN), who and why. */
export interface Transaction {
  readonly client: pg.PoolClient;
  readonly actor: Actor;
  readonly reason: string | null;
}

/** Anything that holds the store's pool: the Store, or the pool itself. */
export type PoolHolder = pg.Pool | { readonly pool: pg.Pool };

export function poolOf(holder: PoolHolder): pg.Pool {
  return 'pool' in holder ? holder.pool : holder;
}

/** The actor, checked: a change without one is refused before it reaches the database. */
export function checkedActor(actor: Actor): Actor {
  if (!actor.id.trim() || !actor.name.trim())
    throw new JiaError('ACTOR_REQUIRED', 'a change needs an actor with an id and a name');
  return actor;
}

/**
 * Runs `work` in one transaction with the audit context set: committed when it resolves, rolled
 * back when it throws (the error translated: the triggers' JT codes become JiaErrors). The audit
 * trail is sealed in the background after the commit.
 */
export async function withTransaction<T>(
  store: PoolHolder,
  actor: Actor,
  reason: string | null | undefined,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  checkedActor(actor);
  const pool = poolOf(store);
  const client = await pool.connect();
  const tx: Transaction = { client, actor, reason: reason?.trim() || null };
  try {
    await client.query('BEGIN');
    await client.query(
      "SELECT set_config('jia.actor', $1, true), set_config('jia.actor_id', $2, true), set_config('jia.reason', $3, true)",
      [actor.name, actor.id, tx.reason ?? ''],
    );
    const result = await work(tx);
    await client.query('COMMIT');
    requestSeal(pool);
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw translateDatabaseError(error);
  } finally {
    client.release();
  }
}

/**
 * Runs `read` in one read-only REPEATABLE READ transaction: every query it makes sees the same
 * snapshot, so that concurrent writers cannot make an export, a backup or an audit check see
 * half of a change. Errors are translated as withTransaction translates them.
 */
export async function withSnapshot<T>(
  store: PoolHolder,
  read: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await poolOf(store).connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await read(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw translateDatabaseError(error);
  } finally {
    client.release();
  }
}
