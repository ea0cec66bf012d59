/**
 * Joint examination and joint counts.
 *
 * Active arthritis (ILAR/ACR usage as restated for the JIA core set; Giannini 1997 core set;
 * Consolaro 2016 review, doi:10.1186/s12969-016-0085-5): a joint with swelling not due to
 * deformity or, when there is no swelling, limitation of motion together with pain on motion
 * and/or tenderness. Limited joints count every joint with limited motion, active or not.
 * JADAS-10 counts active joints among any joints, capped at 10 (Consolaro 2009,
 * doi:10.1002/art.24516); JADAS-27 counts them in the reduced set (Bazso 2009,
 * doi:10.3899/jrheum.080432); JADAS-71 in the full set.
 */
import type { MeasureInfo } from '../citations.js';
import type { Maybe, Outcome, Verdict } from '../result.js';
import { allOf, anyOf } from '../verdict.js';
import { findJoint, JOINTS, type JointCode } from './catalogue.js';

export const jointCountsMeasure: MeasureInfo = {
  id: 'joint-counts',
  name: 'Active and limited joint counts (71, 27 and capped 10)',
  citations: ['consolaro2009', 'bazso2009', 'giannini1997'],
};

/** Findings for one joint at one visit; a missing finding was not assessed. */
export interface JointFinding {
  /** Swelling not due to deformity (bony enlargement does not count). */
  readonly swollen?: Maybe<boolean>;
  /** Pain on motion and/or tenderness. */
  readonly painful?: Maybe<boolean>;
  /** Limitation of motion. */
  readonly limited?: Maybe<boolean>;
}

/** Whether a joint has active arthritis; null when the findings do not decide it. */
export function isActiveJoint(finding: JointFinding): Verdict {
  const swollen = finding.swollen ?? null;
  const limitedAndPainful = allOf(finding.limited ?? null, finding.painful ?? null);
  return anyOf(swollen, limitedAndPainful);
}

export interface JointCounts {
  /** Active joints over the 71-joint set. */
  readonly active: Outcome<number>;
  /** Active joints over the JADAS-27 subset. */
  readonly active27: Outcome<number>;
  /** min(active, 10), the JADAS-10 joint term. */
  readonly active10: Outcome<number>;
  /** Joints with limited motion over the 71-joint set. */
  readonly limited: Outcome<number>;
  /** Codes of the active joints (known to be active). */
  readonly activeCodes: readonly JointCode[];
}

export interface JointExamOptions {
  /**
   * How to read a joint absent from the exam: 'missing' (not assessed; the default, so a
   * partial exam never passes for a complete one) or 'normal' (forms that record only
   * abnormal joints).
   */
  readonly unlistedJoints?: 'missing' | 'normal';
}

const NORMAL: JointFinding = { swollen: false, painful: false, limited: false };

/**
 * Counts active and limited joints in a joint-by-joint exam. Throws on an unknown joint code.
 * A count whose joints are not all decided is null, with the undecided joints in `missing`.
 */
export function countJoints(
  exam: Readonly<Partial<Record<string, JointFinding>>>,
  options: JointExamOptions = {},
): JointCounts {
  for (const code of Object.keys(exam)) {
    if (!findJoint(code)) throw new RangeError(`unknown joint code: ${JSON.stringify(code)}`);
  }
  const unlisted = options.unlistedJoints ?? 'missing';
  let active = 0;
  let active27 = 0;
  let limited = 0;
  const activeCodes: JointCode[] = [];
  const undecidedActive: JointCode[] = [];
  const undecidedActive27: JointCode[] = [];
  const undecidedLimited: JointCode[] = [];
  for (const joint of JOINTS) {
    const finding = exam[joint.code] ?? (unlisted === 'normal' ? NORMAL : {});
    const isActive = isActiveJoint(finding);
    if (isActive === null) {
      undecidedActive.push(joint.code);
      if (joint.inJadas27) undecidedActive27.push(joint.code);
    } else if (isActive) {
      active++;
      activeCodes.push(joint.code);
      if (joint.inJadas27) active27++;
    }
    const isLimited = finding.limited ?? null;
    if (isLimited === null) undecidedLimited.push(joint.code);
    else if (isLimited) limited++;
  }
  // Ten active joints are enough to decide the capped count whatever the undecided ones are.
  const active10Decided = undecidedActive.length === 0 || active >= 10;
  return {
    active: countOutcome(active, undecidedActive),
    active27: countOutcome(active27, undecidedActive27),
    active10: {
      value: active10Decided ? Math.min(active, 10) : null,
      complete: undecidedActive.length === 0,
      missing: undecidedActive,
    },
    limited: countOutcome(limited, undecidedLimited),
    activeCodes,
  };
}

function countOutcome(count: number, undecided: readonly string[]): Outcome<number> {
  return {
    value: undecided.length === 0 ? count : null,
    complete: undecided.length === 0,
    missing: undecided,
  };
}

/**
 * Active-joint counts from a list of active joint codes (every other joint inactive), as in a
 * form or file that lists only the active joints. Throws on an unknown or repeated code.
 * (@jia-trial/interop counts the same lists straight from a file's bytes; its tests check that
 * the two agree.)
 */
export function countActiveJointCodes(codes: readonly string[]): {
  active: number;
  active27: number;
} {
  const seen = new Set<JointCode>();
  let active27 = 0;
  for (const code of codes) {
    const joint = findJoint(code);
    if (!joint) throw new RangeError(`unknown joint code: ${JSON.stringify(code)}`);
    if (seen.has(joint.code))
      throw new RangeError(`joint code listed twice: ${JSON.stringify(code)}`);
    seen.add(joint.code);
    if (joint.inJadas27) active27++;
  }
  return { active: seen.size, active27 };
}
