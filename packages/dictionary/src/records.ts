/**
 * The record types of a study and their fields, each declared once (types.ts describes a
 * field). The visit's measures take their ranges from @jia-trial/outcomes (INPUT_RANGES, the
 * ranges the scoring functions assume) and a body weight its limit from the protocol engine
 * (BODY_WEIGHT_KG_MAX); the rest are declared here.
 *
 * Standard codes: LOINC codes and UCUM units as verified at loinc.org, the HL7 FHIR vital-signs
 * profiles and NLM's LOINC-UCUM mapping (docs/field-dictionary.md lists the sources). Morning
 * stiffness has no LOINC code.
 */
import { INPUT_RANGES, JADI_E_POINTS_LIMIT, type RangedInput } from '@jia-trial/outcomes';
import { BODY_WEIGHT_KG_MAX } from '@jia-trial/protocol/dosing';
import { UCUM_BY_SYMBOL } from './code-lists.js';
import { withMissingCodes } from './missing-codes.js';
import type {
  CodeListId,
  FieldDefinition,
  FieldType,
  RecordType,
  RecordTypeId,
  StandardCode,
  StorageType,
} from './types.js';

/** Longest free text accepted, in characters, unless a field says otherwise. */
export const TEXT_MAX_LENGTH = 200;
/** Longest identifier (subject, visit, AE, site, lot), in characters. */
export const ID_MAX_LENGTH = 64;
/** A visit dated outside these years is refused as implausible: a typing error (record-rules.ts). */
export const VISIT_DATE_YEARS = { first: 1900, last: 2100 } as const;

const STORAGE: Readonly<Record<FieldType, StorageType>> = {
  id: 'text',
  text: 'text',
  date: 'date',
  partial_date: 'text',
  boolean: 'boolean',
  integer: 'integer',
  decimal: 'numeric',
  code: 'text',
  codes: 'text',
  chaq_score: 'smallint',
};

type Extra = Partial<Omit<FieldDefinition, 'name' | 'key' | 'label' | 'type' | 'required'>>;

function field(
  name: string,
  key: string,
  label: string,
  type: FieldType,
  required: boolean,
  extra: Extra = {},
): FieldDefinition {
  return {
    name,
    key,
    label,
    type,
    required,
    storage: STORAGE[type],
    ...(type === 'id' ? { maxLength: ID_MAX_LENGTH } : {}),
    ...(type === 'text' ? { maxLength: TEXT_MAX_LENGTH } : {}),
    ...extra,
  };
}

const loinc = (code: string, display: string): StandardCode => ({
  system: 'http://loinc.org',
  code,
  display,
});

/** A time of day, 24-hour `HH:MM` (ISO 8601 extended, without seconds). */
export const TIME_OF_DAY = {
  regex: /^([01]\d|2[0-3]):[0-5]\d$/,
  description: 'a time of day HH:MM (00:00 to 23:59)',
};

const unit = (symbol: string) => ({ symbol, ucum: UCUM_BY_SYMBOL[symbol] ?? symbol });

/** A visit measure whose range is the outcome library's. */
function measure(
  name: string,
  key: RangedInput,
  label: string,
  extra: Extra = {},
): FieldDefinition {
  const range = INPUT_RANGES[key];
  return field(name, key, label, range.integer ? 'integer' : 'decimal', false, {
    range: { min: range.min, max: range.max },
    ...extra,
  });
}

/** A laboratory value in its standard unit (the outcome library's), entered in any unit of its list. */
function lab(
  name: RangedInput,
  label: string,
  units: CodeListId,
  code: Pick<FieldDefinition, 'standardCode' | 'standardCodeByUnit'>,
): FieldDefinition[] {
  return [
    measure(name, name, label, {
      unit: unit(INPUT_RANGES[name].unit),
      unitField: `${name}_unit`,
      ...code,
    }),
    field(`${name}_unit`, `${name}Unit`, `Unit of ${label}`, 'code', false, {
      codeList: units,
    }),
  ];
}

const subjectRef = (label = 'Subject') => field('subject_id', 'subjectId', label, 'id', true);
const visitRef = () => field('visit_id', 'visitId', 'Visit', 'id', true);

/** Vital signs before and after an infusion. */
function vitals(when: 'pre' | 'post'): FieldDefinition[] {
  const moment = when === 'pre' ? 'before' : 'after';
  const key = (name: string) => `${when}${name}`;
  return [
    field(
      `${when}_heart_rate`,
      key('HeartRate'),
      `Heart rate ${moment} the infusion`,
      'integer',
      false,
      {
        range: { min: 20, max: 300 },
        unit: { symbol: '/min', ucum: '/min' },
        standardCode: loinc('8867-4', 'Heart rate'),
      },
    ),
    field(
      `${when}_systolic_bp`,
      key('SystolicBp'),
      `Systolic blood pressure ${moment} the infusion`,
      'integer',
      false,
      {
        range: { min: 30, max: 300 },
        unit: { symbol: 'mmHg', ucum: 'mm[Hg]' },
        standardCode: loinc('8480-6', 'Systolic blood pressure'),
      },
    ),
    field(
      `${when}_diastolic_bp`,
      key('DiastolicBp'),
      `Diastolic blood pressure ${moment} the infusion`,
      'integer',
      false,
      {
        range: { min: 10, max: 200 },
        unit: { symbol: 'mmHg', ucum: 'mm[Hg]' },
        standardCode: loinc('8462-4', 'Diastolic blood pressure'),
      },
    ),
    field(
      `${when}_temperature_c`,
      key('TemperatureC'),
      `Body temperature ${moment} the infusion`,
      'decimal',
      false,
      {
        range: { min: 30, max: 45 },
        unit: { symbol: '°C', ucum: 'Cel' },
        standardCode: loinc('8310-5', 'Body temperature'),
      },
    ),
    field(
      `${when}_spo2`,
      key('Spo2'),
      `Oxygen saturation ${moment} the infusion`,
      'integer',
      false,
      {
        range: { min: 0, max: 100 },
        unit: { symbol: '%', ucum: '%' },
        standardCode: loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
      },
    ),
  ];
}

const SUBJECT: RecordType = {
  id: 'subject',
  label: 'Subject',
  file: 'subjects.csv',
  optionalFile: false,
  key: ['subject_id'],
  references: [],
  fields: [
    field('subject_id', 'subjectId', 'Subject code (pseudonymous, never a name)', 'id', true),
    field('site', 'site', 'Site code', 'id', true, { storedAs: 'site_code' }),
    field('sex', 'sex', 'Sex', 'code', true, { codeList: 'sex' }),
    field('birth_date', 'birthDate', 'Birth date (year and month suffice)', 'partial_date', true),
    field('ilar_category', 'ilarCategory', 'JIA category (ILAR)', 'code', true, {
      codeList: 'ilar_category',
    }),
    field('diagnosis_date', 'diagnosisDate', 'Date of JIA diagnosis', 'date', true),
    field(
      'enrolment_date',
      'enrolmentDate',
      'Date of enrolment (empty while screened)',
      'date',
      false,
    ),
    // ICH E6(R2) 4.8.8: consent precedes any trial procedure, so it is on or before the
    // enrolment. An AE with onset before it was collected from the chart, not by the study
    // (ADR 0020: empty, the enrolment date stands for it).
    field(
      'consent_date',
      'consentDate',
      'Date of informed consent (empty: the enrolment date)',
      'date',
      false,
    ),
    field('withdrawal_date', 'withdrawalDate', 'Date the subject left the study', 'date', false),
    field('withdrawal_reason', 'withdrawalReason', 'Reason for withdrawal', 'text', false, {
      maxLength: 500,
      narrative: true,
    }),
  ],
};

/**
 * The visit fields that accept a missing-data code (missing-codes.ts, ADR 0040): every measure
 * and finding a score or a criterion reads, where "not done", "not applicable", "unknown" or
 * "asked but unknown" says something a blank does not. Not the keys, the dates, the baseline, the
 * category (the subject's), the units or the listed joints (their count takes the code).
 */
export const VISIT_FIELDS_ACCEPTING_MISSING_CODES = [
  'physician_global',
  'parent_global',
  'chaq_di',
  'active_joints',
  'limited_joints',
  'esr',
  'crp',
  'morning_stiffness_min',
  'systemic_features',
  'active_uveitis',
  'fever',
  'ferritin',
  'platelets',
  'ast',
  'triglycerides',
  'fibrinogen',
  'ldh',
  'cns_involvement',
  'haemorrhagic_manifestations',
] as const;

const VISIT: RecordType = {
  id: 'visit',
  label: 'Visit',
  file: 'visits.csv',
  optionalFile: false,
  key: ['visit_id'],
  references: [{ fields: ['subject_id'], to: 'subject' }],
  fields: withMissingCodes(
    [
      subjectRef(),
      field('visit_id', 'visitId', 'Visit', 'id', true),
      field('visit_date', 'visitDate', 'Visit date', 'date', true),
      field(
        'baseline_visit_id',
        'baselineVisitId',
        'Baseline visit (empty: the earliest)',
        'id',
        false,
      ),
      field('ilar_category', 'ilarCategory', 'JIA category (ILAR)', 'code', false, {
        codeList: 'ilar_category',
      }),
      measure(
        'physician_global',
        'physicianGlobal',
        "Physician's global assessment of disease activity (0-10)",
        {
          unit: unit('cm'),
        },
      ),
      measure(
        'parent_global',
        'parentGlobal',
        "Parent's or patient's global assessment of well-being (0-10)",
        {
          unit: unit('cm'),
        },
      ),
      measure('chaq_di', 'chaqDi', 'CHAQ disability index (0-3)'),
      measure('active_joints', 'activeJoints', 'Joints with active arthritis'),
      measure('limited_joints', 'limitedJoints', 'Joints with limited motion'),
      field('active_joint_codes', 'activeJointCodes', 'The active joints', 'codes', false, {
        codeList: 'joint',
      }),
      measure('esr', 'esr', 'Erythrocyte sedimentation rate (Westergren)', {
        unit: unit('mm/h'),
        standardCode: loinc('4537-7', 'Erythrocyte sedimentation rate by Westergren method'),
      }),
      ...lab('crp', 'C-reactive protein', 'unit_crp', {
        standardCode: loinc('1988-5', 'C reactive protein [Mass/volume] in Serum or Plasma'),
      }),
      measure('morning_stiffness_min', 'morningStiffnessMinutes', 'Duration of morning stiffness', {
        unit: unit('min'),
      }),
      field(
        'systemic_features',
        'systemicFeatures',
        'Systemic features (fever, rash, serositis, ...)',
        'boolean',
        false,
      ),
      field('active_uveitis', 'activeUveitis', 'Active uveitis', 'boolean', false),
      field('fever', 'fever', 'Fever', 'boolean', false),
      ...lab('ferritin', 'Ferritin', 'unit_ferritin', {
        standardCode: loinc('2276-4', 'Ferritin [Mass/volume] in Serum or Plasma'),
      }),
      ...lab('platelets', 'Platelet count', 'unit_platelets', {
        standardCode: loinc('777-3', 'Platelets [#/volume] in Blood by Automated count'),
      }),
      ...lab('ast', 'Aspartate aminotransferase', 'unit_ast', {
        standardCode: loinc(
          '1920-8',
          'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma',
        ),
      }),
      ...lab('triglycerides', 'Triglycerides', 'unit_triglycerides', {
        standardCodeByUnit: {
          'mg/dL': loinc('2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma'),
          'mmol/L': loinc('14927-8', 'Triglyceride [Moles/volume] in Serum or Plasma'),
        },
      }),
      ...lab('fibrinogen', 'Fibrinogen', 'unit_fibrinogen', {
        standardCode: loinc(
          '3255-7',
          'Fibrinogen [Mass/volume] in Platelet poor plasma by Coagulation assay',
        ),
      }),
      // The MS score's other inputs, named as in Minoia 2019 Table 4 (docs/clinical/ms-score.md),
      // each recorded as present or absent at the visit. LDH in U/L only: a
      // value in ukat/L is entered times 60. Its LOINC code is from laboratory test catalogues
      // [S], its long name not read at loinc.org (docs/field-dictionary.md).
      measure('ldh', 'ldh', 'Lactate dehydrogenase (LDH)', {
        unit: unit('U/L'),
        standardCode: loinc(
          '2532-0',
          'Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma',
        ),
      }),
      field(
        'cns_involvement',
        'cnsInvolvement',
        'Central nervous system involvement',
        'boolean',
        false,
      ),
      field(
        'haemorrhagic_manifestations',
        'haemorrhagicManifestations',
        'Haemorrhagic manifestations',
        'boolean',
        false,
      ),
    ],
    VISIT_FIELDS_ACCEPTING_MISSING_CODES,
  ),
};

const JOINT_FINDING: RecordType = {
  id: 'joint_finding',
  label: 'Joint examination finding',
  file: 'joints.csv',
  optionalFile: true,
  key: ['visit_id', 'joint_code'],
  references: [{ fields: ['visit_id'], to: 'visit' }],
  fields: [
    visitRef(),
    field('joint_code', 'jointCode', 'Joint', 'code', true, { codeList: 'joint' }),
    field('swollen', 'swollen', 'Swelling', 'boolean', true),
    field('tender', 'tender', 'Pain on motion or tenderness', 'boolean', true),
    field('limited', 'limited', 'Limitation of motion', 'boolean', true),
  ],
};

const CHAQ_RESPONSE: RecordType = {
  id: 'chaq_response',
  label: 'CHAQ answer',
  file: 'chaq.csv',
  optionalFile: true,
  key: ['visit_id', 'item'],
  references: [{ fields: ['visit_id'], to: 'visit' }],
  fields: [
    visitRef(),
    field('item', 'item', 'CHAQ item', 'code', true, { codeList: 'chaq_item' }),
    field('score', 'score', 'Answer (0-3, or na: not applicable)', 'chaq_score', true, {
      range: { min: 0, max: 3 },
    }),
    field(
      'aid_or_help',
      'aidOrHelp',
      "An aid, device or another person's help was used",
      'boolean',
      true,
    ),
  ],
};

/**
 * A JADI item scored at a visit (docs/clinical/jadi.md): a JADI-A unit (0-2) or a JADI-E
 * domain's points. The range here is the widest an item takes (a JADI-E domain, up to the
 * recalled JADI-E total [M]); the record rule narrows a JADI-A unit to 0-2 (record-rules.ts).
 */
const DAMAGE_ITEM: RecordType = {
  id: 'damage_item',
  label: 'JADI damage score',
  file: 'damage.csv',
  optionalFile: true,
  key: ['visit_id', 'item'],
  references: [{ fields: ['visit_id'], to: 'visit' }],
  fields: [
    visitRef(),
    field('item', 'item', 'JADI item (JADI-A unit or JADI-E domain)', 'code', true, {
      codeList: 'jadi_item',
    }),
    field('score', 'score', 'Damage points (JADI-A unit: 0, 1 or 2)', 'integer', true, {
      storage: 'smallint',
      range: { min: 0, max: JADI_E_POINTS_LIMIT },
    }),
  ],
};

/**
 * The fields of the other record types that accept a missing-data code (ADR 0040, "Which fields";
 * docs/data-management.md, "Missing-data codes"): the values measured or assessed that a trial
 * team may genuinely be unable to give. Never a key, an id, or a date or time that places the
 * record; never a field whose own code list already says "unknown" (an AE's outcome, the action
 * taken); never a field a safety count or the dose check must have (an AE's grade, seriousness
 * and relatedness; an infusion's dose, weight, lot and reaction): the ADR says why for each.
 */
export const MEDICATION_FIELDS_ACCEPTING_MISSING_CODES = [
  'dose_mg',
  'route',
  'stop_reason',
] as const;
export const INFUSION_FIELDS_ACCEPTING_MISSING_CODES = [
  'volume_ml',
  'viability_pct',
  'passage',
  'product_state',
  'pre_heart_rate',
  'pre_systolic_bp',
  'pre_diastolic_bp',
  'pre_temperature_c',
  'pre_spo2',
  'post_heart_rate',
  'post_systolic_bp',
  'post_diastolic_bp',
  'post_temperature_c',
  'post_spo2',
] as const;
/**
 * The one required field that accepts a code: an eligibility answer the investigator could not
 * give (not done, unknown). The protocol engine then has no answer for the criterion, which
 * leaves it unknown, as an unanswered one (timelines.ts; eligibility.ts).
 */
export const ELIGIBILITY_FIELDS_ACCEPTING_MISSING_CODES = ['value'] as const;

const MEDICATION: RecordType = {
  id: 'medication',
  label: 'Medication',
  file: 'medications.csv',
  optionalFile: false,
  key: ['subject_id', 'drug', 'start_date'],
  references: [{ fields: ['subject_id'], to: 'subject' }],
  fields: withMissingCodes(
    [
      subjectRef(),
      field('drug', 'drug', 'Drug (generic name recommended)', 'text', true),
      field('drug_class', 'drugClass', 'Drug class', 'code', true, { codeList: 'drug_class' }),
      field('start_date', 'startDate', 'First day', 'date', true),
      field('stop_date', 'stopDate', 'Last day (empty: ongoing)', 'date', false),
      field('stop_reason', 'stopReason', 'Why it was stopped', 'code', false, {
        codeList: 'stop_reason',
      }),
      // Intercurrent events (ICH E9(R1), ADR 0023): a corticosteroid's dose, and an
      // intra-articular injection (route intra_articular, its joints; start = stop = the day).
      field('dose_mg', 'doseMg', 'Dose per administration', 'decimal', false, {
        range: { min: 0, max: 10000, minExclusive: true },
        unit: { symbol: 'mg', ucum: 'mg' },
      }),
      field('route', 'route', 'Route of administration', 'code', false, {
        codeList: 'medication_route',
      }),
      field('joint_codes', 'jointCodes', 'Joints injected (intra-articular)', 'codes', false, {
        codeList: 'joint',
      }),
    ],
    MEDICATION_FIELDS_ACCEPTING_MISSING_CODES,
  ),
};

const INFUSION: RecordType = {
  id: 'infusion',
  label: 'Infusion',
  file: 'infusions.csv',
  optionalFile: false,
  key: ['subject_id', 'infusion_date'],
  references: [{ fields: ['subject_id'], to: 'subject' }],
  fields: withMissingCodes(
    [
      subjectRef(),
      field('infusion_date', 'infusionDate', 'Day of the infusion', 'date', true),
      // With an AE's onset time it decides an AE on the infusion day (ADR 0020).
      field(
        'infusion_time',
        'infusionTime',
        'Start of the infusion (HH:MM, local)',
        'text',
        false,
        {
          maxLength: 5,
          pattern: TIME_OF_DAY,
        },
      ),
      field('weight_kg', 'weightKg', 'Body weight used for the dose', 'decimal', true, {
        range: { min: 0, max: BODY_WEIGHT_KG_MAX, minExclusive: true },
        unit: { symbol: 'kg', ucum: 'kg' },
        standardCode: loinc('29463-7', 'Body weight'),
      }),
      field('cells_per_kg', 'cellsPerKg', 'Dose, cells per kg', 'decimal', true, {
        range: { min: 0, max: 1e12, minExclusive: true },
        unit: { symbol: 'cells/kg', ucum: '{cells}/kg' },
      }),
      field('total_cells', 'totalCells', 'Cells infused', 'decimal', true, {
        range: { min: 0, max: 1e15, minExclusive: true },
        unit: { symbol: 'cells', ucum: '{cells}' },
      }),
      field('product_lot', 'productLot', 'Product lot number', 'id', true),
      field(
        'infusion_reaction',
        'infusionReaction',
        'An infusion reaction occurred',
        'boolean',
        true,
      ),
      field('donor_code', 'donorCode', 'Donor code', 'id', false),
      field('volume_ml', 'volumeMl', 'Infused volume', 'decimal', false, {
        range: { min: 0, max: 5000, minExclusive: true },
        unit: { symbol: 'mL', ucum: 'mL' },
      }),
      // The product as given (issue 14, section 6; the seed paper's product details were not
      // found, definitions.md 12.2): viable fraction, culture passage, fresh or thawed.
      field('viability_pct', 'viabilityPct', 'Viable cells in the product', 'decimal', false, {
        range: { min: 0, max: 100 },
        unit: { symbol: '%', ucum: '%' },
      }),
      field('passage', 'passage', 'Culture passage of the cells', 'integer', false, {
        range: { min: 0, max: 50 },
      }),
      field('product_state', 'productState', 'Fresh or cryopreserved', 'code', false, {
        codeList: 'product_state',
      }),
      ...vitals('pre'),
      ...vitals('post'),
    ],
    INFUSION_FIELDS_ACCEPTING_MISSING_CODES,
  ),
};

const ADVERSE_EVENT: RecordType = {
  id: 'adverse_event',
  label: 'Adverse event',
  file: 'adverse_events.csv',
  optionalFile: false,
  key: ['ae_id'],
  references: [{ fields: ['subject_id'], to: 'subject' }],
  fields: [
    subjectRef(),
    field('ae_id', 'aeId', "The adverse event's identifier", 'id', true),
    field('term', 'term', 'Verbatim or preferred term', 'text', true),
    field('onset_date', 'onsetDate', 'Onset', 'date', true),
    // With the infusion's start time it decides an AE on the infusion day (ADR 0020).
    field('onset_time', 'onsetTime', 'Onset time (HH:MM, local)', 'text', false, {
      maxLength: 5,
      pattern: TIME_OF_DAY,
    }),
    field('resolution_date', 'resolutionDate', 'Resolution (empty: ongoing)', 'date', false),
    // A condition present before treatment that worsens after it is treatment-emergent (ICH
    // E9 glossary): the day its grade rose to `grade` (ADR 0020).
    field(
      'worsened_date',
      'worsenedDate',
      'Day the grade rose to the grade recorded (empty: it did not)',
      'date',
      false,
    ),
    field('grade', 'grade', 'CTCAE grade', 'integer', true, {
      storage: 'smallint',
      range: { min: 1, max: 5 },
      codeList: 'ctcae_grade',
    }),
    field('serious', 'serious', 'Serious adverse event (ICH E2A)', 'boolean', true),
    field('related', 'related', 'Relatedness to the study treatment', 'code', true, {
      codeList: 'ae_relatedness',
    }),
    field('outcome', 'outcome', 'Outcome', 'code', true, { codeList: 'ae_outcome' }),
    field(
      'meddra_code',
      'meddraCode',
      'MedDRA code (lowest level or preferred term)',
      'text',
      false,
      {
        maxLength: 8,
        pattern: { regex: /^\d{8}$/, description: 'an 8-digit MedDRA code' },
      },
    ),
    field(
      'seriousness_criteria',
      'seriousnessCriteria',
      'Seriousness criteria met',
      'codes',
      false,
      {
        codeList: 'seriousness_criterion',
      },
    ),
    field('action_taken', 'actionTaken', 'Action taken with the study treatment', 'code', false, {
      codeList: 'ae_action',
    }),
    field(
      'awareness_date',
      'awarenessDate',
      'When the team learnt of it (empty: the onset)',
      'date',
      false,
      {
        defaultFrom: 'onset_date',
      },
    ),
    field('reported_date', 'reportedDate', 'When a serious AE was reported', 'date', false),
    // Coded by the user: no MedDRA dictionary is shipped, so the texts are taken as given and
    // the report tabulates the system organ classes as written (docs/analysis.md).
    field(
      'preferred_term',
      'preferredTerm',
      'MedDRA preferred term, as coded by the site',
      'text',
      false,
      { maxLength: 100 },
    ),
    field(
      'system_organ_class',
      'systemOrganClass',
      'MedDRA system organ class, as coded by the site',
      'text',
      false,
      { maxLength: 100 },
    ),
  ],
};

const ELIGIBILITY_ASSESSMENT: RecordType = {
  id: 'eligibility_assessment',
  label: "Investigator's eligibility assessment",
  file: 'eligibility.csv',
  optionalFile: true,
  key: ['subject_id', 'criterion_id'],
  references: [{ fields: ['subject_id'], to: 'subject' }],
  fields: withMissingCodes(
    [
      subjectRef(),
      field('criterion_id', 'criterionId', "The criterion's id in the protocol", 'id', true, {
        pattern: {
          regex: /^[a-z][a-z0-9_]*$/,
          description:
            'a criterion id (lower-case letters, digits and _, as the protocol names it)',
        },
      }),
      field(
        'value',
        'value',
        "Whether the criterion's statement is true for the subject",
        'boolean',
        true,
      ),
      field('assessed_date', 'assessedDate', 'The day it was assessed', 'date', true),
      field('assessed_by', 'assessedBy', 'Who assessed it', 'id', false),
    ],
    ELIGIBILITY_FIELDS_ACCEPTING_MISSING_CODES,
  ),
};

/**
 * The version of a record, which every record has (the database counts its changes): not a field
 * of the record type, but a column of every bundle file, written by the export and checked by
 * the import, so that a bundle never silently replaces a record changed since it was exported.
 */
export const RECORD_VERSION: FieldDefinition = field(
  'version',
  'version',
  'Version of the record when it was exported',
  'integer',
  false,
  { range: { min: 1 } },
);

/** Every record type of a study, in bundle file order (parents before children). */
export const RECORD_TYPES: readonly RecordType[] = [
  SUBJECT,
  VISIT,
  JOINT_FINDING,
  CHAQ_RESPONSE,
  DAMAGE_ITEM,
  MEDICATION,
  INFUSION,
  ADVERSE_EVENT,
  ELIGIBILITY_ASSESSMENT,
];

export function recordType(id: RecordTypeId): RecordType {
  const found = RECORD_TYPES.find((r) => r.id === id);
  if (!found) throw new RangeError(`no record type ${id}`);
  return found;
}

/** A field of a record type by its name. */
export function fieldOf(record: RecordType, name: string): FieldDefinition {
  const found = record.fields.find((f) => f.name === name);
  if (!found) throw new RangeError(`${record.id} has no field ${name}`);
  return found;
}

/** The database column of a field. */
export function columnOf(field: FieldDefinition): string {
  return field.storedAs ?? field.name;
}
