/**
 * 2016 EULAR/ACR/PRINTO classification criteria for macrophage activation syndrome (MAS)
 * complicating systemic JIA.
 *
 * Rule: a febrile patient with known or suspected systemic JIA is classified as having MAS when
 * ferritin > 684 ng/mL and at least 2 of: platelets <= 181 x10^9/L, AST > 48 U/L,
 * triglycerides > 156 mg/dL, fibrinogen <= 360 mg/dL; laboratory abnormalities explained
 * otherwise (immune thrombocytopenia, infectious hepatitis, visceral leishmaniasis, familial
 * hyperlipidaemia) do not count. These are classification, not diagnostic, criteria.
 *
 * Source: Ravelli A, Minoia F, Davi S, et al. 2016 Classification criteria for macrophage
 * activation syndrome complicating systemic juvenile idiopathic arthritis. Ann Rheum Dis
 * 2016;75(3):481-489. doi:10.1136/annrheumdis-2015-208982, PMID 26865703 (also Arthritis
 * Rheumatol 2016;68(3):566-576, doi:10.1002/art.39332). Thresholds per unit: lab-units.ts.
 *
 * Missing values: three-valued (Kleene) logic. A verdict is returned despite missing inputs
 * whenever no value of the missing inputs could change it (a jia-trial decision, ADR 0003: 2
 * criteria met with 2 missing is MAS); otherwise the value is null (1 met with 2 missing could
 * still reach 3). Fever is a precondition, not a counted criterion: febrile = false gives false,
 * febrile unknown gives null unless the laboratory values already rule MAS out. The criteria
 * apply only to systemic JIA: systemicJia = false gives null with `applicable: false`;
 * systemicJia unknown gives null.
 *
 * Pitfall: `explainedOtherwise` is a clinician's confirmation. When it is not recorded it is
 * taken as "not explained otherwise" (it is not listed as missing): the veto applies only when
 * it is true. Otherwise no data set without that field could ever meet the criteria.
 *
 * Performance: called once per row by the CLI (1M rows), so no closures and no arrays beyond the
 * result's own (empty lists share one frozen array).
 */

import type { MeasureInfo } from './citations.js';
import {
  type AstUnit,
  type FerritinUnit,
  type FibrinogenUnit,
  type LabAnalyte,
  type LabThreshold,
  type LabUnit,
  MAS_2016_LAB_THRESHOLDS,
  meetsLabThreshold,
  type PlateletUnit,
  type Quantity,
  type TriglycerideUnit,
} from './lab-units.js';
import type { Maybe, Outcome, Verdict } from './result.js';
import { allOf } from './verdict.js';

export const mas2016Measure: MeasureInfo = {
  id: 'mas-2016',
  name: '2016 EULAR/ACR/PRINTO classification criteria for macrophage activation syndrome',
  citations: ['ravelli2016'],
};

/** The counted laboratory criteria, in the order of the published table. */
export const MAS_2016_CRITERIA = ['platelets', 'ast', 'triglycerides', 'fibrinogen'] as const;
export type Mas2016Criterion = (typeof MAS_2016_CRITERIA)[number];

/** Ferritin is required; of the counted criteria, at least this many must be met (Ravelli 2016). */
export const MAS_2016_RULE = { minimumCriteriaMet: 2 } as const;

export interface Mas2016Input {
  readonly febrile: Maybe<boolean>;
  /** Known or suspected systemic JIA. */
  readonly systemicJia: Maybe<boolean>;
  readonly ferritin: Maybe<Quantity<FerritinUnit>>;
  readonly platelets: Maybe<Quantity<PlateletUnit>>;
  readonly ast: Maybe<Quantity<AstUnit>>;
  readonly triglycerides: Maybe<Quantity<TriglycerideUnit>>;
  readonly fibrinogen: Maybe<Quantity<FibrinogenUnit>>;
  /** The laboratory abnormalities are explained by another condition (vetoes the criteria). */
  readonly explainedOtherwise?: Maybe<boolean>;
}

export interface Mas2016Result extends Outcome<boolean> {
  /** False only when the patient is known not to have systemic JIA (then `value` is null). */
  readonly applicable: boolean;
  /** Ferritin > 684 ng/mL; null when ferritin is missing. */
  readonly ferritinMet: boolean | null;
  /** The counted criteria met, in table order. */
  readonly criteriaMet: readonly Mas2016Criterion[];
}

const NONE: readonly never[] = Object.freeze([]);

function labVerdict<A extends LabAnalyte>(
  sample: Maybe<Quantity<LabUnit<A>>>,
  threshold: LabThreshold<A>,
): Verdict {
  return sample === null || sample === undefined ? null : meetsLabThreshold(sample, threshold);
}

/** Appends `name` to a lazily allocated list (no array at all when nothing is missing). */
function append<T>(list: T[] | null, name: T): T[] {
  if (list === null) return [name];
  list.push(name);
  return list;
}

/**
 * Classifies one visit by the 2016 MAS criteria. `value` is true (meets the classification
 * criteria), false, or null (undeterminable from the inputs, or not applicable).
 */
export function classifyMas2016(input: Mas2016Input): Mas2016Result {
  const t = MAS_2016_LAB_THRESHOLDS;
  const ferritinMet = labVerdict(input.ferritin, t.ferritin);
  const platelets = labVerdict(input.platelets, t.platelets);
  const ast = labVerdict(input.ast, t.ast);
  const triglycerides = labVerdict(input.triglycerides, t.triglycerides);
  const fibrinogen = labVerdict(input.fibrinogen, t.fibrinogen);

  let criteriaMet: Mas2016Criterion[] | null = null;
  let unknown = 0;
  if (platelets === true) criteriaMet = append(criteriaMet, 'platelets');
  else if (platelets === null) unknown++;
  if (ast === true) criteriaMet = append(criteriaMet, 'ast');
  else if (ast === null) unknown++;
  if (triglycerides === true) criteriaMet = append(criteriaMet, 'triglycerides');
  else if (triglycerides === null) unknown++;
  if (fibrinogen === true) criteriaMet = append(criteriaMet, 'fibrinogen');
  else if (fibrinogen === null) unknown++;

  const met = criteriaMet === null ? 0 : criteriaMet.length;
  const needed = MAS_2016_RULE.minimumCriteriaMet;
  // Met whatever the missing values are; failed even if every missing one were met; else open.
  const enoughCriteria: Verdict = met >= needed ? true : met + unknown < needed ? false : null;
  const laboratory = allOf(ferritinMet, enoughCriteria);
  const febrile = input.febrile ?? null;
  const systemicJia = input.systemicJia ?? null;
  const classified = input.explainedOtherwise === true ? false : allOf(febrile, laboratory);

  let missing: string[] | null = null;
  if (febrile === null) missing = append(missing, 'febrile');
  if (systemicJia === null) missing = append(missing, 'systemicJia');
  if (ferritinMet === null) missing = append(missing, 'ferritin');
  if (platelets === null) missing = append(missing, 'platelets');
  if (ast === null) missing = append(missing, 'ast');
  if (triglycerides === null) missing = append(missing, 'triglycerides');
  if (fibrinogen === null) missing = append(missing, 'fibrinogen');

  return {
    // Not systemic JIA: the criteria do not apply; unknown: "false" and "not applicable" differ.
    value: systemicJia === true ? classified : null,
    complete: missing === null,
    missing: missing ?? NONE,
    applicable: systemicJia !== false,
    ferritinMet,
    criteriaMet: criteriaMet ?? NONE,
  };
}
