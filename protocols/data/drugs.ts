/**
 * A catalogue of medicines used in JIA: class (the bundle's drug_class codes) and molecular
 * target, by international non-proprietary name. Protocol rules that depend on what a drug
 * does (the MAS watch after an IL-1 or IL-6 blocker is stopped) read the target here; a drug
 * recorded under a name not listed has no target, so such a rule cannot see it: record INNs.
 * Classes and targets are pharmacology textbook facts (each drug's SmPC section 5.1).
 */
import type { DrugInfo } from '@jia-trial/protocol';

const entries: ReadonlyArray<
  readonly [drug: string, drugClass: DrugInfo['drugClass'], target?: string]
> = [
  ['tocilizumab', 'biologic', 'IL-6'],
  ['sarilumab', 'biologic', 'IL-6'],
  ['anakinra', 'biologic', 'IL-1'],
  ['canakinumab', 'biologic', 'IL-1'],
  ['rilonacept', 'biologic', 'IL-1'],
  ['etanercept', 'biologic', 'TNF'],
  ['adalimumab', 'biologic', 'TNF'],
  ['infliximab', 'biologic', 'TNF'],
  ['golimumab', 'biologic', 'TNF'],
  ['certolizumab pegol', 'biologic', 'TNF'],
  ['abatacept', 'biologic', 'CTLA4-Ig'],
  ['secukinumab', 'biologic', 'IL-17A'],
  ['ixekizumab', 'biologic', 'IL-17A'],
  ['ustekinumab', 'biologic', 'IL-12/23'],
  ['rituximab', 'biologic', 'CD20'],
  ['emapalumab', 'biologic', 'IFN-gamma'],
  ['tofacitinib', 'other', 'JAK'],
  ['baricitinib', 'other', 'JAK'],
  ['upadacitinib', 'other', 'JAK'],
  ['methotrexate', 'csdmard'],
  ['sulfasalazine', 'csdmard'],
  ['leflunomide', 'csdmard'],
  ['hydroxychloroquine', 'csdmard'],
  ['ciclosporin', 'csdmard'],
  ['prednisolone', 'corticosteroid'],
  ['prednisone', 'corticosteroid'],
  ['methylprednisolone', 'corticosteroid'],
  ['dexamethasone', 'corticosteroid'],
  ['triamcinolone', 'corticosteroid'],
  ['naproxen', 'nsaid'],
  ['ibuprofen', 'nsaid'],
  ['indometacin', 'nsaid'],
  ['diclofenac', 'nsaid'],
  ['meloxicam', 'nsaid'],
];

export const JIA_DRUGS: readonly DrugInfo[] = entries.map(([drug, drugClass, target]) =>
  target === undefined ? { drug, drugClass } : { drug, drugClass, target },
);
