/**
 * Reads an `active_joint_codes` cell (joint codes separated by ';') straight from its bytes:
 * a third of the rows of a large file carry one, and splitting a string per row cost more
 * than the rest of the row's validation. Codes are matched against the joint catalogue of
 * @jia-trial/outcomes by hashing their bytes.
 */
import { JOINTS } from '@jia-trial/outcomes';

const SEMICOLON = 0x3b;
const encoder = new TextEncoder();
const CODE_BYTES = JOINTS.map((joint) => encoder.encode(joint.code));
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
export function countJointCodes(bytes: Uint8Array, from: number, to: number): JointCodeCounts {
  stamp++;
  result.active = 0;
  result.active27 = 0;
  result.error = null;
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i < to && bytes[i] !== SEMICOLON) continue;
    const joint = findJoint(bytes, start, i);
    if (joint < 0) {
      result.error = `unknown joint code: ${JSON.stringify(new TextDecoder().decode(bytes.subarray(start, i)))}`;
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

function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}
