/**
 * How a validated bundle file is merged into its table: the staged text of each column cast to
 * its database type, the key that matches a stored record, and the columns compared and
 * written. Shared by the import (import-bundle.ts) and its check of the database's rules
 * (check-rules.ts).
 */
import type { BundleColumn, BundleFile } from '@jia-trial/dictionary';
import { dbColumn, isNeutralisedField } from '@jia-trial/dictionary';
import { escapeIdentifier } from 'pg';
import { restoredSql } from './csv-formula-sql.js';

/** The staging table's column holding each record's line in its file. */
export const LINE_COLUMN = 'bundle_line';

/** A column name as an SQL identifier. */
export const quote = escapeIdentifier;

/**
 * The staged text of a column, cast to its database type. An empty cell of a column with a
 * default column takes that column's value (awareness_date: onset_date); an absent column does
 * too on insert (absent columns are never compared or updated, see plan()). Whole numbers go
 * through numeric, since the visits reader accepts `10.0` as 10. A text cell written neutralised
 * (`'=x`: the dictionary's csv-formula.ts) is the text it was neutralised from.
 */
export function valueExpression(column: BundleColumn, present: ReadonlySet<string>): string {
  const staged = `s.${quote(column.name)}`;
  const own = !present.has(column.name)
    ? 'NULL'
    : isNeutralisedField(column.field)
      ? restoredSql(staged)
      : staged;
  const fallback =
    column.defaultFrom && present.has(column.defaultFrom) ? `s.${quote(column.defaultFrom)}` : null;
  const text = fallback
    ? `coalesce(${own}, ${fallback})`
    : column.type === 'chaq_score'
      ? `nullif(${own}, 'na')`
      : own;
  const whole = column.sqlType === 'integer' || column.sqlType === 'smallint';
  return whole
    ? `CAST(CAST(${text} AS numeric) AS ${column.sqlType})`
    : `CAST(${text} AS ${column.sqlType})`;
}

export interface MergePlan {
  readonly spec: BundleFile;
  readonly stage: string;
  readonly keyMatch: string;
  /** Non-key columns the file provides (compared and updated). */
  readonly compared: readonly BundleColumn[];
  /** The columns written into a new record (all but the version, which the database keeps). */
  readonly inserted: readonly BundleColumn[];
  readonly present: ReadonlySet<string>;
}

/** The bundle column of a record's version: checked against the stored one, never written. */
export const VERSION = 'version';

export function plan(spec: BundleFile, columns: readonly string[]): MergePlan {
  const present = new Set(columns);
  const stage = `stage_${spec.table}`;
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const keyMatch = spec.key
    .map((name) => {
      const column = byName.get(name) as BundleColumn;
      return `t.${quote(dbColumn(spec, name))} = ${valueExpression(column, present)}`;
    })
    .concat('t.study_id = $1')
    .join(' AND ');
  const compared = spec.columns.filter(
    (c) => !spec.key.includes(c.name) && c.name !== VERSION && present.has(c.name),
  );
  const inserted = spec.columns.filter((c) => c.name !== VERSION);
  return { spec, stage, keyMatch, compared, inserted, present };
}

export function differs(p: MergePlan): string {
  if (p.compared.length === 0) return 'false';
  const stored = p.compared.map((c) => `t.${quote(dbColumn(p.spec, c.name))}`).join(', ');
  const given = p.compared.map((c) => valueExpression(c, p.present)).join(', ');
  return `(${stored}) IS DISTINCT FROM (${given})`;
}

/** A stored record's key as text, as the refusals list it. */
export function keyText(p: MergePlan): string {
  return p.spec.key.map((name) => `t.${quote(dbColumn(p.spec, name))}::text`).join(` || ', ' || `);
}
