/**
 * The 71-joint catalogue used for every joint count (JADAS-71; the JADAS-27 subset of Bazso
 * 2009). The list is data: packages/outcomes/data/joints.csv, compiled into
 * catalogue.generated.ts by scripts/generate-joint-catalogue.mjs. The 27-joint subset is
 * verified (Bazso A, et al. J Rheumatol 2009;36:183-90, PMID 19208532); the composition of the
 * 71 is reconstructed and awaits checking against the PRINTO/PRCSG joint form (docs/clinical/
 * joint-counts.md), which is why a corrected list must be a data change, not a code change.
 */
import { JOINT_CATALOGUE_ROWS } from './catalogue.generated.js';

export type JointCode = (typeof JOINT_CATALOGUE_ROWS)[number]['code'];
export type JointRegion = (typeof JOINT_CATALOGUE_ROWS)[number]['region'];

export interface Joint {
  readonly code: JointCode;
  readonly name: string;
  readonly region: JointRegion;
  readonly side: 'left' | 'right' | 'midline';
  readonly inJadas27: boolean;
}

export const JOINTS: readonly Joint[] = JOINT_CATALOGUE_ROWS;

/** Size of the full joint count (JADAS-71) and of its reduced subset (JADAS-27). */
export const FULL_JOINT_COUNT = 71;
export const REDUCED_JOINT_COUNT = 27;

const byCode = new Map<string, Joint>(JOINTS.map((joint) => [joint.code, joint]));

export function isJointCode(code: string): code is JointCode {
  return byCode.has(code);
}

/** The catalogue entry of a joint code, or undefined for an unknown code. */
export function findJoint(code: string): Joint | undefined {
  return byCode.get(code);
}
