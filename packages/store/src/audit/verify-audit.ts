/**
 * `jia-trial verify-audit`: recomputes the audit trail's hashes and replays it against the
 * current rows (migrations 0001, 0006 and 0017 describe the chain). It finds:
 * - an event whose content was altered (its hash no longer matches);
 * - an event removed from, added to or moved within the sealed blocks (a block digest no longer
 *   matches; format-2 digests cover event ids) and events that belong to no block;
 * - a block removed, reordered, altered or downgraded to an older hash format;
 * - a head that is not the last block, and a chain that lacks a head kept outside the database
 *   (`expectHeads`: from --expect-head or signed anchors);
 * - a clinical row that differs from what its last audit event says, a row with no audit event,
 *   a row the trail says exists but is gone, and a record whose versions do not rise with its
 *   events (changes made with the triggers disabled, events reordered).
 * It trusts no function stored in the database: every hash is recomputed here, in Node, from the
 * stored data (hashes.ts), and its own queries run with search_path pinned to pg_catalog first,
 * so that no function of a schema the database's users can write stands in for a built-in one.
 * It also reports the unsealed window (unsealed-window.ts). The pass over the events is
 * event-scan.ts, the chain's checks chain-check.ts, the rows' replay.ts.
 */

import type { Issue } from '@jia-trial/errors';
import pg from 'pg';
import { withSnapshot } from '../transaction.js';
import { AUDITED_TABLES } from './audited-tables.js';
import { type BlockRow, checkChain, checkExpectedHeads, type ExpectedHead } from './chain-check.js';
import { scanEvents } from './event-scan.js';
import { replay, versionsThatFall } from './replay.js';
import { sealNow } from './sealer.js';
import {
  DEFAULT_UNSEALED_ALERT_SECONDS,
  type UnsealedWindow,
  unsealedAlert,
  unsealedWindow,
} from './unsealed-window.js';

export type { ExpectedHead } from './chain-check.js';

/** A problem found in the trail; its path says where: `block 12`, `event 4711`, `visit S1/V3`. */
export type AuditProblem = Issue;

/**
 * verify-audit's phases, in order, for a caller that times them (the benchmark,
 * JIA_TRIAL_TIMING=1): the seal; reading the blocks and the head; the scan of every event;
 * the chain; the rising versions; the rows of each table against the trail; the unsealed window.
 */
export type VerifyPhase = 'seal' | 'blocks' | 'events' | 'chain' | 'versions' | 'rows' | 'unsealed';

export interface VerifyOptions {
  readonly expectHeads?: readonly ExpectedHead[];
  /** The unsealed window's limit (default DEFAULT_UNSEALED_ALERT_SECONDS). */
  readonly unsealedAlertSeconds?: number;
  /** Called as each phase ends, with its duration in milliseconds. */
  readonly onPhase?: (phase: VerifyPhase, milliseconds: number) => void;
}

export interface AuditReport {
  /** The trail verifies (alerts aside: they are about what is not sealed yet). */
  readonly ok: boolean;
  readonly blocks: number;
  readonly events: number;
  /** The last block's sequence number and hash: record it elsewhere to detect a rewrite. */
  readonly head: ExpectedHead;
  readonly problems: readonly AuditProblem[];
  /** Events committed but not linked into the chain yet, and what holds them back. */
  readonly unsealed: UnsealedWindow;
  /** The unsealed window past its limit. */
  readonly alerts: readonly AuditProblem[];
}

/** Times each phase for options.onPhase; a no-op without it. */
function phaseClock(options: VerifyOptions): (phase: VerifyPhase) => void {
  let started = performance.now();
  return (phase) => {
    const now = performance.now();
    options.onPhase?.(phase, now - started);
    started = now;
  };
}

export async function verifyAudit(
  pool: pg.Pool,
  options: VerifyOptions = {},
): Promise<AuditReport> {
  const started = performance.now();
  // Committed work not sealed yet (a writer's background seal, a crash) is sealed first.
  await sealNow(pool);
  options.onPhase?.('seal', performance.now() - started);
  // One snapshot for every query, so that concurrent writers cannot cause false alarms.
  return withSnapshot(pool, (client) => inspectAudit(client, options));
}

/**
 * The checks of verifyAudit on a client's current transaction (restore runs them before it
 * commits); the caller provides the snapshot and seals first. It pins the transaction's
 * search_path (SET LOCAL).
 */
export async function inspectAudit(
  client: pg.PoolClient,
  options: VerifyOptions = {},
): Promise<AuditReport> {
  const lap = phaseClock(options);
  const schema = (await client.query<{ s: string }>('SELECT pg_catalog.current_schema() AS s'))
    .rows[0]?.s;
  await client.query(
    `SET LOCAL search_path = pg_catalog, ${pg.escapeIdentifier(schema ?? 'public')}, pg_temp`,
  );
  const blocks = (
    await client.query<BlockRow>(
      `SELECT block_seq::text, batch_ids::text[] AS batch_ids, event_count, events_digest,
              prev_hash, block_hash, hash_format FROM audit_block b ORDER BY b.block_seq`,
    )
  ).rows;
  const head = (
    await client.query<{ block_seq: string; block_hash: Buffer; sealed_below: string }>(
      'SELECT block_seq::text, block_hash, sealed_below::text FROM audit_head',
    )
  ).rows;
  lap('blocks');
  const scan = await scanEvents(client, blocks, BigInt(head[0]?.sealed_below ?? '0'));
  lap('events');
  const chain = checkChain(blocks, scan.contents);
  // A stable sort: within a block, the event problems first, then the block's own.
  const located = [...scan.altered, ...chain.problems, ...scan.orphans];
  const problems: AuditProblem[] = located.sort((a, b) => a.seq - b.seq).map((p) => p.problem);
  const headProblem = checkHead(head, chain.nextSeq - 1n, chain.last);
  if (headProblem) problems.push(headProblem);
  problems.push(...checkExpectedHeads(blocks, options.expectHeads ?? []));
  lap('chain');
  problems.push(...(await versionsThatFall(client)));
  lap('versions');
  for (const table of AUDITED_TABLES) problems.push(...(await replay(client, table)));
  lap('rows');
  const unsealed = await unsealedWindow(client);
  const alert = unsealedAlert(
    unsealed,
    options.unsealedAlertSeconds ?? DEFAULT_UNSEALED_ALERT_SECONDS,
  );
  lap('unsealed');
  return {
    ok: problems.length === 0,
    blocks: blocks.length,
    events: chain.events,
    head: { blockSeq: Number(chain.nextSeq - 1n), hash: chain.last.toString('hex') },
    problems,
    unsealed,
    alerts: alert ? [alert] : [],
  };
}

/** audit_head must be one row naming the chain's last block and its hash. */
function checkHead(
  head: readonly { block_seq: string; block_hash: Buffer }[],
  lastSeq: bigint,
  lastHash: Buffer,
): AuditProblem | null {
  const row = head[0];
  if (
    head.length === 1 &&
    row &&
    BigInt(row.block_seq) === lastSeq &&
    row.block_hash.equals(lastHash)
  )
    return null;
  return {
    path: 'head',
    message: `the chain head (block ${row?.block_seq ?? 'none'}) is not the last block (${lastSeq}): blocks at the end were removed or the head was altered`,
  };
}
