/**
 * `jia-trial verify-audit`: recomputes the audit trail's hashes and replays it against the
 * current rows (migrations/0001_audit_trail.sql describes the chain). It finds:
 * - an event whose content was altered (its hash no longer matches);
 * - an event removed from, or added to, a sealed transaction (the block digest no longer matches)
 *   and events that belong to no block;
 * - a block removed, reordered or altered (sequence gap, broken link, wrong block hash);
 * - a head that is not the last block;
 * - a clinical row that differs from what its last audit event says, a row with no audit event,
 *   and a row the audit trail says exists but is gone (changes made with the triggers disabled).
 * It trusts no function stored in the database: the event content expression is its own copy,
 * and block hashes are recomputed here.
 */

import { createHash } from 'node:crypto';
import type { Issue } from '@jia-trial/errors';
import type pg from 'pg';
import { withSnapshot } from '../transaction.js';
import { AUDITED_TABLES } from './audited-tables.js';
import { sealNow } from './sealer.js';

/**
 * The event content an event hash covers; keep identical to audit_event_content() in migration
 * 0007 (this copy is verify-audit's own: it trusts no function stored in the database). The
 * values are json: their stored text is embedded verbatim. Events written before migration 0007
 * have no actor_id, study_id or site_code, and are hashed without them.
 */
const EVENT_CONTENT = `convert_to(CASE WHEN actor_id IS NULL AND study_id IS NULL AND site_code IS NULL
    THEN json_build_array(
      batch_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      actor, reason, table_name, row_id, record_key, operation, old_values, new_values)
    ELSE json_build_array(
      batch_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      actor, reason, table_name, row_id, record_key, operation, old_values, new_values,
      actor_id, study_id, site_code)
    END::text, 'UTF8')`;

const ZERO_HASH: Buffer = Buffer.alloc(32);
/** Problems listed per kind before "and N more". */
const LIST_LIMIT = 20;

/** A problem found in the trail; its path says where: `block 12`, `event 4711`, `visit S1/V3`. */
export type AuditProblem = Issue;

export interface AuditReport {
  readonly ok: boolean;
  readonly blocks: number;
  readonly events: number;
  /** The last block's sequence number and hash: record it elsewhere to detect a rewrite. */
  readonly head: { readonly blockSeq: number; readonly hash: string };
  readonly problems: readonly AuditProblem[];
}

function blockHash(
  prev: Buffer,
  seq: bigint,
  count: number,
  digest: Buffer,
  batchIds: readonly string[],
): Buffer {
  const numbers = Buffer.alloc(12);
  numbers.writeBigInt64BE(seq, 0);
  numbers.writeInt32BE(count, 8);
  const batches = Buffer.alloc(8 * batchIds.length);
  for (const [i, id] of batchIds.entries()) batches.writeBigInt64BE(BigInt(id), 8 * i);
  return createHash('sha256').update(prev).update(numbers).update(digest).update(batches).digest();
}

export async function verifyAudit(pool: pg.Pool): Promise<AuditReport> {
  // Committed work not sealed yet (a writer's background seal, a crash) is sealed first.
  await sealNow(pool);
  // One snapshot for every query, so that concurrent writers cannot cause false alarms.
  return withSnapshot(pool, inspectAudit);
}

/**
 * The checks of verifyAudit on a client's current transaction (restore runs them before it
 * commits); the caller provides the snapshot and seals first.
 */
export async function inspectAudit(client: pg.PoolClient): Promise<AuditReport> {
  const problems: AuditProblem[] = [];
  const altered = await client.query<{
    event_id: string;
    table_name: string;
    record_key: string;
    operation: string;
    block_seq: string | null;
  }>(
    `SELECT e.event_id, e.table_name, e.record_key, e.operation,
            (SELECT b.block_seq FROM audit_block b WHERE b.batch_ids @> ARRAY[e.batch_id]) AS block_seq
       FROM audit_event e
      WHERE e.event_hash IS DISTINCT FROM sha256(${EVENT_CONTENT}) ORDER BY e.event_id LIMIT ${LIST_LIMIT}`,
  );
  // Chain order: an altered event is listed with its block, before later blocks' problems.
  const alteredEvents: ChainProblem[] = altered.rows.map((row) => ({
    seq: row.block_seq === null ? UNSEALED : Number(row.block_seq),
    problem: {
      path: `event ${row.event_id}`,
      message: `the ${row.operation} of ${row.table_name} ${row.record_key} was altered after it was written: its content no longer matches its hash`,
    },
  }));

  const blocks = await client.query<BlockRow>(
    'SELECT block_seq, batch_ids, event_count, events_digest, prev_hash, block_hash FROM audit_block ORDER BY block_seq',
  );
  // Each block's events as they are now, digested in the order the sealer digested them.
  const contents = await client.query<BlockContent>(
    `WITH members AS (SELECT b.block_seq, x.batch_id FROM audit_block b, unnest(b.batch_ids) AS x(batch_id))
     SELECT m.block_seq,
            sha256(coalesce(string_agg(e.event_hash, ''::bytea ORDER BY e.batch_id, e.event_id), ''::bytea)) AS digest,
            count(e.event_id) AS n, min(e.event_id) AS first, max(e.event_id) AS last
       FROM members m LEFT JOIN audit_event e ON e.batch_id = m.batch_id GROUP BY m.block_seq`,
  );
  const chain = checkChain(blocks.rows, new Map(contents.rows.map((row) => [row.block_seq, row])));
  // Events in no block below the sealed horizon: neither sealed nor waiting to be (work
  // committed after the seal above is at or above it; migrations/0006).
  const orphans = await client.query<{ first: string; last: string; n: string }>(
    `SELECT min(event_id) AS first, max(event_id) AS last, count(*) AS n
       FROM audit_event
      WHERE batch_id NOT IN (SELECT unnest(batch_ids) FROM audit_block)
        AND batch_id < (SELECT sealed_below FROM audit_head)
     HAVING count(*) > 0`,
  );
  const orphanEvents: ChainProblem[] = orphans.rows.map((orphan) => ({
    seq: UNSEALED,
    problem: {
      path: `events ${orphan.first}-${orphan.last}`,
      message: `${orphan.n} events belong to no sealed block: they were written outside the audited path`,
    },
  }));
  // A stable sort: within a block, the event problems first, then the block's own.
  const located = [...alteredEvents, ...chain.problems, ...orphanEvents];
  problems.push(...located.sort((a, b) => a.seq - b.seq).map((p) => p.problem));
  const { last: prev, events, nextSeq: expectedSeq } = chain;
  const head = await client.query<{ block_seq: string; block_hash: Buffer }>(
    'SELECT block_seq, block_hash FROM audit_head',
  );
  const headRow = head.rows[0];
  if (
    !headRow ||
    BigInt(headRow.block_seq) !== expectedSeq - 1n ||
    !headRow.block_hash.equals(prev)
  )
    problems.push({
      path: 'head',
      message: `the chain head (block ${headRow?.block_seq ?? 'none'}) is not the last block (${expectedSeq - 1n}): blocks at the end were removed or the head was altered`,
    });

  for (const table of AUDITED_TABLES) problems.push(...(await replay(client, table)));
  return {
    ok: problems.length === 0,
    blocks: blocks.rows.length,
    events,
    head: { blockSeq: Number(expectedSeq - 1n), hash: prev.toString('hex') },
    problems,
  };
}

/** A problem with the chain, with the block it is in (for chain order). */
interface ChainProblem {
  readonly seq: number;
  readonly problem: AuditProblem;
}
const UNSEALED = Number.MAX_SAFE_INTEGER;

interface BlockRow {
  block_seq: string;
  batch_ids: string[];
  event_count: number;
  events_digest: Buffer;
  prev_hash: Buffer;
  block_hash: Buffer;
}
interface BlockContent {
  block_seq: string;
  digest: Buffer;
  n: string;
  first: string;
  last: string;
}

/** Walks the blocks in order: sequence, links, block hashes, and each block's events. */
function checkChain(
  blocks: readonly BlockRow[],
  contents: ReadonlyMap<string, BlockContent>,
): { problems: ChainProblem[]; last: Buffer; events: number; nextSeq: bigint } {
  const problems: ChainProblem[] = [];
  let prev = ZERO_HASH;
  let expectedSeq = 1n;
  let events = 0;
  for (const block of blocks) {
    const seq = BigInt(block.block_seq);
    const where = `block ${block.block_seq}`;
    const report = (message: string) =>
      problems.push({ seq: Number(seq), problem: { path: where, message } });
    if (seq !== expectedSeq)
      report(
        `block ${expectedSeq}${seq - expectedSeq > 1n ? `-${seq - 1n}` : ''} is missing from the chain`,
      );
    else if (!block.prev_hash.equals(prev))
      report('does not link to the block before it (prev_hash differs)');
    const recomputed = blockHash(
      block.prev_hash,
      seq,
      block.event_count,
      block.events_digest,
      block.batch_ids,
    );
    if (!recomputed.equals(block.block_hash))
      report('was altered: its hash does not match its content');
    const batch = contents.get(block.block_seq);
    events += block.event_count;
    if (!batch || Number(batch.n) === 0) {
      report(`all ${block.event_count} of its events are missing`);
    } else if (Number(batch.n) !== block.event_count || !batch.digest.equals(block.events_digest)) {
      const difference = block.event_count - Number(batch.n);
      report(
        difference > 0
          ? `${difference} of its ${block.event_count} events are missing (those left are ids ${batch.first}-${batch.last})`
          : difference < 0
            ? `${-difference} events were added to it after it was sealed (ids ${batch.first}-${batch.last})`
            : `its events (ids ${batch.first}-${batch.last}) were changed or replaced after it was sealed`,
      );
    }
    prev = block.block_hash;
    expectedSeq = seq + 1n;
  }
  return { problems, last: prev, events, nextSeq: expectedSeq };
}

/** Compares a table's rows with the state its audit events say it must have. */
async function replay(client: pg.PoolClient, table: string): Promise<AuditProblem[]> {
  const result = await client.query<{
    row_id: string;
    record_key: string | null;
    kind: 'unaudited' | 'missing' | 'deleted' | 'differs';
    row: Record<string, unknown> | null;
    audited: Record<string, unknown> | null;
  }>(
    `WITH latest AS (
       SELECT DISTINCT ON (row_id) row_id, operation, new_values::jsonb AS new_values, record_key
         FROM audit_event WHERE table_name = $1 ORDER BY row_id, event_id DESC)
     SELECT coalesce(t.row_id, l.row_id) AS row_id, l.record_key, to_jsonb(t) AS row,
            l.new_values AS audited,
            CASE WHEN l.row_id IS NULL THEN 'unaudited'
                 WHEN t.row_id IS NULL AND l.operation <> 'delete' THEN 'missing'
                 WHEN t.row_id IS NOT NULL AND l.operation = 'delete' THEN 'deleted'
                 ELSE 'differs' END AS kind
       FROM ${table} t FULL JOIN latest l ON l.row_id = t.row_id
      WHERE l.row_id IS NULL
         OR (t.row_id IS NULL AND l.operation <> 'delete')
         OR (t.row_id IS NOT NULL AND l.operation = 'delete')
         OR (t.row_id IS NOT NULL AND EXISTS (
               SELECT 1 FROM jsonb_each(l.new_values) AS e
                WHERE NOT (to_jsonb(t) ? e.key) OR to_jsonb(t) -> e.key IS DISTINCT FROM e.value))
      ORDER BY 1 LIMIT ${LIST_LIMIT}`,
    [table],
  );
  return result.rows.map((r) => {
    const where = `${table} ${r.record_key ?? `row ${r.row_id}`}`;
    switch (r.kind) {
      case 'unaudited':
        return {
          path: where,
          message: `row ${r.row_id} has no audit event: it was inserted behind the application's back`,
        };
      case 'missing':
        return { path: where, message: 'was removed without an audit event' };
      case 'deleted':
        return { path: where, message: 'the audit trail says it was deleted, but the row exists' };
      default:
        return {
          path: where,
          message: `differs from its last audit event without an event of its own: ${changedFields(r.audited, r.row)}`,
        };
    }
  });
}

/**
 * The fields the row and its last event disagree on. Only the event's fields count: a column
 * added by a later migration is not in older events.
 */
function changedFields(
  audited: Record<string, unknown> | null,
  row: Record<string, unknown> | null,
): string {
  const shown = (record: Record<string, unknown> | null, key: string) =>
    record && key in record ? JSON.stringify(record[key]) : '(absent)';
  return Object.keys(audited ?? {})
    .filter((key) => shown(audited, key) !== shown(row, key))
    .map((key) => `${key} is ${shown(row, key)}, the trail says ${shown(audited, key)}`)
    .join('; ');
}
