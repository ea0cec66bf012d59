/**
 * The allocation list: generated from the protocol's randomisation and a recorded seed, the same
 * on every machine and Node version, so that an independent statistician can regenerate it from
 * the seed alone (ADR 0046; docs/protocol-engine.md, "Randomisation"). The algorithm, exactly:
 *
 * 1. The key is the seed's bytes (the seed is lower-case hex, at least 16 bytes; 32 random bytes
 *    recommended). For each stratum s (strataOf: the crossed levels, in the protocol's order),
 *    the k-th 32-bit word of its stream (k = 0, 1, 2, ...) is the first 4 bytes, read big-endian
 *    as an unsigned integer, of HMAC-SHA256(key, UTF-8 of `s + "\n" + k` with k in decimal).
 *    Each stratum has its own stream, so strata are independent: adding one changes no other.
 * 2. An integer uniform in [0, n) is drawn by rejection: take the next word w; if
 *    w >= 2^32 - (2^32 mod n) it is discarded and the next word taken; otherwise the draw is
 *    w mod n. No modulo bias.
 * 3. Blocks, until the stratum has at least listLengthPerStratum entries: the block's size is
 *    blockSizes[draw(blockSizes.length)]; the block holds each arm, in the protocol's order,
 *    ratio x size / (sum of ratios) times; it is shuffled by Fisher-Yates (Durstenfeld): for i
 *    from size - 1 down to 1, j = draw(i + 1), swap positions i and j. The block's entries are
 *    appended in order.
 *
 * HMAC-SHA256 and SHA-256 come from @noble/hashes (audited, no dependencies, no platform API),
 * so this package stays pure and runs in the browser too; its tests check them against
 * node:crypto and the RFC 4231 vectors.
 *
 * allocationListDigest gives the SHA-256 of the canonical text of a list, recorded when the list
 * is sealed, so that a later check can show the list was not changed.
 */
import { JiaError } from '@jia-trial/errors';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  levelsOf,
  type RandomisationSpec,
  SINGLE_STRATUM,
  type StratumFactor,
} from './randomisation-schema.js';

export interface AllocationEntry {
  readonly stratum: string;
  /** 1-based within the stratum: the order in which the stratum's subjects are allocated. */
  readonly sequence: number;
  /** 1-based within the stratum. */
  readonly block: number;
  readonly blockSize: number;
  /** An arm id of the protocol's randomisation. */
  readonly arm: string;
}

/** Lower-case hex of at least 16 bytes (128 bits); 32 random bytes (64 hex digits) recommended. */
export const SEED_PATTERN = /^(?:[0-9a-f]{2}){16,}$/;

const TWO_32 = 2 ** 32;

/**
 * The stratum's stream of unbiased integer draws under the seed (steps 1 and 2 of the header):
 * each call draws from [0, n). Exported for checking the stream itself.
 */
export function allocationDraws(seed: string, stratum: string): (n: number) => number {
  return drawsOf(checkedSeed(seed), stratum);
}

function drawsOf(key: Uint8Array, stratum: string): (n: number) => number {
  let counter = 0;
  const word = () => {
    const digest = hmac(sha256, key, utf8ToBytes(`${stratum}\n${counter}`));
    counter += 1;
    return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
  };
  return (n: number) => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32)
      throw new RangeError(`cannot draw from [0, ${n})`);
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const w = word();
      if (w < limit) return w % n;
    }
  };
}

function checkedSeed(seed: string): Uint8Array {
  if (!SEED_PATTERN.test(seed))
    throw new JiaError(
      'VALIDATION_FAILED',
      'the randomisation seed must be lower-case hexadecimal of at least 16 bytes (32 digits); 32 random bytes (64 digits) are recommended',
      {
        issues: [
          {
            path: 'seed',
            message: `${seed.length} characters, ${/^[0-9a-f]*$/.test(seed) ? 'hex' : 'not lower-case hex'}`,
          },
        ],
      },
    );
  return hexToBytes(seed);
}

/** The entries of one stratum (step 3 of the header). */
function stratumList(spec: RandomisationSpec, key: Uint8Array, stratum: string): AllocationEntry[] {
  const draw = drawsOf(key, stratum);
  const ratioSum = spec.arms.reduce((sum, arm) => sum + arm.ratio, 0);
  const entries: AllocationEntry[] = [];
  for (let block = 1; entries.length < spec.listLengthPerStratum; block += 1) {
    const blockSize = spec.blockSizes[draw(spec.blockSizes.length)] as number;
    const arms = spec.arms.flatMap((arm) =>
      Array.from({ length: (arm.ratio * blockSize) / ratioSum }, () => arm.id),
    );
    for (let i = arms.length - 1; i >= 1; i -= 1) {
      const j = draw(i + 1);
      [arms[i], arms[j]] = [arms[j] as string, arms[i] as string];
    }
    for (const arm of arms)
      entries.push({ stratum, sequence: entries.length + 1, block, blockSize, arm });
  }
  return entries;
}

/**
 * The allocation list of every stratum, stratum after stratum in strataOf's order. The spec is
 * the validated protocol's (defineProtocol checked that the ratios divide the block sizes).
 */
export function generateAllocationList(spec: RandomisationSpec, seed: string): AllocationEntry[] {
  const key = checkedSeed(seed);
  return strataOf(spec).flatMap((stratum) => stratumList(spec, key, stratum));
}

/** `field=level`, the factors joined by `;` (e.g. `ilar_category=systemic;sex=F`), or `all`. */
function stratumName(parts: readonly (readonly [field: string, level: string])[]): string {
  return parts.length === 0 ? SINGLE_STRATUM : parts.map(([f, l]) => `${f}=${l}`).join(';');
}

/** Every stratum the spec can produce: the factors' levels crossed, in the protocol's order. */
export function strataOf(spec: RandomisationSpec): string[] {
  let combos: (readonly [string, string])[][] = [[]];
  for (const factor of spec.strata)
    combos = combos.flatMap((combo) =>
      levelsOf(factor).map((level) => [...combo, [factor.field, level] as const]),
    );
  return combos.map(stratumName);
}

/** The level of one factor for a value of its field, or null when the value fits none. */
function levelOf(factor: StratumFactor, value: string): string | null {
  if (factor.groups === undefined) return levelsOf(factor).includes(value) ? value : null;
  for (const [group, codes] of Object.entries(factor.groups))
    if (codes.includes(value)) return group;
  return null;
}

/**
 * The stratum of a subject, from its subject fields (the dictionary's names, e.g.
 * `ilar_category`). VALIDATION_FAILED, naming the field and value, when a field the strata need
 * is missing or its value fits no level.
 */
export function stratumOf(
  spec: RandomisationSpec,
  subject: Readonly<Record<string, string | null | undefined>>,
): string {
  const parts: (readonly [string, string])[] = [];
  const issues: { path: string; message: string }[] = [];
  for (const factor of spec.strata) {
    const value = Object.hasOwn(subject, factor.field) ? subject[factor.field] : undefined;
    if (value === null || value === undefined || value === '') {
      issues.push({
        path: factor.field,
        message: 'missing: the randomisation is stratified by it',
      });
      continue;
    }
    const level = levelOf(factor, value);
    if (level === null) {
      const levels = factor.groups
        ? Object.entries(factor.groups)
            .map(([g, codes]) => `${g}: ${codes.join(', ')}`)
            .join('; ')
        : levelsOf(factor).join(', ');
      issues.push({
        path: factor.field,
        message: `${JSON.stringify(value)} fits no stratum level (${levels})`,
      });
      continue;
    }
    parts.push([factor.field, level]);
  }
  if (issues.length > 0)
    throw new JiaError(
      'VALIDATION_FAILED',
      `the subject's stratum cannot be told: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      { issues },
    );
  return stratumName(parts);
}

/**
 * The canonical text of a list: one line per entry, `stratum,sequence,block,blockSize,arm`,
 * sorted by stratum (code-unit order) then sequence, each line ending in "\n".
 */
export function canonicalAllocationList(entries: readonly AllocationEntry[]): string {
  return [...entries]
    .sort((a, b) =>
      a.stratum === b.stratum ? a.sequence - b.sequence : a.stratum < b.stratum ? -1 : 1,
    )
    .map((e) => `${e.stratum},${e.sequence},${e.block},${e.blockSize},${e.arm}\n`)
    .join('');
}

/** SHA-256 (lower-case hex) of the canonical text of the list (UTF-8). */
export function allocationListDigest(entries: readonly AllocationEntry[]): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalAllocationList(entries))));
}
