/**
 * verify-audit's one pass over the events: every event is read once, a page at a time, in
 * (batch, event) order through audit_event_batch_event; its hash is recomputed in Node
 * (hashes.ts), it is added to the digest of each block that lists its batch, and an event in no
 * block below the sealed horizon is an orphan (work committed after the last seal is at or above
 * the horizon: unsealed, not orphaned). A block's digest is finished once the scan has passed
 * its last batch, so at most the blocks still open are held.
 */
import { createHash, type Hash } from 'node:crypto';
import type pg from 'pg';
import {
  type BlockContent,
  type BlockRow,
  type ChainProblem,
  formatOf,
  UNSEALED,
} from './chain-check.js';
import { digestPart, type EventRow, eventHash } from './hashes.js';
import { LIST_LIMIT } from './replay.js';

/** Events read per query (9 ms a page on 210,011 events: docs/performance.md). */
const PAGE = 5_000;
/** Below every batch and event id: where the first page starts. */
const BEFORE_ALL = '-9223372036854775808';

export interface EventScan {
  /** Each block's events as they are now, by block_seq. */
  readonly contents: Map<string, BlockContent>;
  /** Events whose content no longer matches their hash (the first LIST_LIMIT). */
  readonly altered: ChainProblem[];
  /** Events below the sealed horizon in no block, as one range. */
  readonly orphans: ChainProblem[];
}

export async function scanEvents(
  client: pg.ClientBase,
  blocks: readonly BlockRow[],
  sealedBelow: bigint,
): Promise<EventScan> {
  const digests = new BlockDigests(blocks);
  const orphans = new IdRange();
  const altered: ChainProblem[] = [];
  let rows = await readPage(client, BEFORE_ALL, BEFORE_ALL);
  for (;;) {
    for (const e of rows) {
      const batch = BigInt(e.batch_id);
      digests.finishBefore(batch);
      const members = digests.blocksOf(e.batch_id);
      if (altered.length < LIST_LIMIT && !eventHash(e).equals(e.event_hash))
        altered.push(alteredEvent(e, members?.[0]?.block));
      if (members) for (const open of members) open.add(e);
      else if (batch < sealedBelow) orphans.add(BigInt(e.event_id));
    }
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) break;
    rows = await readPage(client, last.batch_id, last.event_id);
  }
  return { contents: digests.finishAll(), altered, orphans: orphanProblems(orphans) };
}

/** The PAGE events after (batch, event), in (batch, event) order through audit_event_batch_event. */
async function readPage(client: pg.ClientBase, batch: string, event: string): Promise<EventRow[]> {
  const page = await client.query<EventRow>(
    `SELECT event_id::text, batch_id::text,
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text,
            actor, reason, table_name, row_id::text, record_key, operation,
            old_values::text AS old_values, new_values::text AS new_values,
            actor_id, study_id, site_code, event_hash
       FROM audit_event e WHERE (e.batch_id, e.event_id) > ($1::bigint, $2::bigint)
      -- Qualified: the output columns of the same names are text, and would sort as text.
      ORDER BY e.batch_id, e.event_id LIMIT ${PAGE}`,
    [batch, event],
  );
  return page.rows;
}

function alteredEvent(e: EventRow, block: BlockRow | undefined): ChainProblem {
  return {
    seq: block ? Number(block.block_seq) : UNSEALED,
    problem: {
      path: `event ${e.event_id}`,
      message: `the ${e.operation} of ${e.table_name} ${e.record_key} was altered after it was written: its content no longer matches its hash`,
    },
  };
}

function orphanProblems(orphans: IdRange): ChainProblem[] {
  if (orphans.count === 0) return [];
  return [
    {
      seq: UNSEALED,
      problem: {
        path: `events ${orphans.first}-${orphans.last}`,
        message: `${orphans.count} events belong to no sealed block: they were written outside the audited path`,
      },
    },
  ];
}

/** A count of ids and their smallest and largest. */
class IdRange {
  count = 0;
  first = 0n;
  last = 0n;

  add(id: bigint): void {
    if (this.count === 0 || id < this.first) this.first = id;
    if (this.count === 0 || id > this.last) this.last = id;
    this.count++;
  }
}

/** One block's digest, built as its events arrive. */
class OpenBlock {
  private hash: Hash | null = null;
  private readonly ids = new IdRange();
  /** The block's highest batch: once the scan is past it, the block is complete. */
  readonly lastBatch: bigint;

  constructor(readonly block: BlockRow) {
    this.lastBatch = block.batch_ids.reduce((m, b) => (BigInt(b) > m ? BigInt(b) : m), -1n);
  }

  add(e: EventRow): void {
    this.hash ??= createHash('sha256');
    this.hash.update(digestPart(formatOf(this.block), e.event_id, e.event_hash));
    this.ids.add(BigInt(e.event_id));
  }

  finish(): BlockContent {
    const content = {
      digest: (this.hash ?? createHash('sha256')).digest(),
      n: this.ids.count,
      first: this.ids.first,
      last: this.ids.last,
    };
    this.hash = null;
    return content;
  }
}

/** The blocks' digests, by batch, finished in the order of their last batch. */
class BlockDigests {
  private readonly byBatch = new Map<string, OpenBlock[]>();
  private readonly pending: OpenBlock[];
  private next = 0;
  private readonly contents = new Map<string, BlockContent>();

  constructor(blocks: readonly BlockRow[]) {
    const open = blocks.map((block) => new OpenBlock(block));
    for (const o of open)
      for (const batch of o.block.batch_ids) {
        const members = this.byBatch.get(batch);
        if (members) members.push(o);
        else this.byBatch.set(batch, [o]);
      }
    this.pending = open.sort((a, b) =>
      a.lastBatch < b.lastBatch ? -1 : a.lastBatch > b.lastBatch ? 1 : 0,
    );
  }

  /** The blocks that list this batch (a batch in two blocks is a problem the digests show). */
  blocksOf(batch: string): readonly OpenBlock[] | undefined {
    return this.byBatch.get(batch);
  }

  /** Finishes every block whose batches all lie below `batch`. */
  finishBefore(batch: bigint): void {
    for (let o = this.pending[this.next]; o && o.lastBatch < batch; o = this.pending[++this.next])
      this.contents.set(o.block.block_seq, o.finish());
  }

  finishAll(): Map<string, BlockContent> {
    for (let o = this.pending[this.next]; o; o = this.pending[++this.next])
      this.contents.set(o.block.block_seq, o.finish());
    return this.contents;
  }
}
