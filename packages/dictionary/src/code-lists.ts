/**
 * Every code list of a study's records, each declared once. Lists that the clinical rules reason
 * on stay in the package that reasons on them and are taken from there: ILAR categories, joints,
 * CHAQ items and laboratory units from @jia-trial/outcomes, drug classes, stop reasons and sex from
 * the protocol engine. The rest are declared here. The database's CHECK constraints repeat some
 * of them; packages/store/src/dictionary-schema.test.ts checks that the two agree.
 */
import {
  CHAQ_DOMAIN_CODES,
  CHAQ_DOMAINS,
  ILAR_CATEGORIES,
  ILAR_CATEGORY_CODES,
  JADI_ITEMS,
  JOINTS,
  LAB_ANALYTES,
  type LabAnalyte,
} from '@jia-trial/outcomes';
import { DRUG_CLASSES, SEXES, STOP_REASONS } from '@jia-trial/protocol/timeline';
import { MISSING_REASON_CODES, MISSING_REASON_SOURCE } from './missing-codes.js';
import type { Code, CodeList, CodeListId } from './types.js';

/** UCUM codes of the laboratory units as people write them (the UCUM specification; HL7 FHIR). */
export const UCUM_BY_SYMBOL: Readonly<Record<string, string>> = {
  'mm/h': 'mm/h',
  'mg/L': 'mg/L',
  'mg/dL': 'mg/dL',
  'ng/mL': 'ng/mL',
  'ug/L': 'ug/L',
  '10^9/L': '10*9/L',
  '10^3/uL': '10*3/uL',
  'U/L': 'U/L',
  'ukat/L': 'ukat/L',
  'mmol/L': 'mmol/L',
  'g/L': 'g/L',
};

function codes<T extends string>(list: readonly T[], labels: Readonly<Record<T, string>>): Code[] {
  return list.map((code) => ({ code, label: labels[code] }));
}

function unitList(analyte: LabAnalyte, label: string): CodeList {
  const units = Object.keys(LAB_ANALYTES[analyte].units);
  return {
    id: `unit_${analyte}` as CodeListId,
    label,
    codes: units.map((symbol) => ({
      code: symbol,
      label: symbol,
      ucum: UCUM_BY_SYMBOL[symbol] ?? symbol,
    })),
    source:
      '@jia-trial/outcomes LAB_ANALYTES (the units accepted and their exact conversions); UCUM codes',
  };
}

const LISTS: readonly CodeList[] = [
  {
    id: 'sex',
    label: 'Sex',
    codes: codes(SEXES, { F: 'Female', M: 'Male', U: 'Unknown' }),
    source:
      'CDISC SDTM controlled terminology, codelist SEX (C66731); @jia-trial/protocol SEXES (the randomisation stratifies by it)',
  },
  {
    id: 'ilar_category',
    label: 'JIA category (ILAR)',
    codes: ILAR_CATEGORY_CODES.map((code) => ({ code, label: ILAR_CATEGORIES[code].name })),
    source: '@jia-trial/outcomes ILAR_CATEGORIES (Petty 2004)',
  },
  {
    id: 'joint',
    label: 'Joint (71-joint catalogue)',
    codes: JOINTS.map((joint) => ({ code: joint.code, label: joint.name })),
    source: '@jia-trial/outcomes JOINTS (packages/outcomes/data/joints.csv)',
  },
  {
    id: 'chaq_item',
    label: 'CHAQ item',
    codes: CHAQ_DOMAIN_CODES.flatMap((domain) =>
      CHAQ_DOMAINS[domain].items.map((code, i) => ({
        code,
        label: `${CHAQ_DOMAINS[domain].name}, item ${i + 1}`,
      })),
    ),
    source: '@jia-trial/outcomes CHAQ_DOMAINS (Singh 1994)',
  },
  {
    id: 'jadi_item',
    label: 'JADI item (JADI-A unit or JADI-E domain)',
    codes: JADI_ITEMS.map((item) => ({ code: item.code, label: item.name })),
    source:
      '@jia-trial/outcomes JADI_ITEMS: the 36 JADI-A units (Viola 2005, restated by Sarma 2008 [S]) and five JADI-E domains [M] (docs/clinical/jadi.md)',
  },
  {
    id: 'medication_route',
    label: 'Route of administration',
    codes: codes(
      [
        'oral',
        'intravenous',
        'subcutaneous',
        'intramuscular',
        'intra_articular',
        'topical',
        'other',
      ] as const,
      {
        oral: 'Oral',
        intravenous: 'Intravenous',
        subcutaneous: 'Subcutaneous',
        intramuscular: 'Intramuscular',
        intra_articular: 'Intra-articular injection',
        topical: 'Topical (skin or eye)',
        other: 'Other',
      },
    ),
    source:
      'jia-trial: the routes a JIA trial records; an intra-articular injection is an intercurrent event (ICH E9(R1), ADR 0023)',
  },
  {
    id: 'product_state',
    label: 'State of the cell product when infused',
    codes: codes(['fresh', 'cryopreserved'] as const, {
      fresh: 'Fresh (never frozen)',
      cryopreserved: 'Cryopreserved and thawed',
    }),
    source:
      'jia-trial: the product attribute the MSC literature reports (docs/field-dictionary.md)',
  },
  {
    id: 'drug_class',
    label: 'Drug class',
    codes: codes(DRUG_CLASSES, {
      biologic: 'Biological DMARD',
      csdmard: 'Conventional synthetic DMARD',
      corticosteroid: 'Corticosteroid',
      nsaid: 'NSAID',
      other: 'Other',
    }),
    source: '@jia-trial/protocol DRUG_CLASSES (the engine reasons on them)',
  },
  {
    id: 'stop_reason',
    label: 'Reason a medication was stopped',
    codes: codes(STOP_REASONS, {
      inefficacy: 'Inefficacy',
      intolerance: 'Intolerance',
      other: 'Other',
    }),
    source: '@jia-trial/protocol STOP_REASONS (failure of a treatment is read from them)',
  },
  {
    id: 'ae_relatedness',
    label: 'Relatedness to the study treatment',
    codes: codes(['not_related', 'unlikely', 'possible', 'probable', 'definite'] as const, {
      not_related: 'Not related',
      unlikely: 'Unlikely',
      possible: 'Possible',
      probable: 'Probable',
      definite: 'Definite',
    }),
    source: 'jia-trial: a five-point relatedness scale',
  },
  {
    id: 'ae_outcome',
    label: 'Outcome of the adverse event',
    codes: codes(
      [
        'recovered',
        'recovering',
        'not_recovered',
        'recovered_with_sequelae',
        'fatal',
        'unknown',
      ] as const,
      {
        recovered: 'Recovered/resolved',
        recovering: 'Recovering/resolving',
        not_recovered: 'Not recovered/not resolved',
        recovered_with_sequelae: 'Recovered/resolved with sequelae',
        fatal: 'Fatal',
        unknown: 'Unknown',
      },
    ),
    source: 'CDISC SDTM controlled terminology, codelist OUT (C66768), as lower-case codes',
  },
  {
    id: 'ae_action',
    label: 'Action taken with the study treatment',
    codes: codes(
      [
        'none',
        'dose_reduced',
        'drug_interrupted',
        'drug_withdrawn',
        'not_applicable',
        'unknown',
      ] as const,
      {
        none: 'Dose not changed',
        dose_reduced: 'Dose reduced',
        drug_interrupted: 'Drug interrupted',
        drug_withdrawn: 'Drug withdrawn',
        not_applicable: 'Not applicable',
        unknown: 'Unknown',
      },
    ),
    source: 'After CDISC SDTM controlled terminology, codelist ACN (C66767)',
  },
  {
    id: 'seriousness_criterion',
    label: 'Seriousness criterion',
    codes: codes(
      [
        'death',
        'life_threatening',
        'hospitalisation',
        'disability',
        'congenital_anomaly',
        'medically_important',
      ] as const,
      {
        death: 'Results in death',
        life_threatening: 'Is life-threatening',
        hospitalisation: 'Requires or prolongs hospitalisation',
        disability: 'Results in persistent or significant disability or incapacity',
        congenital_anomaly: 'Is a congenital anomaly or birth defect',
        medically_important: 'Is an important medical event',
      },
    ),
    source: 'ICH E2A (1994), definition of a serious adverse event',
  },
  {
    id: 'ctcae_grade',
    label: 'CTCAE grade',
    codes: [
      { code: '1', label: 'Grade 1: mild' },
      { code: '2', label: 'Grade 2: moderate' },
      { code: '3', label: 'Grade 3: severe or medically significant' },
      { code: '4', label: 'Grade 4: life-threatening' },
      { code: '5', label: 'Grade 5: death related to the adverse event' },
    ],
    source: 'NCI Common Terminology Criteria for Adverse Events v5.0 (2017), grades',
  },
  {
    id: 'role',
    label: 'Role in a study',
    codes: codes(
      [
        'admin',
        'investigator',
        'nurse',
        'data_manager',
        'monitor',
        'statistician',
        'dsmb',
      ] as const,
      {
        admin: 'Administrator',
        investigator: 'Investigator',
        nurse: 'Research nurse',
        data_manager: 'Data manager',
        monitor: 'Monitor',
        statistician: 'Statistician',
        dsmb: 'Data and safety monitoring board (read-only)',
      },
    ),
    source: 'jia-trial (docs/architecture.md, security model)',
  },
  {
    id: 'alert_status',
    label: 'Status of a safety alert',
    codes: codes(['open', 'acknowledged', 'closed'] as const, {
      open: 'Open',
      acknowledged: 'Acknowledged',
      closed: 'Closed',
    }),
    source: 'jia-trial',
  },
  {
    id: 'query_status',
    label: 'Status of a data query',
    codes: codes(['open', 'answered', 'closed'] as const, {
      open: 'Open',
      answered: 'Answered',
      closed: 'Closed',
    }),
    source: 'jia-trial',
  },
  {
    id: 'signature_meaning',
    label: 'Meaning of an electronic signature',
    codes: codes(['approved', 'reviewed', 'responsible', 'authored'] as const, {
      approved: 'Approved as accurate and complete',
      reviewed: 'Reviewed',
      responsible: 'I take responsibility for these data',
      authored: 'Authored: I entered these data',
    }),
    source:
      '21 CFR 11.50(a)(3): the meaning associated with a signature, such as review, approval, responsibility or authorship',
  },
  {
    id: 'missing_reason',
    label: 'Why a field is empty (missing-data code)',
    codes: MISSING_REASON_CODES,
    source: MISSING_REASON_SOURCE,
  },
  unitList('crp', 'Unit of C-reactive protein'),
  unitList('ferritin', 'Unit of ferritin'),
  unitList('platelets', 'Unit of the platelet count'),
  unitList('ast', 'Unit of aspartate aminotransferase'),
  unitList('triglycerides', 'Unit of triglycerides'),
  unitList('fibrinogen', 'Unit of fibrinogen'),
];

export const CODE_LISTS: Readonly<Record<CodeListId, CodeList>> = Object.fromEntries(
  LISTS.map((list) => [list.id, list]),
) as Record<CodeListId, CodeList>;

/** The codes of a list, in its order. */
export function codesOf(id: CodeListId): readonly string[] {
  return CODE_LISTS[id].codes.map((c) => c.code);
}
