/**
 * Juvenile Arthritis Damage Index (JADI): long-term damage, articular (JADI-A) and
 * extra-articular (JADI-E), from a physical examination and the clinical history.
 *
 * Rule, JADI-A [S]: 36 joints or joint groups, each scored 0 (no damage), 1 (partial damage) or
 * 2 (severe damage, ankylosis or prosthesis); JADI-A is the sum. Cervical spine, both
 * shoulders, elbows, wrists, every MCP and PIP joint, hips and knees are scored one by one; both
 * temporomandibular joints together are one unit, and so are the ankle with the subtalar joint
 * of each foot, and the metatarsophalangeal joints of each foot. A contracture or deformity is
 * scored only when prior damage explains it completely (not active arthritis) and it has lasted
 * at least 6 months; each unit takes only its most severe damage (that sentence was read cut
 * off after "only the most sev", docs/clinical/jadi.md). Derived, not stated in what was read:
 * the maximum 72 (36 x 2) and "5 PIP units a hand", which makes the 36 add up and so counts the
 * thumb's interphalangeal joint as PIP 1, as the 71-joint catalogue does.
 *
 * Sources: Viola S, Felici E, Magni-Manzoni S, et al. Development and validation of a clinical
 * index for assessment of long-term damage in juvenile idiopathic arthritis. Arthritis Rheum
 * 2005;52(7):2092-2102. doi:10.1002/art.21119, PMID 15986372 [V: the PubMed and Wiley abstracts
 * and the first page of the paper itself (title, authors, abstract): two parts, JADI-A and
 * JADI-E, validated in 158 patients]. The rest of the paper, its methods and its appendix (the
 * form), could not be read: the stored copy of the full text gives its first page only. The
 * joint units and the 0/1/2 scoring are restated by Sarma PK, Misra R, Aggarwal A, Pediatr
 * Rheumatol 2008;6:18 (doi:10.1186/1546-0096-6-18), methods [S].
 *
 * JADI-E [M]: neither its items nor their points nor its maximum were read at any source (the
 * abstract names only the part, and the Sarma excerpt read stops before JADI-E). Even the five
 * domains below (eye, the musculoskeletal system outside the joints, skin, endocrine system,
 * secondary amyloidosis) are recalled, not read. jia-trial records JADI-E by these domains,
 * each as the points the published form gives that domain, and sums them; no domain maximum is
 * known, so a domain is refused only above JADI_E_POINTS_LIMIT, the JADI-E total as recalled
 * (17, [M]). Every JADI-E result carries `evidence: 'M'` until the form is read
 * (docs/clinical/jadi.md, ADR 0022).
 *
 * jia-trial decisions [D] (ADR 0022): JADI's own 36 units are recorded, not the 71-joint
 * catalogue (a unit that groups joints has one score, which per-joint findings cannot give
 * without a rule the source does not state); each unit names the catalogue joints it covers,
 * for display. An index is complete only when every one of its items is recorded: an
 * incomplete JADI-A is reported as incomplete, with the missing units, never as a sum of what
 * was recorded (house style; a partial sum is given apart as `recordedSum`).
 */

import type { MeasureInfo } from './citations.js';
import type { JointCode } from './joints/catalogue.js';
import type { Outcome } from './result.js';

export const jadiMeasure: MeasureInfo = {
  id: 'jadi',
  name: 'Juvenile Arthritis Damage Index (JADI-A, JADI-E)',
  citations: ['viola2005', 'sarma2008'],
};

export interface JadiArticularUnit {
  /** The item code recorded (damage.csv `item`). */
  readonly code: string;
  readonly name: string;
  /** The joints of the 71-joint catalogue the unit covers (display and body map only). */
  readonly joints: readonly JointCode[];
}

const sides = ['l', 'r'] as const;
const sideName = { l: 'left', r: 'right' } as const;

function pair(code: string, name: string): JadiArticularUnit[] {
  return sides.map((s) => ({
    code: `jadi_a_${code}_${s}`,
    name: `${name} (${sideName[s]})`,
    joints: [`${code}_${s}` as JointCode],
  }));
}

function digits(code: 'mcp' | 'pip', name: string): JadiArticularUnit[] {
  return [1, 2, 3, 4, 5].flatMap((n) => pair(`${code}${n}`, `${name} ${n}`));
}

/** The 36 JADI-A units, in examination order (head to feet) [S: Sarma 2008 restating Viola 2005]. */
export const JADI_A_UNITS: readonly JadiArticularUnit[] = [
  {
    code: 'jadi_a_temporomandibular',
    name: 'Temporomandibular joints (both, one unit)',
    joints: ['temporomandibular_l', 'temporomandibular_r'],
  },
  { code: 'jadi_a_cervical_spine', name: 'Cervical spine', joints: ['cervical_spine'] },
  ...pair('shoulder', 'Shoulder'),
  ...pair('elbow', 'Elbow'),
  ...pair('wrist', 'Wrist'),
  ...digits('mcp', 'Metacarpophalangeal joint'),
  ...digits('pip', 'Proximal interphalangeal joint'),
  ...pair('hip', 'Hip'),
  ...pair('knee', 'Knee'),
  ...sides.map((s) => ({
    code: `jadi_a_ankle_subtalar_${s}`,
    name: `Ankle and subtalar joint (${sideName[s]}, one unit)`,
    joints: [`ankle_${s}`, `subtalar_${s}`] as JointCode[],
  })),
  ...sides.map((s) => ({
    code: `jadi_a_mtp_${s}`,
    name: `Metatarsophalangeal joints (${sideName[s]} foot, one unit)`,
    joints: [1, 2, 3, 4, 5].map((n) => `mtp${n}_${s}`) as JointCode[],
  })),
];

/** Points of a JADI-A unit: 0 none, 1 partial damage, 2 severe damage, ankylosis or prosthesis. */
export const JADI_A_UNIT_MAX = 2;
/** 36 units x 2: derived from the [S] units and scoring, not a figure read. */
export const JADI_A_MAX = JADI_A_UNITS.length * JADI_A_UNIT_MAX;

/** The JADI-E domains jia-trial records [M: the domains, items and points were not read]. */
export const JADI_E_DOMAINS = [
  { code: 'jadi_e_ocular', name: 'Ocular damage' },
  { code: 'jadi_e_musculoskeletal', name: 'Extra-articular musculoskeletal damage' },
  { code: 'jadi_e_cutaneous', name: 'Cutaneous damage' },
  { code: 'jadi_e_endocrine', name: 'Endocrine damage (growth, puberty)' },
  { code: 'jadi_e_amyloidosis', name: 'Secondary amyloidosis' },
] as const;

/**
 * The highest points a JADI-E domain is accepted with: the JADI-E total as recalled from Viola
 * 2005 (17) [M]. A plausibility limit, not the instrument's per-domain maximum (not read).
 */
export const JADI_E_POINTS_LIMIT = 17;

/** Every JADI item jia-trial records, with the highest points it takes. */
export const JADI_ITEMS: readonly {
  readonly code: string;
  readonly name: string;
  readonly max: number;
}[] = [
  ...JADI_A_UNITS.map((u) => ({ code: u.code, name: u.name, max: JADI_A_UNIT_MAX })),
  ...JADI_E_DOMAINS.map((d) => ({ code: d.code, name: d.name, max: JADI_E_POINTS_LIMIT })),
];

const ITEM_MAX = new Map(JADI_ITEMS.map((i) => [i.code, i.max]));

/**
 * Why a recorded JADI item's points are refused, or null when they are valid: an unknown item,
 * a value that is not a whole number, negative, or above the item's maximum.
 */
export function jadiItemProblem(code: string, points: number): string | null {
  const max = ITEM_MAX.get(code);
  if (max === undefined) return `${code} is not a JADI item`;
  if (!Number.isInteger(points) || points < 0 || points > max)
    return code.startsWith('jadi_a_')
      ? `a JADI-A unit scores 0 (no damage), 1 (partial) or 2 (severe, ankylosis or prosthesis); got ${points}`
      : `JADI-E points of a domain are a whole number from 0 to ${max}; got ${points}`;
  return null;
}

export interface JadiPart extends Outcome<number> {
  /** The sum of the items recorded, complete or not (null when none was recorded). */
  readonly recordedSum: number | null;
  /** Items above 0. */
  readonly damagedItems: readonly string[];
  /** How the rule was checked: JADI-A [S], JADI-E [M] (docs/clinical/jadi.md). */
  readonly evidence: 'S' | 'M';
}

export interface JadiResult {
  readonly articular: JadiPart;
  readonly extraArticular: JadiPart;
}

function scorePart(
  items: readonly string[],
  recorded: ReadonlyMap<string, number>,
  evidence: 'S' | 'M',
): JadiPart {
  const missing = items.filter((code) => !recorded.has(code));
  const present = items.filter((code) => recorded.has(code));
  const recordedSum =
    present.length === 0 ? null : present.reduce((sum, c) => sum + (recorded.get(c) ?? 0), 0);
  return {
    value: missing.length === 0 ? recordedSum : null,
    complete: missing.length === 0,
    missing,
    recordedSum,
    damagedItems: present.filter((c) => (recorded.get(c) ?? 0) > 0),
    evidence,
  };
}

/**
 * JADI-A and JADI-E of one assessment, from its items' points (item code -> points). Throws a
 * RangeError naming the item when a value is invalid (jadiItemProblem): a record is validated
 * before it is scored, so an invalid one here is a programming error, never scored.
 */
export function scoreJadi(
  points: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
): JadiResult {
  const recorded = points instanceof Map ? points : new Map(Object.entries(points));
  for (const [code, value] of recorded) {
    const problem = jadiItemProblem(code, value);
    if (problem) throw new RangeError(`${code}: ${problem}`);
  }
  return {
    articular: scorePart(
      JADI_A_UNITS.map((u) => u.code),
      recorded,
      'S',
    ),
    extraArticular: scorePart(
      JADI_E_DOMAINS.map((d) => d.code),
      recorded,
      'M',
    ),
  };
}
