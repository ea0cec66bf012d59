/**
 * The study bundle: which CSV files, which columns, their types, keys and references
 * (docs/bundle-format.md documents it for users; apps/cli/src/bundle/bundle-format-doc.test.ts
 * checks the two agree).
 * Import validation, the staging load, the merge and the export are all driven by this table,
 * so a column is declared once.
 */

import { CHAQ_ITEM_CODES, ILAR_CATEGORY_CODES, JOINTS } from '@jia-trial/outcomes';
import { BODY_WEIGHT_KG_MAX, DRUG_CLASSES, STOP_REASONS } from '@jia-trial/protocol';
import type { VisitRecord } from '../visits.js';

export type BundleColumnType =
  | 'text'
  | 'date'
  /** YYYY-MM or YYYY-MM-DD. */
  | 'partial_date'
  | 'boolean'
  | 'integer'
  | 'decimal'
  | 'enum'
  /** 0-3, or `na` (stored as NULL). */
  | 'chaq_score'
  /** A visits.csv column, validated by the visits reader of `jia-trial score`. */
  | 'visit';

export interface BundleColumn {
  readonly name: string;
  readonly type: BundleColumnType;
  readonly required: boolean;
  /** The database column's type, for the cast from the staged text. */
  readonly sqlType: 'text' | 'date' | 'boolean' | 'integer' | 'smallint' | 'numeric';
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Exclusive lower bound (a weight of 0 is not a weight). */
  readonly positive?: boolean;
  /** Longest text accepted, in characters. */
  readonly maxLength?: number;
  /** A text's form, and how to name it in a message. */
  readonly pattern?: { readonly regex: RegExp; readonly description: string };
  /** When empty, the value of this other column of the same row is stored (awareness_date). */
  readonly defaultFrom?: string;
}

export interface BundleReference {
  readonly columns: readonly string[];
  readonly file: BundleFileName;
}

export interface BundleFile {
  readonly file: BundleFileName;
  readonly table: string;
  readonly optional: boolean;
  readonly columns: readonly BundleColumn[];
  /** The columns that identify a row within the study. */
  readonly key: readonly string[];
  readonly references: readonly BundleReference[];
}

export type BundleFileName =
  | 'subjects.csv'
  | 'visits.csv'
  | 'joints.csv'
  | 'chaq.csv'
  | 'medications.csv'
  | 'infusions.csv'
  | 'adverse_events.csv'
  | 'eligibility.csv';

/** A study id (the same rule as the study table's CHECK in migrations/0002_trial_schema.sql). */
export const STUDY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const TEXT_MAX = 200;
const req = (name: string, type: BundleColumnType, extra: Partial<BundleColumn> = {}) =>
  column(name, type, true, extra);
const opt = (name: string, type: BundleColumnType, extra: Partial<BundleColumn> = {}) =>
  column(name, type, false, extra);

const SQL_TYPES: Record<BundleColumnType, BundleColumn['sqlType']> = {
  text: 'text',
  date: 'date',
  partial_date: 'text',
  boolean: 'boolean',
  integer: 'integer',
  decimal: 'numeric',
  enum: 'text',
  chaq_score: 'smallint',
  visit: 'text',
};

function column(
  name: string,
  type: BundleColumnType,
  required: boolean,
  extra: Partial<BundleColumn>,
): BundleColumn {
  return {
    name,
    type,
    required,
    sqlType: SQL_TYPES[type],
    ...(type === 'text' ? { maxLength: TEXT_MAX } : {}),
    ...extra,
  };
}

/**
 * The visits.csv columns (the names are `jia-trial score`'s), in the visit table's order: each
 * with its database type and the VisitRecord field (saveVisit) it holds.
 */
export const VISIT_COLUMN_FIELDS = [
  ['subject_id', 'text', 'subjectId'],
  ['visit_id', 'text', 'visitId'],
  ['visit_date', 'date', 'visitDate'],
  ['baseline_visit_id', 'text', 'baselineVisitId'],
  ['ilar_category', 'text', 'ilarCategory'],
  ['physician_global', 'numeric', 'physicianGlobal'],
  ['parent_global', 'numeric', 'parentGlobal'],
  ['chaq_di', 'numeric', 'chaqDi'],
  ['active_joints', 'integer', 'activeJoints'],
  ['limited_joints', 'integer', 'limitedJoints'],
  ['active_joint_codes', 'text', 'activeJointCodes'],
  ['esr', 'numeric', 'esr'],
  ['crp', 'numeric', 'crp'],
  ['morning_stiffness_min', 'numeric', 'morningStiffnessMinutes'],
  ['systemic_features', 'boolean', 'systemicFeatures'],
  ['active_uveitis', 'boolean', 'activeUveitis'],
  ['fever', 'boolean', 'fever'],
  ['ferritin', 'numeric', 'ferritin'],
  ['platelets', 'numeric', 'platelets'],
  ['ast', 'numeric', 'ast'],
  ['triglycerides', 'numeric', 'triglycerides'],
  ['fibrinogen', 'numeric', 'fibrinogen'],
] as const satisfies ReadonlyArray<readonly [string, BundleColumn['sqlType'], keyof VisitRecord]>;
const VISIT_REQUIRED = new Set(['subject_id', 'visit_id', 'visit_date']);

const VITALS = (when: 'pre' | 'post') => [
  opt(`${when}_heart_rate`, 'integer', { min: 20, max: 300 }),
  opt(`${when}_systolic_bp`, 'integer', { min: 30, max: 300 }),
  opt(`${when}_diastolic_bp`, 'integer', { min: 10, max: 200 }),
  opt(`${when}_temperature_c`, 'decimal', { min: 30, max: 45 }),
  opt(`${when}_spo2`, 'integer', { min: 0, max: 100 }),
];

export const SEX_CODES = ['F', 'M', 'U'] as const;
// The medication vocabulary is the protocol engine's (timeline.ts), which reasons on it.
export { DRUG_CLASSES, STOP_REASONS };
export const RELATEDNESS = ['not_related', 'unlikely', 'possible', 'probable', 'definite'] as const;
export const AE_OUTCOMES = [
  'recovered',
  'recovering',
  'not_recovered',
  'recovered_with_sequelae',
  'fatal',
  'unknown',
] as const;
export const AE_ACTIONS = [
  'none',
  'dose_reduced',
  'drug_interrupted',
  'drug_withdrawn',
  'not_applicable',
  'unknown',
] as const;
/** ICH E2A seriousness criteria, `;`-separated in seriousness_criteria. */
export const SERIOUSNESS_CRITERIA = [
  'death',
  'life_threatening',
  'hospitalisation',
  'disability',
  'congenital_anomaly',
  'medically_important',
] as const;

export const BUNDLE_FILES: readonly BundleFile[] = [
  {
    file: 'subjects.csv',
    table: 'subject',
    optional: false,
    key: ['subject_id'],
    references: [],
    columns: [
      req('subject_id', 'text', { maxLength: 64 }),
      req('site', 'text', { maxLength: 64 }),
      req('sex', 'enum', { values: SEX_CODES }),
      req('birth_date', 'partial_date'),
      req('ilar_category', 'enum', { values: ILAR_CATEGORY_CODES }),
      req('diagnosis_date', 'date'),
      opt('enrolment_date', 'date'),
      opt('withdrawal_date', 'date'),
      opt('withdrawal_reason', 'text', { maxLength: 500 }),
    ],
  },
  {
    file: 'visits.csv',
    table: 'visit',
    optional: false,
    key: ['visit_id'],
    references: [{ columns: ['subject_id'], file: 'subjects.csv' }],
    columns: VISIT_COLUMN_FIELDS.map(([name, sqlType]) => ({
      name,
      type: 'visit' as const,
      required: VISIT_REQUIRED.has(name),
      sqlType,
    })),
  },
  {
    file: 'joints.csv',
    table: 'joint_finding',
    optional: true,
    key: ['visit_id', 'joint_code'],
    references: [{ columns: ['visit_id'], file: 'visits.csv' }],
    columns: [
      req('visit_id', 'text', { maxLength: 64 }),
      req('joint_code', 'enum', { values: JOINTS.map((joint) => joint.code) }),
      req('swollen', 'boolean'),
      req('tender', 'boolean'),
      req('limited', 'boolean'),
    ],
  },
  {
    file: 'chaq.csv',
    table: 'chaq_response',
    optional: true,
    key: ['visit_id', 'item'],
    references: [{ columns: ['visit_id'], file: 'visits.csv' }],
    columns: [
      req('visit_id', 'text', { maxLength: 64 }),
      req('item', 'enum', { values: CHAQ_ITEM_CODES }),
      req('score', 'chaq_score'),
      req('aid_or_help', 'boolean'),
    ],
  },
  {
    file: 'medications.csv',
    table: 'medication',
    optional: false,
    key: ['subject_id', 'drug', 'start_date'],
    references: [{ columns: ['subject_id'], file: 'subjects.csv' }],
    columns: [
      req('subject_id', 'text', { maxLength: 64 }),
      req('drug', 'text'),
      req('drug_class', 'enum', { values: DRUG_CLASSES }),
      req('start_date', 'date'),
      opt('stop_date', 'date'),
      opt('stop_reason', 'enum', { values: STOP_REASONS }),
    ],
  },
  {
    file: 'infusions.csv',
    table: 'infusion',
    optional: false,
    key: ['subject_id', 'infusion_date'],
    references: [{ columns: ['subject_id'], file: 'subjects.csv' }],
    columns: [
      req('subject_id', 'text', { maxLength: 64 }),
      req('infusion_date', 'date'),
      req('weight_kg', 'decimal', { min: 0, max: BODY_WEIGHT_KG_MAX, positive: true }),
      req('cells_per_kg', 'decimal', { min: 0, max: 1e12, positive: true }),
      req('total_cells', 'decimal', { min: 0, max: 1e15, positive: true }),
      req('product_lot', 'text', { maxLength: 64 }),
      req('infusion_reaction', 'boolean'),
      opt('donor_code', 'text', { maxLength: 64 }),
      opt('volume_ml', 'decimal', { min: 0, max: 5000, positive: true }),
      ...VITALS('pre'),
      ...VITALS('post'),
    ],
  },
  {
    file: 'adverse_events.csv',
    table: 'adverse_event',
    optional: false,
    key: ['ae_id'],
    references: [{ columns: ['subject_id'], file: 'subjects.csv' }],
    columns: [
      req('subject_id', 'text', { maxLength: 64 }),
      req('ae_id', 'text', { maxLength: 64 }),
      req('term', 'text'),
      req('onset_date', 'date'),
      opt('resolution_date', 'date'),
      req('grade', 'integer', { min: 1, max: 5 }),
      req('serious', 'boolean'),
      req('related', 'enum', { values: RELATEDNESS }),
      req('outcome', 'enum', { values: AE_OUTCOMES }),
      opt('meddra_code', 'text', { maxLength: 8 }),
      opt('seriousness_criteria', 'text'),
      opt('action_taken', 'enum', { values: AE_ACTIONS }),
      opt('awareness_date', 'date', { defaultFrom: 'onset_date' }),
      opt('reported_date', 'date'),
    ],
  },
  {
    file: 'eligibility.csv',
    table: 'eligibility_assessment',
    optional: true,
    key: ['subject_id', 'criterion_id'],
    references: [{ columns: ['subject_id'], file: 'subjects.csv' }],
    columns: [
      req('subject_id', 'text', { maxLength: 64 }),
      req('criterion_id', 'text', {
        maxLength: 64,
        // The CHECK of eligibility_assessment.criterion_id (migration 0005).
        pattern: {
          regex: /^[a-z][a-z0-9_]*$/,
          description:
            'a criterion id (lower-case letters, digits and _, as the protocol names it)',
        },
      }),
      req('value', 'boolean'),
      req('assessed_date', 'date'),
      opt('assessed_by', 'text', { maxLength: 64 }),
    ],
  },
];

export function bundleFile(name: BundleFileName): BundleFile {
  const file = BUNDLE_FILES.find((f) => f.file === name);
  if (!file) throw new Error(`no bundle file ${name}`);
  return file;
}

/** The database column a bundle column is stored in (the same name, but subjects' `site`). */
export function dbColumn(file: BundleFile, name: string): string {
  return file.table === 'subject' && name === 'site' ? 'site_code' : name;
}
