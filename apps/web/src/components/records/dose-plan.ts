/**
 * The infusion form's dose calculator: the protocol engine's own planDose (the function of
 * `jia-trial dose`; the server checks a recorded dose with assessDose over the same plan), run
 * in the browser on the study's protocol definition. Nothing of the rule is restated here: the
 * dose per kg, the tolerance and the product's concentration are the protocol's.
 * Pure: tested in Node (tests/record-form.test.ts).
 */
import { formatCount, type Intervention, planDose } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';

/** The study's intervention, or null when its protocol is unknown or has none to dose. */
export function interventionOf(protocolId: string | null): Intervention | null {
  if (protocolId === null) return null;
  try {
    return protocolById(protocolId).intervention;
  } catch {
    return null;
  }
}

const PLAIN_NUMBER = /^\d+(\.\d+)?$/;

export type DoseView =
  | { readonly kind: 'empty' }
  | { readonly kind: 'problem'; readonly text: string }
  | {
      readonly kind: 'plan';
      readonly weightKg: number;
      readonly total: number;
      readonly allowedRange: readonly [number, number];
      readonly volumeMl: number | null;
      readonly unit: string;
    };

/**
 * The dose for the typed weight (and, when typed, the lot's measured concentration per mL, which
 * overrides the protocol's, as `jia-trial dose --concentration` does).
 */
export function doseFor(
  intervention: Intervention,
  weightText: string,
  concentrationText: string,
): DoseView {
  const weight = weightText.trim();
  const concentration = concentrationText.trim();
  if (weight === '') return { kind: 'empty' };
  if (!PLAIN_NUMBER.test(weight))
    return { kind: 'problem', text: `${weight} is not a weight in kg` };
  if (concentration !== '' && !(PLAIN_NUMBER.test(concentration) && Number(concentration) > 0))
    return { kind: 'problem', text: `${concentration} is not a concentration per mL` };
  try {
    const plan = planDose(
      intervention,
      Number(weight),
      concentration === '' ? {} : { concentrationPerMl: Number(concentration) },
    );
    return { kind: 'plan', ...plan };
  } catch (error) {
    // planDose refuses an implausible weight (DOSE_REFUSED) with the engine's reason.
    return { kind: 'problem', text: (error as Error).message };
  }
}

/** A volume as the form records it: mL to one decimal (the command line's rounding). */
export const volumeText = (ml: number) => ml.toFixed(1);

export { formatCount };
