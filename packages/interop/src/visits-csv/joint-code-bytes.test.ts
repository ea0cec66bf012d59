import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countActiveJointCodes, JOINTS } from '@jia-trial/outcomes';
import fc from 'fast-check';
import { asciiBytes, countActiveJointCodeBytes } from './joint-code-bytes.js';

/** The string form's answer: the counts, or the error message it throws. */
function fromStrings(codes: readonly string[]): string {
  try {
    const { active, active27 } = countActiveJointCodes(codes);
    return `${active}/${active27}`;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The byte form's answer for the same list written as a cell (codes separated by `;`). */
function fromBytes(codes: readonly string[]): string {
  const bytes = asciiBytes(codes.join(';'));
  const counts = countActiveJointCodeBytes(bytes, 0, bytes.length);
  return counts.error ?? `${counts.active}/${counts.active27}`;
}

test("the byte-level joint-code counter agrees with the outcome library's on any list", () => {
  const code = fc.oneof(
    fc.constantFrom(...JOINTS.map((j) => j.code)),
    fc.constantFrom('kne_l', 'KNEE_L', 'knee_l ', 'wrist'),
  );
  fc.assert(
    fc.property(fc.array(code, { minLength: 1, maxLength: 80 }), (codes) => {
      assert.equal(fromBytes(codes), fromStrings(codes));
    }),
    { numRuns: 2000 },
  );
  assert.equal(fromBytes(JOINTS.map((j) => j.code)), '71/27');
});
