/**
 * verify-audit's checks of the hash chain itself (migrations 0006 and 0017, ADR 0024): each
 * block in sequence, linked to the one before, of a format that never falls, with a hash that
 * matches its content and a digest that matches its events as they are now (event-scan.ts);
 * and each head kept outside the database (--expect-head, signed anchors) still in the chain.
 */
import type { Issue } from '@jia-trial/errors';
import { blockHash, type HashFormat } from './hashes.js';

export const ZERO_HASH: Buffer = Buffer.alloc(32);
/** Where a problem of no block sorts: after every block's. */
export const UNSEALED = Number.MAX_SAFE_INTEGER;

/** A problem with the chain, with the block it is in (for chain order). */
export interface ChainProblem {
  readonly seq: number;
  readonly problem: Issue;
}

export interface BlockRow {
  block_seq: string;
  batch_ids: string[];
  event_count: number;
  events_digest: Buffer;
  prev_hash: Buffer;
  block_hash: Buffer;
  hash_format: number;
}

/** A block's events as they are now, digested as its format says. */
export interface BlockContent {
  digest: Buffer;
  n: number;
  first: bigint;
  last: bigint;
}

/** A block and its hash, recorded outside the database: the chain must still hold it. */
export interface ExpectedHead {
  readonly blockSeq: number;
  /** Lowercase hex, 64 digits. */
  readonly hash: string;
}

export const formatOf = (block: BlockRow): HashFormat => (block.hash_format === 1 ? 1 : 2);

export interface ChainCheck {
  readonly problems: ChainProblem[];
  /** The last block's hash (the zero hash for an empty chain). */
  readonly last: Buffer;
  readonly events: number;
  readonly nextSeq: bigint;
}

/** Walks the blocks in order: sequence, links, formats, block hashes, and each block's events. */
export function checkChain(
  blocks: readonly BlockRow[],
  contents: ReadonlyMap<string, BlockContent>,
): ChainCheck {
  const problems: ChainProblem[] = [];
  let prev = ZERO_HASH;
  let expectedSeq = 1n;
  let events = 0;
  let previousFormat = 1;
  for (const block of blocks) {
    const seq = BigInt(block.block_seq);
    const messages = [
      linkProblem(block, expectedSeq, prev),
      formatProblem(block, previousFormat),
      hashProblem(block),
      contentProblem(block, contents.get(block.block_seq)),
    ];
    for (const message of messages)
      if (message)
        problems.push({ seq: Number(seq), problem: { path: `block ${block.block_seq}`, message } });
    previousFormat = Math.max(previousFormat, block.hash_format);
    events += block.event_count;
    prev = block.block_hash;
    expectedSeq = seq + 1n;
  }
  return { problems, last: prev, events, nextSeq: expectedSeq };
}

function linkProblem(block: BlockRow, expectedSeq: bigint, prev: Buffer): string | null {
  const seq = BigInt(block.block_seq);
  if (seq !== expectedSeq)
    return `block ${expectedSeq}${seq - expectedSeq > 1n ? `-${seq - 1n}` : ''} is missing from the chain`;
  if (!block.prev_hash.equals(prev))
    return 'does not link to the block before it (prev_hash differs)';
  return null;
}

function formatProblem(block: BlockRow, previousFormat: number): string | null {
  if (block.hash_format !== 1 && block.hash_format !== 2)
    return `has hash format ${block.hash_format}, which this jia-trial does not know`;
  if (block.hash_format < previousFormat)
    return `is of hash format ${block.hash_format} after a block of format ${previousFormat}: formats only rise, so blocks were rewritten`;
  return null;
}

function hashProblem(block: BlockRow): string | null {
  const recomputed = blockHash(
    formatOf(block),
    block.prev_hash,
    BigInt(block.block_seq),
    block.event_count,
    block.events_digest,
    block.batch_ids,
  );
  return recomputed.equals(block.block_hash)
    ? null
    : 'was altered: its hash does not match its content';
}

function contentProblem(block: BlockRow, content: BlockContent | undefined): string | null {
  if (!content || content.n === 0) return `all ${block.event_count} of its events are missing`;
  if (content.n === block.event_count && content.digest.equals(block.events_digest)) return null;
  const difference = block.event_count - content.n;
  const ids = `ids ${content.first}-${content.last}`;
  if (difference > 0)
    return `${difference} of its ${block.event_count} events are missing (those left are ${ids})`;
  if (difference < 0) return `${-difference} events were added to it after it was sealed (${ids})`;
  return `its events (${ids}) were changed or replaced after it was sealed${formatOf(block) === 1 ? '' : ', or their ids exchanged'}`;
}

/** Each head kept outside the database must be in the chain, with its hash, and not past its end. */
export function checkExpectedHeads(
  blocks: readonly BlockRow[],
  expected: readonly ExpectedHead[],
): Issue[] {
  const bySeq = new Map(blocks.map((b) => [Number(b.block_seq), b.block_hash.toString('hex')]));
  // Block 0 is the empty chain's head: the zero hash.
  bySeq.set(0, ZERO_HASH.toString('hex'));
  const lastSeq = blocks.length === 0 ? 0 : Number(blocks.at(-1)?.block_seq);
  const problems: Issue[] = [];
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
