/**
 * Valid ranges of the visit-level inputs, defined once for every entry point (the visits CSV,
 * study bundles, forms, the API). A value outside its range is refused with an error naming the
 * field and the range, never clipped: a 75 in a 0-10 global assessment is a VAS recorded in mm,
 * and must be corrected at its source, not rescored.
 *
 * Scale limits are those of the instruments (VAS 0-10 cm, CHAQ DI 0-3, 71 joints, minutes in a
 * day). Laboratory limits are plausibility bounds (jia-trial's choice, docs/score-command.md):
 * wide enough for macrophage activation syndrome (ferritin in the hundreds of thousands), narrow
 * enough to catch a unit or decimal-point error.
 */
import type { Issue } from '@jia-trial/errors';
import { FULL_JOINT_COUNT } from './joints/catalogue.js';

export interface InputRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly unit: string;
}

export const INPUT_RANGES = {
  physicianGlobal: { min: 0, max: 10, integer: false, unit: 'cm' },
  parentGlobal: { min: 0, max: 10, integer: false, unit: 'cm' },
  chaqDi: { min: 0, max: 3, integer: false, unit: '' },
  activeJoints: { min: 0, max: FULL_JOINT_COUNT, integer: true, unit: 'joints' },
  limitedJoints: { min: 0, max: FULL_JOINT_COUNT, integer: true, unit: 'joints' },
  esr: { min: 0, max: 200, integer: false, unit: 'mm/h' },
  crp: { min: 0, max: 1000, integer: false, unit: 'mg/L' },
  morningStiffnessMinutes: { min: 0, max: 1440, integer: false, unit: 'min' },
  ferritin: { min: 0, max: 1_000_000, integer: false, unit: 'ng/mL' },
  platelets: { min: 0, max: 5000, integer: false, unit: '10^9/L' },
  ast: { min: 0, max: 100_000, integer: false, unit: 'U/L' },
  triglycerides: { min: 0, max: 10_000, integer: false, unit: 'mg/dL' },
  fibrinogen: { min: 0, max: 5000, integer: false, unit: 'mg/dL' },
  // Lactate dehydrogenase, an input of the MS score (Minoia 2019): U/L only (from ukat/L, x 60).
  // MAS raises it to the thousands; 100,000 U/L, as for AST, is far beyond any reported value.
  ldh: { min: 0, max: 100_000, integer: false, unit: 'U/L' },
} as const satisfies Record<string, InputRange>;

export type RangedInput = keyof typeof INPUT_RANGES;

/** A value outside its valid range: an issue whose path is the field. */
export interface RangeProblem extends Issue {
  readonly path: RangedInput;
  readonly field: RangedInput;
  readonly value: number;
}

/**
 * Every ranged field of `values` that is present and outside its range. The scoring functions
 * assume valid inputs (they are the inner loop of large files); each entry point checks its
 * input with this, or with checkRange cell by cell, before scoring.
 */
export function checkRanges(
  values: Readonly<Partial<Record<RangedInput, number | null | undefined>>>,
): RangeProblem[] {
  const problems: RangeProblem[] = [];
  for (const field of Object.keys(INPUT_RANGES) as RangedInput[]) {
    const value = values[field];
    if (value === null || value === undefined) continue;
    const message = checkRange(field, value);
    if (message) problems.push({ path: field, field, value, message });
  }
  return problems;
}

/** A field's range as text for messages and help: "0-10 cm", "0-3". */
export function describeRange(field: RangedInput): string {
  const range: InputRange = INPUT_RANGES[field];
  return `${range.min}-${range.max}${range.unit ? ` ${range.unit}` : ''}`;
}

/** Why a value is outside its range, or null when it is valid. */
export function checkRange(field: RangedInput, value: number): string | null {
  const range: InputRange = INPUT_RANGES[field];
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    return `${value} is outside ${describeRange(field)}`;
  }
  if (range.integer && !Number.isInteger(value))
    return `${value} is not a whole number of ${range.unit}`;
  return null;
}
