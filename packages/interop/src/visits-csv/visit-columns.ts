/**
 * The columns of a visits CSV (docs/score-command.md), read by `jia-trial score` and as a study
 * bundle's visits.csv: the fields of the dictionary's visit record, each with the kind of cell
 * the byte-level reader parses. Ranges are the outcome library's (INPUT_RANGES), through the
 * dictionary.
 */
import { codesOf, type FieldDefinition, RECORD_VERSION, recordType } from '@jia-trial/dictionary';
import type { LabAnalyte, RangedInput, VisitObservation, VisitScores } from '@jia-trial/outcomes';

export type ColumnKind =
  | 'id'
  | 'date'
  | 'category'
  | 'number'
  | 'boolean'
  | 'joint_codes'
  /** The unit a laboratory value of the row was entered in (empty: its standard unit). */
  | 'unit'
  /** The record's version in an exported bundle: checked, not scored. */
  | 'version'
  /**
   * Why a field of the row is empty (`esr_missing`: ND, NA, UNK, ASKU; ADR 0040): checked
   * against the code list and against its field, which must then be empty; never scored.
   */
  | 'missing_code';

export interface VisitColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly required: boolean;
  /** The outcome-library field a number column feeds, with its range. */
  readonly field?: RangedInput;
  /** A unit column's analyte, and the unit codes it accepts. */
  readonly analyte?: LabAnalyte;
  readonly units?: readonly string[];
  /** The dictionary's field behind the column. */
  readonly definition: FieldDefinition;
}

/** The visit observations that are booleans. */
export type BooleanField = {
  [K in keyof VisitObservation]-?: NonNullable<VisitObservation[K]> extends boolean ? K : never;
}[keyof VisitObservation];
export type NumberField = RangedInput;

const VISIT = recordType('visit');

function kindOf(field: FieldDefinition): ColumnKind {
  switch (field.type) {
    case 'id':
      return 'id';
    case 'date':
      return 'date';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'codes':
      return 'joint_codes';
    case 'code':
      if (field.codeList === 'missing_reason') return 'missing_code';
      return field.codeList === 'ilar_category' ? 'category' : 'unit';
    default:
      throw new RangeError(`visit field ${field.name}: no visits-CSV reading for ${field.type}`);
  }
}

export const VISIT_COLUMNS: readonly VisitColumn[] = [...VISIT.fields, RECORD_VERSION].map(
  (definition) => {
    const kind = definition === RECORD_VERSION ? 'version' : kindOf(definition);
    const column = { name: definition.name, kind, required: definition.required, definition };
    if (kind === 'number') return { ...column, field: definition.key as RangedInput };
    if (kind !== 'unit') return column;
    // The unit column of a laboratory value: the value's field names it.
    const value = VISIT.fields.find((f) => f.unitField === definition.name) as FieldDefinition;
    return {
      ...column,
      analyte: value.key as LabAnalyte,
      units: unitCodes(definition),
    };
  },
);

function unitCodes(definition: FieldDefinition): readonly string[] {
  return definition.codeList ? codesOf(definition.codeList) : [];
}

/** The number fields, in column order: the typed arrays of a VisitTable. */
export const NUMBER_FIELDS: readonly NumberField[] = VISIT_COLUMNS.flatMap((c) =>
  c.field ? [c.field] : [],
);

/** The boolean fields, in column order. */
export const BOOLEAN_FIELDS: readonly BooleanField[] = VISIT_COLUMNS.flatMap((c) =>
  c.kind === 'boolean' ? [c.definition.key as BooleanField] : [],
);

/** The boolean field each boolean column feeds. */
export const BOOLEAN_COLUMN_FIELDS: Readonly<Record<string, BooleanField>> = Object.fromEntries(
  VISIT_COLUMNS.flatMap((c) =>
    c.kind === 'boolean' ? [[c.name, c.definition.key as BooleanField]] : [],
  ),
);

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
  ['ms_score', 'msScore'],
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
  out[10] = s.msScore;
  return out;
}
