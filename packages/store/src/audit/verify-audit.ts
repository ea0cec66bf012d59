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
 * It also reports the unsealed window (unsealed-window.ts).
 */

import { createHash, type Hash } from 'node:crypto';
import type { Issue } from '@jia-trial/errors';
import pg from 'pg';
import { withSnapshot } from '../transaction.js';
import { AUDITED_TABLES } from './audited-tables.js';
import { blockHash, digestPart, type EventRow, eventHash, type HashFormat } from './hashes.js';
import { LIST_LIMIT, replay, versionsThatFall } from './replay.js';
import { sealNow } from './sealer.js';
import {
  DEFAULT_UNSEALED_ALERT_SECONDS,
  type UnsealedWindow,
  unsealedAlert,
  unsealedWindow,
} from './unsealed-window.js';

const ZERO_HASH: Buffer = Buffer.alloc(32);
/** Events read per query, in (batch, event) order through audit_event_batch_event. */
const PAGE = 5_000;

/** A problem found in the trail; its path says where: `block 12`, `event 4711`, `visit S1/V3`. */
export type AuditProblem = Issue;

/** A block and its hash, recorded outside the database: the chain must still hold it. */
export interface ExpectedHead {
  readonly blockSeq: number;
  /** Lowercase hex, 64 digits. */
  readonly hash: string;
}

export interface VerifyOptions {
  readonly expectHeads?: readonly ExpectedHead[];
  /** The unsealed window's limit (default DEFAULT_UNSEALED_ALERT_SECONDS). */
  readonly unsealedAlertSeconds?: number;
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

export async function verifyAudit(
  pool: pg.Pool,
  options: VerifyOptions = {},
): Promise<AuditReport> {
  // Committed work not sealed yet (a writer's background seal, a crash) is sealed first.
  await sealNow(pool);
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
  const scan = await scanEvents(client, blocks, BigInt(head[0]?.sealed_below ?? '0'));
  const chain = checkChain(blocks, scan.contents);
  // A stable sort: within a block, the event problems first, then the block's own.
  const located = [...scan.altered, ...chain.problems, ...scan.orphans];
  const problems: AuditProblem[] = located.sort((a, b) => a.seq - b.seq).map((p) => p.problem);
  const { last: prev, events, nextSeq: expectedSeq } = chain;
  const headRow = head[0];
  if (
    head.length !== 1 ||
    !headRow ||
    BigInt(headRow.block_seq) !== expectedSeq - 1n ||
    !headRow.block_hash.equals(prev)
  )
    problems.push({
      path: 'head',
      message: `the chain head (block ${headRow?.block_seq ?? 'none'}) is not the last block (${expectedSeq - 1n}): blocks at the end were removed or the head was altered`,
    });
  problems.push(...checkExpectedHeads(blocks, options.expectHeads ?? []));
  problems.push(...(await versionsThatFall(client)));
  for (const table of AUDITED_TABLES) problems.push(...(await replay(client, table)));
  const unsealed = await unsealedWindow(client);
  const alert = unsealedAlert(
    unsealed,
    options.unsealedAlertSeconds ?? DEFAULT_UNSEALED_ALERT_SECONDS,
  );
  return {
    ok: problems.length === 0,
    blocks: blocks.length,
    events,
    head: { blockSeq: Number(expectedSeq - 1n), hash: prev.toString('hex') },
    problems,
    unsealed,
    alerts: alert ? [alert] : [],
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
  hash_format: number;
}
/** A block's events as they are now, digested as its format says. */
interface BlockContent {
  digest: Buffer;
  n: number;
  first: bigint;
  last: bigint;
}

const formatOf = (block: BlockRow): HashFormat => (block.hash_format === 1 ? 1 : 2);

/**
 * Reads every event once, in (batch, event) order, a page at a time: recomputes its hash, adds
 * it to the digest of each block that lists its batch, and finds the events in no block below
 * the sealed horizon (work committed after the last seal is at or above it: unsealed, not
 * orphaned). A block's digest is finished once the scan has passed its last batch.
 */
async function scanEvents(
  client: pg.ClientBase,
  blocks: readonly BlockRow[],
  sealedBelow: bigint,
): Promise<{
  contents: Map<string, BlockContent>;
  altered: ChainProblem[];
  orphans: ChainProblem[];
}> {
  interface Open {
    readonly block: BlockRow;
    readonly last: bigint;
    hash: Hash | null;
    n: number;
    first: bigint;
    lastId: bigint;
  }
  const open: Open[] = blocks.map((block) => ({
    block,
    last: block.batch_ids.reduce((m, b) => (BigInt(b) > m ? BigInt(b) : m), -1n),
    hash: null,
    n: 0,
    first: 0n,
    lastId: 0n,
  }));
  const byBatch = new Map<string, Open[]>();
  for (const o of open)
    for (const batch of o.block.batch_ids) byBatch.set(batch, [...(byBatch.get(batch) ?? []), o]);
  const pending = [...open].sort((a, b) => (a.last < b.last ? -1 : a.last > b.last ? 1 : 0));
  let next = 0;
  const contents = new Map<string, BlockContent>();
  const finish = (o: Open) => {
    contents.set(o.block.block_seq, {
      digest: (o.hash ?? createHash('sha256')).digest(),
      n: o.n,
      first: o.first,
      last: o.lastId,
    });
    o.hash = null;
  };
  const altered: ChainProblem[] = [];
  let orphans = 0;
  let orphanFirst = 0n;
  let orphanLast = 0n;
  let after: [string, string] = ['-9223372036854775808', '-9223372036854775808'];
  for (;;) {
    const page = await client.query<EventRow>(
      `SELECT event_id::text, batch_id::text,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text,
              actor, reason, table_name, row_id::text, record_key, operation,
              old_values::text AS old_values, new_values::text AS new_values,
              actor_id, study_id, site_code, event_hash
         FROM audit_event e WHERE (e.batch_id, e.event_id) > ($1::bigint, $2::bigint)
        -- Qualified: the output columns of the same names are text, and would sort as text.
        ORDER BY e.batch_id, e.event_id LIMIT ${PAGE}`,
      after,
    );
    for (const e of page.rows) {
      const batch = BigInt(e.batch_id);
      while (next < pending.length && (pending[next] as Open).last < batch)
        finish(pending[next++] as Open);
      const id = BigInt(e.event_id);
      const members = byBatch.get(e.batch_id);
      if (!eventHash(e).equals(e.event_hash) && altered.length < LIST_LIMIT)
        altered.push({
          seq: members?.[0] ? Number(members[0].block.block_seq) : UNSEALED,
          problem: {
            path: `event ${e.event_id}`,
            message: `the ${e.operation} of ${e.table_name} ${e.record_key} was altered after it was written: its content no longer matches its hash`,
          },
        });
      if (members) {
        for (const o of members) {
          o.hash ??= createHash('sha256');
          o.hash.update(digestPart(formatOf(o.block), e.event_id, e.event_hash));
          if (o.n === 0 || id < o.first) o.first = id;
          if (o.n === 0 || id > o.lastId) o.lastId = id;
          o.n++;
        }
      } else if (batch < sealedBelow) {
        if (orphans === 0 || id < orphanFirst) orphanFirst = id;
        if (orphans === 0 || id > orphanLast) orphanLast = id;
        orphans++;
      }
    }
    const last = page.rows.at(-1);
    if (!last || page.rows.length < PAGE) break;
    after = [last.batch_id, last.event_id];
  }
  while (next < pending.length) finish(pending[next++] as Open);
  return {
    contents,
    altered,
    orphans:
      orphans === 0
        ? []
        : [
            {
              seq: UNSEALED,
              problem: {
                path: `events ${orphanFirst}-${orphanLast}`,
                message: `${orphans} events belong to no sealed block: they were written outside the audited path`,
              },
            },
          ],
  };
}

/** Walks the blocks in order: sequence, links, formats, block hashes, and each block's events. */
function checkChain(
  blocks: readonly BlockRow[],
  contents: ReadonlyMap<string, BlockContent>,
): { problems: ChainProblem[]; last: Buffer; events: number; nextSeq: bigint } {
  const problems: ChainProblem[] = [];
  let prev = ZERO_HASH;
  let expectedSeq = 1n;
  let events = 0;
  let previousFormat = 1;
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
    if (block.hash_format !== 1 && block.hash_format !== 2)
      report(`has hash format ${block.hash_format}, which this jia-trial does not know`);
    else if (block.hash_format < previousFormat)
      report(
        `is of hash format ${block.hash_format} after a block of format ${previousFormat}: formats only rise, so blocks were rewritten`,
      );
    previousFormat = Math.max(previousFormat, block.hash_format);
    const format = formatOf(block);
    const recomputed = blockHash(
      format,
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
    if (!batch || batch.n === 0) {
      report(`all ${block.event_count} of its events are missing`);
    } else if (batch.n !== block.event_count || !batch.digest.equals(block.events_digest)) {
      const difference = block.event_count - batch.n;
      const ids = `ids ${batch.first}-${batch.last}`;
      report(
        difference > 0
          ? `${difference} of its ${block.event_count} events are missing (those left are ${ids})`
          : difference < 0
            ? `${-difference} events were added to it after it was sealed (${ids})`
            : `its events (${ids}) were changed or replaced after it was sealed${format === 1 ? '' : ', or their ids exchanged'}`,
      );
    }
    prev = block.block_hash;
    expectedSeq = seq + 1n;
  }
  return { problems, last: prev, events, nextSeq: expectedSeq };
}

/** Each head kept outside the database must be in the chain, with its hash, and not past its end. */
function checkExpectedHeads(
  blocks: readonly BlockRow[],
  expected: readonly ExpectedHead[],
): AuditProblem[] {
  const bySeq = new Map(blocks.map((b) => [Number(b.block_seq), b.block_hash.toString('hex')]));
  // Block 0 is the empty chain's head: the zero hash.
  bySeq.set(0, ZERO_HASH.toString('hex'));
  const lastSeq = blocks.length === 0 ? 0 : Number(blocks.at(-1)?.block_seq);
  const problems: AuditProblem[] = [];
  for (const head of expected) {
    const path = `expected head ${head.blockSeq}`;
    const found = bySeq.get(head.blockSeq);
    if (head.blockSeq > lastSeq)
      problems.push({
        path,
        message: `the chain ends at block ${lastSeq}, before it: blocks at the end were removed since the head was kept (or this is another database)`,
      });
    else if (found === undefined)
      problems.push({ path, message: `block ${head.blockSeq} is not in the chain` });
    else if (found !== head.hash.toLowerCase())
      problems.push({
        path,
        message: `block ${head.blockSeq} has hash ${found}, not the expected ${head.hash}: the history up to it was rewritten since the head was kept (or this is another database)`,
      });
  }
  return problems;
}
