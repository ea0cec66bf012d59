/**
 * Responder proportions at a read-out, two ways (ADR 0015):
 * - completers: responders among the patients whose response could be decided at the
 *   read-out (a baseline and a read-out visit, the verdict not undetermined);
 * - non-responder imputation (intention to treat): responders among every infused patient
 *   whose read-out was due by the data cut; a patient without a read-out visit, whose verdict
 *   is undetermined, or whose series was ended by a repeat infusion before the read-out counts
 *   as a non-responder. The conservative choice, and the usual one for ACR responder end
 *   points: 38 of 51 rheumatoid arthritis trials of 2008-2013 imputed missing responses as
 *   non-response (Ibrahim 2016, Trials 17:272, doi:10.1186/s13063-016-1402-5, PMID 27255212).
 * Each with its Clopper-Pearson 95% interval.
 */
import { clopperPearson, type ProportionInterval } from '../statistics/binomial.js';

export const RESPONDER_OUTCOMES = [
  'acrPedi30',
  'acrPedi50',
  'acrPedi70',
  'acrPedi90',
  'inactiveDisease',
] as const;
export type ResponderOutcome = (typeof RESPONDER_OUTCOMES)[number];

export interface ResponderProportions {
  readonly responders: number;
  /** Patients with a decided verdict. */
  readonly evaluable: number;
  /** Patients due by the data cut (the intention-to-treat denominator). */
  readonly due: number;
  /** responders / evaluable; null without an evaluable patient. */
  readonly completers: ProportionInterval | null;
  /** responders / due; null when nobody was due. */
  readonly nonResponderImputation: ProportionInterval | null;
}

/** `verdicts`: per patient with a read-out, true / false / null (undetermined). */
export function responderProportions(
  verdicts: ReadonlyArray<boolean | null>,
  due: number,
): ResponderProportions {
  const responders = verdicts.filter((v) => v === true).length;
  const evaluable = verdicts.filter((v) => v !== null).length;
  if (due < evaluable)
    throw new RangeError(`${due} patients due cannot hold ${evaluable} evaluable ones`);
  return {
    responders,
    evaluable,
    due,
    completers: evaluable === 0 ? null : clopperPearson(responders, evaluable),
    nonResponderImputation: due === 0 ? null : clopperPearson(responders, due),
  };
}
