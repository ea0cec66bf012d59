/**
 * A list of active joint codes separated by ';' (as in a visits file's `active_joint_codes`),
 * counted straight from its UTF-8 bytes: a large file carries one on a third of its rows, and
 * splitting a string per row cost more than the rest of the row's validation. Codes are
 * matched against the catalogue by a hash of their bytes. The string form,
 * countActiveJointCodes, goes through this function too, so there is one implementation.
 */

import { JOINTS } from '@jia-trial/outcomes';
import { hashBytes } from './byte-hash.js';

const SEMICOLON = 0x3b;
const CODE_BYTES = JOINTS.map((joint) => asciiBytes(joint.code));
const IN_27 = JOINTS.map((joint) => joint.inJadas27);
const TABLE_SIZE = 512;
const MASK = TABLE_SIZE - 1;
/** Open-addressing table of joint index + 1 by byte hash (0: empty). */
const slots = new Int16Array(TABLE_SIZE);
for (let j = 0; j < CODE_BYTES.length; j++) {
  const bytes = CODE_BYTES[j] as Uint8Array;
  let slot = hashBytes(bytes, 0, bytes.length) & MASK;
  while (slots[slot] !== 0) slot = (slot + 1) & MASK;
  slots[slot] = j + 1;
}
/** Row stamp of the last time each joint was seen, to find a code listed twice. */
const seenStamp = new Int32Array(JOINTS.length).fill(-1);
let stamp = 0;

export interface JointCodeCounts {
  active: number;
  active27: number;
  /** Why the cell is invalid, or null. */
  error: string | null;
}

const result: JointCodeCounts = { active: 0, active27: 0, error: null };

/** Counts the joints of the cell bytes[from, to); the returned object is reused by the next call. */
export function countActiveJointCodeBytes(
  bytes: Uint8Array,
  from: number,
  to: number,
): JointCodeCounts {
  stamp++;
  result.active = 0;
  result.active27 = 0;
  result.error = null;
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i < to && bytes[i] !== SEMICOLON) continue;
    const joint = findJoint(bytes, start, i);
    if (joint < 0) {
      result.error = `unknown joint code: ${describeBytes(bytes.subarray(start, i))}`;
      return result;
    }
    if (seenStamp[joint] === stamp) {
      result.error = `joint code listed twice: ${JSON.stringify(JOINTS[joint]?.code)}`;
      return result;
    }
    seenStamp[joint] = stamp;
    result.active++;
    if (IN_27[joint]) result.active27++;
    start = i + 1;
  }
  return result;
}

function findJoint(bytes: Uint8Array, start: number, end: number): number {
  for (let slot = hashBytes(bytes, start, end) & MASK; ; slot = (slot + 1) & MASK) {
    const entry = slots[slot] as number;
    if (entry === 0) return -1;
    const code = CODE_BYTES[entry - 1] as Uint8Array;
    if (code.length === end - start && code.every((b, k) => b === bytes[start + k]))
      return entry - 1;
  }
}

/**
 * A string's UTF-16 units as bytes, for the ASCII joint codes. Any other character becomes 0xFF,
 * which no code contains, so a non-ASCII code can never match. (The library uses no host API
 * beyond ECMAScript, so no TextEncoder.)
 */
export function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => {
    const unit = c.charCodeAt(0);
    return unit < 0x80 ? unit : 0xff;
  });
}

/** Bytes quoted for a message: printable ASCII as is, any other byte as \xNN. */
function describeBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    text +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}"`;
}
