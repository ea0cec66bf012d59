/**
 * The columns of a visits CSV (docs/score-command.md), shared by `jia-trial score` and, later,
 * the study bundle's visits.csv. Ranges come from @jia-trial/outcomes (INPUT_RANGES), defined
 * once for every entry point.
 */
import type { RangedInput, VisitScores } from '@jia-trial/outcomes';

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

/** Score columns appended to every row, in this order, each with the VisitScores field it prints. */
export const SCORE_COLUMN_FIELDS = [
  ['jadas10', 'jadas10'],
  ['jadas27', 'jadas27'],
  ['jadas71', 'jadas71'],
  ['cjadas10', 'cjadas10'],
  ['jadas10_crp', 'jadas10Crp'],
  ['jadas10_band', 'jadas10Band'],
  ['acr_pedi', 'acrPedi'],
  ['flare', 'flare'],
  ['inactive_disease', 'inactiveDisease'],
  ['mas_2016', 'mas2016'],
] as const satisfies readonly (readonly [string, keyof VisitScores])[];

export const SCORE_COLUMNS = SCORE_COLUMN_FIELDS.map(([column]) => column);

export type ScoreValue = number | string | boolean | null;

/**
 * A row's score values in SCORE_COLUMN_FIELDS order (null: an empty cell), written into `out`
 * when given (the CSV writer reuses one array for a million rows). The fields are read by name,
 * not through the table: a lookup by key per cell cost 0.35 s on 1M rows
 * (visit-columns.test.ts checks that the two orders agree).
 */
export function scoreValues(s: VisitScores, out: ScoreValue[] = []): ScoreValue[] {
  out[0] = s.jadas10;
  out[1] = s.jadas27;
  out[2] = s.jadas71;
  out[3] = s.cjadas10;
  out[4] = s.jadas10Crp;
  out[5] = s.jadas10Band;
  out[6] = s.acrPedi;
  out[7] = s.flare;
  out[8] = s.inactiveDisease;
  out[9] = s.mas2016;
  return out;
}
