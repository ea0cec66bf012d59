/**
 * `jia-trial dose --weight KG`: the dose to order under a protocol (docs/protocol-engine.md,
 * Dosing): weight on the infusion day times the dose per kg, the range the protocol's tolerance
 * accepts, and the volume from the product's concentration. With --requested, a dose outside
 * the tolerance is refused (exit 1) with the range and how it was computed.
 */
import { JiaError } from '@jia-trial/errors';
import { formatCount, planDose } from '@jia-trial/protocol';
import { protocolOption } from '../protocol-args.js';

export interface DoseOptions {
  readonly weight: number;
  readonly protocol: string;
  readonly concentration?: number | undefined;
  readonly requested?: number | undefined;
  readonly json: boolean;
}

export function runDose(out: (text: string) => void, options: DoseOptions): void {
  const protocol = protocolOption(options.protocol);
  const intervention = protocol.intervention;
  if (!intervention)
    throw new JiaError('USAGE_ERROR', `protocol ${protocol.id} has no intervention to dose`);
  const plan = planDose(intervention, options.weight, {
    ...(options.requested === undefined ? {} : { requested: options.requested }),
    ...(options.concentration === undefined ? {} : { concentrationPerMl: options.concentration }),
  });
  // planDose refuses a requested dose outside the tolerance: one that reaches here passed.
  const confirmed = options.requested !== undefined;
  if (options.json) {
    out(
      `${JSON.stringify({ protocol: protocol.id, product: intervention.name, route: intervention.route, dosePerKg: intervention.dosePerKg, tolerancePercent: intervention.tolerancePercent, ...plan, ...(confirmed ? { requested: options.requested, requestedConfirmed: true } : {}) })}\n`,
    );
    return;
  }
  const volume =
    plan.volumeMl === null
      ? 'volume: give --concentration (units per mL of the lot) to compute it'
      : `volume: ${plan.volumeMl.toFixed(1)} mL`;
  out(
    `${intervention.name}, ${intervention.route} (${protocol.id}): ${options.weight} kg x ${formatCount(intervention.dosePerKg)} ${plan.unit}/kg = ${formatCount(plan.total)} ${plan.unit}\n` +
      `accepted (${intervention.tolerancePercent}%): ${formatCount(plan.allowedRange[0])} to ${formatCount(plan.allowedRange[1])} ${plan.unit}\n` +
      `${volume}\n` +
      (confirmed
        ? `requested ${formatCount(options.requested as number)} ${plan.unit}: within the accepted range, confirmed\n`
        : ''),
  );
}
