/**
 * Transactions that change audited data. The actor and the reason for change are set as
 * transaction-local settings that the audit triggers read (migrations/0001_audit_trail.sql), so
 * that they are recorded in the same transaction as the change, whoever issues the SQL.
 */
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { requestSeal } from './audit/sealer.js';
import { translateDatabaseError } from './errors.js';

export interface ChangeContext {
  /** Who makes the change: a user name, or `os:<login>` for the command line. */
  readonly actor: string;
  /** Why; required for any change after first entry (an update or a delete). */
  readonly reason?: string | undefined;
}

export async function withChanges<T>(
  pool: pg.Pool,
  context: ChangeContext,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (!context.actor.trim()) throw new JiaError('ACTOR_REQUIRED', 'a change needs an actor');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      "SELECT set_config('jia.actor', $1, true), set_config('jia.reason', $2, true)",
      [context.actor, context.reason?.trim() ?? ''],
    );
    const result = await work(client);
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
