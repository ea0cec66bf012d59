/**
 * Why a score's input is missing, in words, where a missing-data code says so (ADR 0040): the
 * live scores show "missing (not done)" beside the input's name. The codes come with the
 * explanations (explainAgainstReference's missingCodes); a derived input is explained by the
 * codes of the fields behind it.
 */
import { MISSING_CODE_LABELS, type MissingInputCode } from '@jia-trial/dictionary';

/** The inputs that stand behind a derived one, whose missing-data codes say why it is missing. */
const PARTS: Readonly<Record<string, readonly string[]>> = {
  acutePhaseReactant: ['esr', 'crp'],
  activeArthritis: ['activeJoints'],
};
export type MissingCodes = Readonly<Record<string, MissingInputCode>>;

/** Why an input is missing, where a missing-data code says so: "missing (not done)". */
export function whyMissing(name: string, codes: MissingCodes): string | null {
  const found = [name, ...(PARTS[name] ?? [])].map((n) => codes[n]).find((c) => c !== undefined);
  if (!found) return null;
  const where = found.at === 'reference' ? ' at the baseline' : '';
  return `missing (${MISSING_CODE_LABELS[found.code]}${where})`;
}
