/**
 * The database's CHECK constraints tested on the records an import would write, before it
 * writes them. The bundle validation applies the same rules to each file (the dictionary's
 * ranges and record rules: import-bundle.test.ts compares them with the constraints), but it
 * cannot see a stored record: a file without a column keeps the stored value of that column
 * (absent columns are never changed), so a new enrolment_date can fall after a stored
 * withdrawal_date that the file does not have. Here each staged record is merged with its
 * stored record, as the import would merge them, and tested against every CHECK constraint of
 * its table whose columns the bundle has. A breach is a VALIDATION_FAILED naming the file,
 * line, column, record, constraint and values, and nothing is written: the database never
 * raises it, so the failing row is never in the server's log (docs/store.md, "Server log").
 */
import { BUNDLE_FILES, type BundleColumn, dbColumn } from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { LINE_COLUMN, type MergePlan, quote, VERSION, valueExpression } from './merge-plan.js';

/** How many breaches are listed (all are counted). */
const BREACHES_LISTED = 20;

interface CheckConstraint {
  readonly name: string;
  /** The boolean expression, as pg_get_constraintdef writes it without `CHECK`. */
  readonly expression: string;
  /** The table columns it reads. */
  readonly columns: readonly string[];
}

async function checkConstraints(client: pg.PoolClient, table: string): Promise<CheckConstraint[]> {
  const result = await client.query<{ name: string; def: string; columns: string[] }>(
    `SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS def,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.conrelid = to_regclass($1) AND c.contype = 'c'
      GROUP BY c.oid, c.conname ORDER BY c.conname`,
    [table],
  );
  return result.rows.map((r) => ({
    name: r.name,
    expression: r.def.replace(/^CHECK /, '').replace(/ NOT VALID$/, ''),
    columns: r.columns,
  }));
}

/**
 * A column's value in the record the import would write: the file's, or for a column the file
 * does not have, the stored record's (a new record takes what the insert would give it).
 */
function mergedValue(p: MergePlan, column: BundleColumn): string {
  const value = valueExpression(column, p.present);
  if (p.present.has(column.name)) return value;
  return `CASE WHEN t.row_id IS NULL THEN ${value} ELSE t.${quote(dbColumn(p.spec, column.name))} END`;
}

/** The constraints a merged record of `p` can be tested against, and its columns by db name. */
function testable(p: MergePlan, constraints: readonly CheckConstraint[]) {
  const columns = new Map<string, BundleColumn>();
  for (const column of p.spec.columns)
    if (column.name !== VERSION) columns.set(dbColumn(p.spec, column.name), column);
  return {
    columns,
    constraints: constraints.filter((c) => c.columns.every((name) => columns.has(name))),
  };
}

interface Breach {
  readonly line: number;
  readonly key: string;
  readonly constraint: CheckConstraint;
  readonly values: Readonly<Record<string, string | null>>;
}

async function breachesOf(
  client: pg.PoolClient,
  studyId: string,
  p: MergePlan,
): Promise<{ count: number; breaches: Breach[] }> {
  const { columns, constraints } = testable(p, await checkConstraints(client, p.spec.table));
  if (constraints.length === 0) return { count: 0, breaches: [] };
  const merged = [...columns]
    .map(([name, column]) => `${mergedValue(p, column)} AS ${quote(name)}`)
    .join(', ');
  // The record's key as the refusals name it, read from the merged record.
  const key = p.spec.key
    .map((name) => `m.${quote(dbColumn(p.spec, name))}::text`)
    .join(` || ', ' || `);
  const failed = constraints.map((c, i) => `(${c.expression}) IS FALSE AS c${i}`).join(', ');
  const shown = [...new Set(constraints.flatMap((c) => c.columns))]
    .map((name) => `m.${quote(name)}::text AS ${quote(`v_${name}`)}`)
    .join(', ');
  // The constraints' expressions name the columns unqualified: they read the merged record m.
  const result = await client.query<Record<string, unknown>>(
    `SELECT * FROM (
       SELECT m.${LINE_COLUMN} AS line, ${key} AS key, ${failed}, ${shown}, count(*) OVER () AS n
         FROM (SELECT s.${LINE_COLUMN}, ${merged}
                 FROM ${p.stage} s LEFT JOIN ${p.spec.table} t ON ${p.keyMatch}) m
        WHERE ${constraints.map((c) => `(${c.expression}) IS FALSE`).join(' OR ')}) found
      ORDER BY line LIMIT ${BREACHES_LISTED}`,
    [studyId],
  );
  const breaches: Breach[] = [];
  for (const row of result.rows)
    constraints.forEach((constraint, i) => {
      if (row[`c${i}`] !== true) return;
      const values: Record<string, string | null> = {};
      for (const name of constraint.columns) values[name] = row[`v_${name}`] as string | null;
      breaches.push({ line: Number(row.line), key: String(row.key), constraint, values });
    });
  return { count: Number(result.rows[0]?.n ?? 0), breaches };
}

function breachIssue(p: MergePlan, breach: Breach): Issue {
  const byDb = new Map(p.spec.columns.map((c) => [dbColumn(p.spec, c.name), c.name]));
  const names = breach.constraint.columns.map((name) => byDb.get(name) ?? name);
  const values = breach.constraint.columns
    .map((name) => {
      const bundleName = byDb.get(name) ?? name;
      const stored = p.present.has(bundleName) ? '' : ' (stored; not in the file)';
      return `${bundleName} ${breach.values[name] ?? 'empty'}${stored}`;
    })
    .join(', ');
  const column = names.find((name) => p.present.has(name)) ?? names[0] ?? '';
  return {
    path: `${p.spec.file}/${breach.key}`,
    file: p.spec.file,
    line: breach.line,
    column,
    message: `${p.spec.key.join(' + ')} ${breach.key}: ${values} break the database rule ${breach.constraint.name}: ${breach.constraint.expression}`,
  };
}

/**
 * VALIDATION_FAILED listing the staged records that, merged with the stored ones, would break a
 * CHECK constraint of their table; nothing when none would.
 */
export async function refuseRuleBreaches(
  client: pg.PoolClient,
  studyId: string,
  plans: readonly MergePlan[],
): Promise<void> {
  const issues: Issue[] = [];
  let total = 0;
  for (const p of plans) {
    const found = await breachesOf(client, studyId, p);
    total += found.count;
    issues.push(...found.breaches.map((b) => breachIssue(p, b)));
  }
  const order = BUNDLE_FILES.map((f) => f.file as string);
  issues.sort(
    (a, b) =>
      order.indexOf(a.file ?? '') - order.indexOf(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0),
  );
  if (total > 0)
    throw new JiaError(
      'VALIDATION_FAILED',
      `${total} record(s) of the bundle, with the stored values of the columns a file does not have, would break the database's rules; nothing was imported`,
      { issues, moreIssues: Math.max(0, total - issues.length) },
    );
}
