/**
 * The study bundle (docs/bundle-format.md): one CSV file per record type, one column per field,
 * derived from the field dictionary (records.ts). Import validation, the staging load, the merge
 * and the export all read this table, so a column is declared once, as a field.
 * packages/interop/src/bundle/bundle-format-doc.test.ts checks that the document agrees.
 */
import { codesOf } from './code-lists.js';
import { columnOf, RECORD_TYPES, RECORD_VERSION } from './records.js';
import type {
  BundleFileName,
  FieldDefinition,
  RecordType,
  RecordTypeId,
  StorageType,
} from './types.js';

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
  readonly sqlType: StorageType;
  /** The database column (the same name, but subjects' `site`). */
  readonly dbColumn: string;
  /** An `enum` column's codes. */
  readonly values?: readonly string[];
  /** When empty, the value of this other column of the same row is stored (awareness_date). */
  readonly defaultFrom?: string;
  /** The dictionary's field behind the column: its rule (field-rules.ts) checks each cell. */
  readonly field: FieldDefinition;
}

export interface BundleReference {
  readonly columns: readonly string[];
  readonly file: BundleFileName;
}

export interface BundleFile {
  readonly file: BundleFileName;
  readonly table: RecordTypeId;
  readonly optional: boolean;
  readonly columns: readonly BundleColumn[];
  /** The columns that identify a row within the study. */
  readonly key: readonly string[];
  readonly references: readonly BundleReference[];
}

export type { BundleFileName };

/** A study id (the same rule as the study table's CHECK in migrations/0002_trial_schema.sql). */
export const STUDY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A bundle's study file (docs/bundle-format.md, "study.csv"; ADR 0035): one record, the study's
 * id and whether its data are synthetic. Not a record type: it describes the study, whose row
 * the import creates, and export writes it from that row.
 */
export const STUDY_FILE = 'study.csv';
/** The study file's columns, in the order export writes them. */
export const STUDY_FILE_COLUMNS = ['study_id', 'synthetic'] as const;

const BUNDLE_TYPES: Readonly<Record<FieldDefinition['type'], BundleColumnType>> = {
  id: 'text',
  text: 'text',
  date: 'date',
  partial_date: 'partial_date',
  boolean: 'boolean',
  integer: 'integer',
  decimal: 'decimal',
  code: 'enum',
  // Validated against the code list by the field's rule (field-rules.ts).
  codes: 'text',
  chaq_score: 'chaq_score',
};

function bundleColumn(record: RecordType, field: FieldDefinition): BundleColumn {
  const common = {
    name: field.name,
    required: field.required,
    sqlType: field.storage,
    dbColumn: columnOf(field),
    field,
  };
  // visits.csv is read by the visits reader of `jia-trial score`, which applies the same fields.
  if (record.file === 'visits.csv') return { ...common, type: 'visit' };
  const type = BUNDLE_TYPES[field.type];
  return {
    ...common,
    type,
    ...(type === 'enum' && field.codeList ? { values: codesOf(field.codeList) } : {}),
    ...(field.defaultFrom ? { defaultFrom: field.defaultFrom } : {}),
  };
}

const fileOf = (id: RecordTypeId): BundleFileName =>
  (RECORD_TYPES.find((r) => r.id === id) as RecordType).file;

export const BUNDLE_FILES: readonly BundleFile[] = RECORD_TYPES.map((record) => ({
  file: record.file,
  table: record.id,
  optional: record.optionalFile,
  key: record.key,
  references: record.references.map((r) => ({ columns: r.fields, file: fileOf(r.to) })),
  // The record's version last: an export writes it, an import checks it (import-bundle.ts).
  columns: [...record.fields, RECORD_VERSION].map((field) => bundleColumn(record, field)),
}));

export function bundleFile(name: BundleFileName): BundleFile {
  const file = BUNDLE_FILES.find((f) => f.file === name);
  if (!file) throw new RangeError(`no bundle file ${name}`);
  return file;
}

/** The database column a bundle column is stored in (the same name, but subjects' `site`). */
export function dbColumn(file: BundleFile, name: string): string {
  return file.columns.find((c) => c.name === name)?.dbColumn ?? name;
}
