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
  return COUNT_FORMAT.format(n);
}
// One formatter for every call: toLocaleString builds one each time (0.5 s of a 1,000-subject
// report went there).
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** One reason a recorded dose is outside the protocol, and the infusion value it is about. */
export interface DoseProblem {
  readonly field: 'weightKg' | 'totalCells' | 'cellsPerKg';
  readonly message: string;
}

/**
 * A recorded dose against the protocol: the plan for its weight (null when the weight is not
 * plausible) and every reason it is outside the tolerance (none: within it). The store refuses
 * an infusion with these reasons as issues; checkInfusionDose reports them as a finding.
 */
export function assessDose(
  intervention: Intervention,
  infusion: Pick<TimelineInfusion, 'weightKg' | 'totalCells' | 'cellsPerKg'>,
): { readonly plan: DosePlan | null; readonly problems: readonly DoseProblem[] } {
  let plan: DosePlan;
  try {
    plan = planDose(intervention, infusion.weightKg);
  } catch (error) {
    return { plan: null, problems: [{ field: 'weightKg', message: (error as Error).message }] };
  }
  const tolerance = intervention.tolerancePercent / 100;
  const problems: DoseProblem[] = [];
  if (!within(infusion.totalCells, plan.allowedRange))
    problems.push({
      field: 'totalCells',
      message: `total ${formatCount(infusion.totalCells)} outside ${formatCount(plan.allowedRange[0])}-${formatCount(plan.allowedRange[1])}`,
    });
  if (
    !within(infusion.cellsPerKg, [
      intervention.dosePerKg * (1 - tolerance),
      intervention.dosePerKg * (1 + tolerance),
    ])
  )
    problems.push({
      field: 'cellsPerKg',
      message: `${formatCount(infusion.cellsPerKg)}/kg recorded, protocol ${formatCount(intervention.dosePerKg)}/kg +/- ${intervention.tolerancePercent}%`,
    });
  return { plan, problems };
}

/** A recorded infusion against the protocol: total and per-kg dose within tolerance. */
export function checkInfusionDose(
  intervention: Intervention,
  infusion: TimelineInfusion,
  number: number,
): DoseCheck {
  const { plan, problems } = assessDose(intervention, infusion);
  // A recorded infusion is checked, never refused: the finding is the reason.
  return {
    infusion: number,
    date: infusion.date,
    weightKg: infusion.weightKg,
    expectedTotal: plan?.total ?? Number.NaN,
    allowedRange: plan?.allowedRange ?? [Number.NaN, Number.NaN],
    recordedTotal: infusion.totalCells,
    recordedPerKg: infusion.cellsPerKg,
    withinTolerance: plan !== null && problems.length === 0,
    reason:
      plan !== null && problems.length === 0
        ? `${formatCount(infusion.totalCells)} ${intervention.unit} for ${infusion.weightKg} kg: within ${intervention.tolerancePercent}% of ${formatCount(plan.total)}`
        : problems.map((p) => p.message).join('; '),
  };
}
