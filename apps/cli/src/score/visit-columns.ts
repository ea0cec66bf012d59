/**
 * The columns of a visits CSV (docs/score-command.md), shared by `jia-trial score` and, later,
 * the study bundle's visits.csv. Ranges come from @jia-trial/outcomes (INPUT_RANGES), defined
 * once for every entry point.
 */
import type { RangedInput } from '@jia-trial/outcomes';

export type ColumnKind = 'id' | 'date' | 'category' | 'number' | 'boolean' | 'joint_codes';

export interface VisitColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly required: boolean;
  /** The outcome-library field a number column feeds, with its range. */
  readonly field?: RangedInput;
}

export const NUMBER_FIELDS = [
  'physicianGlobal',
  'parentGlobal',
  'chaqDi',
  'activeJoints',
  'limitedJoints',
  'esr',
  'crp',
  'morningStiffnessMinutes',
  'ferritin',
  'platelets',
  'ast',
  'triglycerides',
  'fibrinogen',
] as const satisfies readonly RangedInput[];
export type NumberField = (typeof NUMBER_FIELDS)[number];

export const BOOLEAN_FIELDS = ['systemicFeatures', 'activeUveitis', 'fever'] as const;
export type BooleanField = (typeof BOOLEAN_FIELDS)[number];

const column = (name: string, kind: ColumnKind, required = false): VisitColumn => ({
  name,
  kind,
  required,
});
const numberColumn = (name: string, field: NumberField): VisitColumn => ({
  name,
  kind: 'number',
  required: false,
  field,
});

export const VISIT_COLUMNS: readonly VisitColumn[] = [
  column('subject_id', 'id', true),
  column('visit_id', 'id', true),
  column('visit_date', 'date', true),
  column('baseline_visit_id', 'id'),
  column('ilar_category', 'category'),
  numberColumn('physician_global', 'physicianGlobal'),
  numberColumn('parent_global', 'parentGlobal'),
  numberColumn('chaq_di', 'chaqDi'),
  numberColumn('active_joints', 'activeJoints'),
  numberColumn('limited_joints', 'limitedJoints'),
  column('active_joint_codes', 'joint_codes'),
  numberColumn('esr', 'esr'),
  numberColumn('crp', 'crp'),
  numberColumn('morning_stiffness_min', 'morningStiffnessMinutes'),
  column('systemic_features', 'boolean'),
  column('active_uveitis', 'boolean'),
  column('fever', 'boolean'),
  numberColumn('ferritin', 'ferritin'),
  numberColumn('platelets', 'platelets'),
  numberColumn('ast', 'ast'),
  numberColumn('triglycerides', 'triglycerides'),
  numberColumn('fibrinogen', 'fibrinogen'),
];

/** The boolean field each boolean column feeds. */
export const BOOLEAN_COLUMN_FIELDS: Readonly<Record<string, BooleanField>> = {
  systemic_features: 'systemicFeatures',
  active_uveitis: 'activeUveitis',
  fever: 'fever',
};

/** Score columns appended to every row, in this order. */
export const SCORE_COLUMNS = [
  'jadas10',
  'jadas27',
  'jadas71',
  'cjadas10',
  'jadas10_crp',
  'jadas10_band',
  'acr_pedi',
  'flare',
  'inactive_disease',
  'mas_2016',
] as const;
