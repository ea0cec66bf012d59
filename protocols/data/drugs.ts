/**
 * A catalogue of medicines used in JIA: class (the bundle's drug_class codes) and molecular
 * target, by international non-proprietary name. Protocol rules that depend on what a drug
 * does (the MAS watch after an IL-1 or IL-6 blocker is stopped) read the target here; a drug
 * recorded under a name not listed (neither its INN nor a brand below) has no target, so such
 * a rule cannot see it. Brands: the EU trade names of the EMA product information.
 * Classes and targets are pharmacology textbook facts (each drug's SmPC section 5.1).
 */
import type { DrugInfo } from '@jia-trial/protocol';

const entries: ReadonlyArray<
  readonly [
    drug: string,
    drugClass: DrugInfo['drugClass'],
    target?: string,
    brands?: readonly string[],
  ]
> = [
  ['tocilizumab', 'biologic', 'IL-6', ['RoActemra', 'Actemra']],
  ['sarilumab', 'biologic', 'IL-6', ['Kevzara']],
  ['anakinra', 'biologic', 'IL-1', ['Kineret']],
  ['canakinumab', 'biologic', 'IL-1', ['Ilaris']],
  ['rilonacept', 'biologic', 'IL-1', ['Arcalyst']],
  ['etanercept', 'biologic', 'TNF', ['Enbrel']],
  ['adalimumab', 'biologic', 'TNF', ['Humira']],
  ['infliximab', 'biologic', 'TNF', ['Remicade']],
  ['golimumab', 'biologic', 'TNF', ['Simponi']],
  ['certolizumab pegol', 'biologic', 'TNF', ['Cimzia']],
  ['abatacept', 'biologic', 'CTLA4-Ig', ['Orencia']],
  ['secukinumab', 'biologic', 'IL-17A', ['Cosentyx']],
  ['ixekizumab', 'biologic', 'IL-17A', ['Taltz']],
  ['ustekinumab', 'biologic', 'IL-12/23', ['Stelara']],
  ['rituximab', 'biologic', 'CD20', ['MabThera', 'Rituxan']],
  ['emapalumab', 'biologic', 'IFN-gamma', ['Gamifant']],
  ['tofacitinib', 'other', 'JAK', ['Xeljanz']],
  ['baricitinib', 'other', 'JAK', ['Olumiant']],
  ['upadacitinib', 'other', 'JAK', ['Rinvoq']],
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

export const JIA_DRUGS: readonly DrugInfo[] = entries.map(([drug, drugClass, target, brands]) => ({
  drug,
  drugClass,
  ...(target === undefined ? {} : { target }),
  ...(brands === undefined ? {} : { brands: [...brands] }),
}));
