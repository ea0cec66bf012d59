/**
 * Dosing: the dose to infuse from the weight on the infusion day and the protocol's dose per
 * kg, its accepted range (the protocol's tolerance), the volume from the product's
 * concentration, and the check of a recorded infusion against all of it.
 */
import { JiaError } from '@jia-trial/errors';
import type { Intervention } from './definition.js';
import type { DoseCheck } from './findings.js';
import type { TimelineInfusion } from './timeline.js';

/** The heaviest plausible body weight, kg: a dose's limit and the bundle's for weight_kg. */
export const BODY_WEIGHT_KG_MAX = 300;

export interface DosePlan {
  readonly weightKg: number;
  /** weight x dose per kg. */
  readonly total: number;
  readonly allowedRange: readonly [number, number];
  /** total / concentration, mL; null when the concentration is not known. */
  readonly volumeMl: number | null;
  readonly unit: string;
}

/** A refused dose: DOSE_REFUSED with the reason. */
function doseRefused(reason: string): JiaError {
  return new JiaError('DOSE_REFUSED', `dose refused: ${reason}`);
}

/**
 * The dose for a weight; with `requested`, refuses (DOSE_REFUSED) a dose outside the
 * tolerance. `concentrationPerMl` overrides the protocol's (a lot's measured concentration).
 */
export function planDose(
  intervention: Intervention,
  weightKg: number,
  options: { requested?: number; concentrationPerMl?: number } = {},
): DosePlan {
  if (!(weightKg > 0 && weightKg <= BODY_WEIGHT_KG_MAX))
    throw doseRefused(`weight ${weightKg} kg is not a plausible body weight`);
  const total = weightKg * intervention.dosePerKg;
  const tolerance = intervention.tolerancePercent / 100;
  // 12 significant digits, so that 60e6 + 10% reads 66000000, not 66000000.00000001.
  const clean = (x: number) => Number(x.toPrecision(12));
  const allowedRange = [clean(total * (1 - tolerance)), clean(total * (1 + tolerance))] as const;
  if (options.requested !== undefined && !within(options.requested, allowedRange))
    throw doseRefused(
      `${formatCount(options.requested)} ${intervention.unit} is outside the protocol's ` +
        `${intervention.tolerancePercent}% tolerance around ${formatCount(total)} ` +
        `(${weightKg} kg x ${formatCount(intervention.dosePerKg)}/kg): ` +
        `${formatCount(allowedRange[0])}-${formatCount(allowedRange[1])}`,
    );
  const concentration = options.concentrationPerMl ?? intervention.concentrationPerMl;
  return {
    weightKg,
    total,
    allowedRange,
    volumeMl: concentration === null ? null : total / concentration,
    unit: intervention.unit,
  };
}

const within = (value: number, [low, high]: readonly [number, number]) =>
  value >= low * (1 - 1e-12) && value <= high * (1 + 1e-12);

/**
 * 140000000 -> "140,000,000": every digit shown, so that a dose just outside a limit never
 * reads as the limit itself (as 8.80e7 would for 88,000,001).
 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** A recorded infusion against the protocol: total and per-kg dose within tolerance. */
export function checkInfusionDose(
  intervention: Intervention,
  infusion: TimelineInfusion,
  number: number,
): DoseCheck {
  let plan: DosePlan;
  try {
    plan = planDose(intervention, infusion.weightKg);
  } catch (error) {
    // A recorded infusion is checked, never refused: the finding is the reason.
    return {
      infusion: number,
      date: infusion.date,
      weightKg: infusion.weightKg,
      expectedTotal: Number.NaN,
      allowedRange: [Number.NaN, Number.NaN],
      recordedTotal: infusion.totalCells,
      recordedPerKg: infusion.cellsPerKg,
      withinTolerance: false,
      reason: (error as Error).message,
    };
  }
  const totalOk = within(infusion.totalCells, plan.allowedRange);
  const tolerance = intervention.tolerancePercent / 100;
  const perKgOk = within(infusion.cellsPerKg, [
    intervention.dosePerKg * (1 - tolerance),
    intervention.dosePerKg * (1 + tolerance),
  ]);
  const problems = [
    totalOk
      ? null
      : `total ${formatCount(infusion.totalCells)} outside ${formatCount(plan.allowedRange[0])}-${formatCount(plan.allowedRange[1])}`,
    perKgOk
      ? null
      : `${formatCount(infusion.cellsPerKg)}/kg recorded, protocol ${formatCount(intervention.dosePerKg)}/kg +/- ${intervention.tolerancePercent}%`,
  ].filter((p): p is string => p !== null);
  return {
    infusion: number,
    date: infusion.date,
    weightKg: infusion.weightKg,
    expectedTotal: plan.total,
    allowedRange: plan.allowedRange,
    recordedTotal: infusion.totalCells,
    recordedPerKg: infusion.cellsPerKg,
    withinTolerance: problems.length === 0,
    reason:
      problems.length === 0
        ? `${formatCount(infusion.totalCells)} ${intervention.unit} for ${infusion.weightKg} kg: within ${intervention.tolerancePercent}% of ${formatCount(plan.total)}`
        : problems.join('; '),
  };
}
