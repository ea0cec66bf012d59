/**
 * Sealing the audit trail: linking committed transactions' events into the hash chain
 * (audit_seal_pending, migrations/0006_audit_batches_by_transaction_id.sql). Writers do not wait for it: after a
 * commit the store asks for a seal in the background, and one sealing transaction links the
 * work of every writer that committed meanwhile, so that concurrent writers are never serialised
 * on the chain head (docs/adr/0007-audit-trail.md). Opening and closing a store and
 * verify-audit seal synchronously, so a command leaves nothing unsealed behind it and a crash
 * leaves work that the next opener seals.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/** Transactions sealed per sealing transaction (bounded, so a backlog is sealed in steps). */
const BATCHES_PER_SEAL = 5_000;
/** While another session seals: retries, and the pause between them. */
const RETRIES = 50;
const RETRY_MS = 20;

interface Sealer {
  running: Promise<void> | null;
  again: boolean;
}

const sealers = new WeakMap<pg.Pool, Sealer>();

/** A pool, or a client inside a transaction (restore seals before it commits). */
type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

async function sealOnce(db: Queryable, wait: boolean): Promise<number> {
  const result = await db.query<{ sealed: number }>('SELECT audit_seal_pending($1, $2) AS sealed', [
    BATCHES_PER_SEAL,
    wait,
  ]);
  return result.rows[0]?.sealed ?? 0;
}

/** Seals every pending transaction `db` can see, waiting for another session's sealer if need be. */
export async function sealPending(db: Queryable): Promise<void> {
  while ((await sealOnce(db, true)) >= BATCHES_PER_SEAL) {}
}

/** Seals everything committed so far (after this process's background seal, if one runs). */
export async function sealNow(pool: pg.Pool): Promise<void> {
  await sealers.get(pool)?.running;
  await sealPending(pool);
}

/**
 * Asks for a seal soon, without waiting: calls while one runs are coalesced into one more run.
 * A failure (the server going away) is left for the next seal: the work stays pending, not lost.
 */
export function requestSeal(pool: pg.Pool): void {
  let sealer = sealers.get(pool);
  if (!sealer) {
    sealer = { running: null, again: false };
    sealers.set(pool, sealer);
  }
  if (sealer.running) {
    sealer.again = true;
    return;
  }
  const state = sealer;
  state.running = (async () => {
    try {
      do {
        state.again = false;
        for (let attempt = 0; ; attempt++) {
          const sealed = await sealOnce(pool, false);
          if (sealed >= BATCHES_PER_SEAL) continue;
          // Another session was sealing, perhaps with a snapshot from before our commit: try
          // again shortly rather than leave our work until the next write.
          if (sealed === -1 && attempt < RETRIES) {
            await sleep(RETRY_MS);
            continue;
          }
          break;
        }
      } while (state.again);
    } catch {
      // Unsealed work stays above audit_head.sealed_below and is sealed by the next seal.
    } finally {
      state.running = null;
    }
  })();
}
