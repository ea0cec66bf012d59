/**
 * Where each joint of the 71-joint catalogue sits on the body map: a front view (the patient
 * faces the viewer, so the patient's left is on the viewer's right), with the hands and feet
 * drawn enlarged beside and below the figure, as on paper joint forms, so that the small joints
 * stay large enough to point at. Positions follow from the joint codes of the catalogue
 * (packages/outcomes/data/joints.csv); a code this layout does not know throws, so a change to
 * the catalogue fails the layout's test rather than leaving a joint off the map.
 */
import { JOINTS, type Joint } from '@jia-trial/outcomes';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export const VIEW_BOX = { width: 640, height: 800 } as const;
/** The figure's midline; the patient's right is drawn left of it. */
const MID = 320;

/** x offset from the midline toward the patient's `side` (right: viewer's left). */
const toward = (side: Joint['side'], dx: number) => (side === 'right' ? MID - dx : MID + dx);

/** The large joints and the spine: [dx from the midline, y]. */
const LARGE: Readonly<Record<string, readonly [number, number]>> = {
  temporomandibular: [20, 78],
  cervical_spine: [0, 122],
  sternoclavicular: [16, 152],
  acromioclavicular: [58, 150],
  shoulder: [80, 176],
  elbow: [102, 272],
  wrist: [116, 362],
  hip: [34, 410],
  knee: [38, 548],
  ankle: [38, 676],
};

/** The enlarged hands: the boxes' top-left corners, and the finger order across each box. */
export const HAND_BOXES = {
  right: { x: 20, y: 300, width: 170, height: 170 },
  left: { x: 450, y: 300, width: 170, height: 170 },
} as const;
export const FOOT_BOXES = {
  right: { x: 40, y: 600, width: 170, height: 170 },
  left: { x: 430, y: 600, width: 170, height: 170 },
} as const;

/**
 * Digit 1-5 across a box: in the front view the thumb is lateral (the box's outer edge) and the
 * great toe medial (toward the figure).
 */
function digitX(
  box: { x: number; width: number },
  side: 'left' | 'right',
  lateralFirst: boolean,
  digit: number,
): number {
  const step = box.width / 6;
  // Index from the viewer's left edge of the box.
  const fromLeft = (side === 'right') === lateralFirst ? digit : 6 - digit;
  return box.x + step * fromLeft;
}

function handPoint(kind: string, digit: number, side: 'left' | 'right'): Point {
  const box = HAND_BOXES[side];
  const x = digitX(box, side, true, digit);
  // Fingers point down (anatomical position): MCP row, then PIP, then DIP; the thumb sits lower.
  const rows: Record<string, number> = { mcp: 40, pip: 95, dip: 140 };
  const y = box.y + (rows[kind] as number) + (digit === 1 ? 15 : 0);
  return { x, y };
}

function footPoint(kind: string, digit: number, side: 'left' | 'right'): Point {
  const box = FOOT_BOXES[side];
  if (kind === 'subtalar') return { x: box.x + box.width / 2, y: box.y + 28 };
  if (kind === 'midtarsal') return { x: box.x + box.width / 2, y: box.y + 68 };
  const x = digitX(box, side, false, digit);
  return { x, y: box.y + (kind === 'mtp' ? 112 : 150) };
}

/** The position of a joint on the map; throws for a code the layout does not know. */
export function jointPoint(joint: Joint): Point {
  const match = /^([a-z_]+?)(\d)?_([lr])$/.exec(joint.code);
  if (joint.side === 'midline') {
    const large = LARGE[joint.code];
    if (!large) throw new RangeError(`the body map has no place for ${joint.code}`);
    return { x: MID + large[0], y: large[1] };
  }
  if (!match) throw new RangeError(`the body map has no place for ${joint.code}`);
  const [, kind = '', digitText, sideLetter] = match;
  const side = sideLetter === 'l' ? 'left' : 'right';
  const digit = digitText ? Number(digitText) : 0;
  if (['mcp', 'pip', 'dip'].includes(kind)) return handPoint(kind, digit, side);
  if (['mtp', 'toe_ip', 'subtalar', 'midtarsal'].includes(kind))
    return footPoint(kind, digit, side);
  const large = LARGE[kind];
  if (!large) throw new RangeError(`the body map has no place for ${joint.code}`);
  return { x: toward(side, large[0]), y: large[1] };
}

/** Every joint of the catalogue with its position, in catalogue order. */
export const PLACED_JOINTS: readonly (Joint & Point)[] = JOINTS.map((joint) => ({
  ...joint,
  ...jointPoint(joint),
}));

/**
 * A readable name from the catalogue's: "Knee (left)" -> "Left knee", "Ankle (tibiotalar)
 * (left)" -> "Left ankle (tibiotalar)"; a midline joint keeps its name.
 */
export function jointLabel(joint: Pick<Joint, 'name' | 'side'>): string {
  const suffix = ` (${joint.side})`;
  if (joint.side === 'midline' || !joint.name.endsWith(suffix)) return joint.name;
  const rest = joint.name.slice(0, -suffix.length);
  const side = joint.side === 'left' ? 'Left' : 'Right';
  return `${side} ${rest.charAt(0).toLowerCase()}${rest.slice(1)}`;
}

/**
 * The joint to move to from `from` with an arrow key: the nearest joint lying in that direction
 * (within 60 degrees either side), distances across the direction counting double so that a
 * joint straight ahead wins over a closer one to the side. Null at the edge of the map.
 */
export function nextJoint(
  from: Point & { readonly code: string },
  direction: 'up' | 'down' | 'left' | 'right',
  joints: readonly (Point & { readonly code: string })[] = PLACED_JOINTS,
): string | null {
  const [ux, uy] = ({ up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] } as const)[
    direction
  ];
  let best: string | null = null;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const joint of joints) {
    if (joint.code === from.code) continue;
    const dx = joint.x - from.x;
    const dy = joint.y - from.y;
    const along = dx * ux + dy * uy;
    const across = Math.abs(dx * uy - dy * ux);
    if (along <= 0 || across > along * Math.tan(Math.PI / 3)) continue;
    const cost = along + 2 * across;
    if (cost < bestCost) {
      bestCost = cost;
      best = joint.code;
    }
  }
  return best;
}
