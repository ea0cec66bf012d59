/**
 * Saving one visit, the unit of work of data entry: validate the values against the outcome
 * library's ranges, score the visit against its baseline, and store it with its audit event in
 * one transaction. An edit names the version it was based on; a stale edit is refused with a
 * VERSION_CONFLICT and changes nothing (optimistic concurrency).
 */

import {
  type CodeListId,
  codesOf,
  columnOf,
  fieldOf,
  LAB_UNIT_FIELDS,
  missingCodeIssues,
  recordType,
  scoreAgainstReference,
  standardised,
  type VisitRecord,
} from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import {
  checkRanges,
  ILAR_CATEGORY_CODES,
  type IlarCategory,
  parseIsoDate,
  type VisitScores,
} from '@jia-trial/outcomes';
import type pg from 'pg';
import { requestSeal } from './audit/sealer.js';
import { notFound, translateDatabaseError, versionConflict } from './errors.js';
import type { SiteScope } from './records/site-scope.js';
import { type ChangeContext, checkedActor, type Transaction } from './transaction.js';

/** A visit as entered (the dictionary's, shared with the browser's visit form). */
export type { VisitRecord };

export interface SavedVisit {
  readonly version: number;
  readonly scores: VisitScores;
}

/** Each record field and its column, in the dictionary's order (visit_id is the key). */
const FIELDS = recordType('visit')
  .fields.filter((field) => field.name !== 'visit_id')
  .map((field) => ({
    column: columnOf(field),
    field: field.key as keyof VisitRecord,
    numeric: field.storage === 'numeric' || field.storage === 'integer',
  }));

/** Every problem of a visit's values, each with its field as path. */
export function validateVisit(visit: VisitRecord): Issue[] {
  const problems: Issue[] = [];
  const fields = visit as unknown as Readonly<Record<string, unknown>>;
  for (const lab of LAB_UNIT_FIELDS) {
    const unit = fields[lab.unitKey];
    if (unit === null || unit === undefined) continue;
    const units = codesOf(fieldOf(recordType('visit'), lab.unitName).codeList as CodeListId);
    if (typeof unit !== 'string' || !units.includes(unit))
      problems.push({
        path: lab.unitKey,
        message: `${JSON.stringify(unit)} is not a unit of ${lab.analyte} (${units.join(', ')})`,
      });
  }
  // Ranges are stated in the standard units.
  if (problems.length === 0)
    for (const p of checkRanges(standardised(visit)))
      problems.push({ path: p.field, message: p.message });
  if (!visit.visitId.trim()) problems.push({ path: 'visitId', message: 'is empty' });
  if (!visit.subjectId.trim()) problems.push({ path: 'subjectId', message: 'is empty' });
  if (parseIsoDate(visit.visitDate) === null)
    problems.push({ path: 'visitDate', message: `${visit.visitDate} is not a date (YYYY-MM-DD)` });
  // A code says why a field is empty: one of the list, and never beside a value (ADR 0040).
  problems.push(...missingCodeIssues('visit', fields));
  const category = visit.ilarCategory;
  if (category != null && !ILAR_CATEGORY_CODES.includes(category as IlarCategory))
    problems.push({ path: 'ilarCategory', message: `${category} is not an ILAR category` });
  return problems;
}

/** A stored row (as to_jsonb or pg gives it) as a record: numbers as numbers, as entered. */
function fromRow(row: Record<string, unknown>): VisitRecord {
  const out: Record<string, unknown> = {};
  for (const { field, column, numeric } of FIELDS) {
    const value = row[column];
    out[field] = value !== null && numeric ? Number(value) : value;
  }
  return out as unknown as VisitRecord;
}

/** SQLSTATEs raised by save_visit (migrations/0007, 0012). */
const STALE_EDIT = 'JT010';
const BASELINE_MISSING = 'JT011';
const NOT_AT_SITES = 'JT012';

/** The error a failed save statement stands for; `current` reads the version that won. */
async function saveError(
  error: unknown,
  studyId: string,
  visit: VisitRecord,
  basedOnVersion: number | null,
  current: () => Promise<number | null>,
): Promise<unknown> {
  const code = (error as { code?: string }).code;
  if (code === STALE_EDIT)
    return versionConflict(
      'visit',
      `${studyId}/${visit.visitId}`,
      basedOnVersion ?? 0,
      await current(),
    );
  if (code === NOT_AT_SITES) return notFound(`study ${studyId} has no subject ${visit.subjectId}`);
  if (code === BASELINE_MISSING)
    return notFound(
      `baseline visit ${visit.baselineVisitId} is not a visit of subject ${visit.subjectId}`,
    );
  return translateDatabaseError(error);
}

async function currentVersion(
  db: Pick<pg.Pool, 'query'>,
  studyId: string,
  visitId: string,
): Promise<number | null> {
  const found = await db.query<{ version: number }>(
    'SELECT version FROM visit WHERE study_id = $1 AND visit_id = $2',
    [studyId, visitId],
  );
  return found.rows[0]?.version ?? null;
}

/**
 * Saves a visit of `studyId`: a new one when `basedOnVersion` is null, else an edit of that
 * version (which needs a reason). Returns the stored version and the visit's scores against its
 * baseline (the named one, or the subject's earliest other visit), computed on the values in
 * standard units.
 *
 * In a transaction (withTransaction), the visit is saved with the transaction's actor and reason
 * and commits with the rest of it. Given the pool, who and why, and the sites where the caller
 * may write (`sites`, default all: a subject or stored visit elsewhere is NOT_FOUND, as one that
 * does not exist, checked by save_visit before anything else), it is saved in one round trip,
 * one statement: the server-side function save_visit (migrations/0007) sets the audit context,
 * writes the row and returns the baseline, in its own transaction; it is called through a
 * prepared statement, so neither it nor its queries are planned again. Measured under 32
 * concurrent writers: 1,050 saves/s with five round trips, about 2,000 with one multi-statement
 * string, about 3,000 this way (docs/performance.md).
 */
export function saveVisit(
  tx: Transaction,
  studyId: string,
  visit: VisitRecord,
  basedOnVersion: number | null,
): Promise<SavedVisit>;
export function saveVisit(
  pool: pg.Pool,
  studyId: string,
  visit: VisitRecord,
  basedOnVersion: number | null,
  change: ChangeContext & { readonly sites?: SiteScope },
): Promise<SavedVisit>;
export async function saveVisit(
  target: pg.Pool | Transaction,
  studyId: string,
  visit: VisitRecord,
  basedOnVersion: number | null,
  change?: ChangeContext & { readonly sites?: SiteScope },
): Promise<SavedVisit> {
  const problems = validateVisit(visit);
  if (problems.length > 0)
    throw new JiaError(
      'VALIDATION_FAILED',
      `invalid visit: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { issues: problems },
    );
  const inTransaction = 'client' in target;
  const actor = checkedActor(inTransaction ? target.actor : (change as ChangeContext).actor);
  const reason = inTransaction ? target.reason : (change?.reason?.trim() ?? '');
  const sites = inTransaction ? 'all' : (change?.sites ?? 'all');
  const record: Record<string, unknown> = { visit_id: visit.visitId };
  for (const { field, column } of FIELDS) record[column] = visit[field] ?? null;
  const statement = {
    name: 'jia_save_visit',
    text: 'SELECT saved_version, baseline FROM save_visit($1, $2, $3, $4, $5, $6, $7)',
    values: [
      studyId,
      record,
      basedOnVersion,
      actor.name,
      reason ?? '',
      actor.id,
      sites === 'all' ? null : sites,
    ],
  };
  let row: { saved_version: number; baseline: Record<string, unknown> | null };
  if (inTransaction) {
    // A savepoint keeps the transaction usable to read the version that won a conflict.
    const client = target.client;
    await client.query('SAVEPOINT save_visit');
    try {
      row = (await client.query(statement)).rows[0];
      await client.query('RELEASE SAVEPOINT save_visit');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT save_visit');
      throw await saveError(error, studyId, visit, basedOnVersion, () =>
        currentVersion(client, studyId, visit.visitId),
      );
    }
  } else {
    try {
      row = (await target.query(statement)).rows[0];
    } catch (error) {
      // Read after the rollback: the statement's snapshot predates the edit that won.
      throw await saveError(error, studyId, visit, basedOnVersion, () =>
        currentVersion(target, studyId, visit.visitId),
      );
    }
    requestSeal(target);
  }
  const scores = scoreAgainstReference(visit, row.baseline ? fromRow(row.baseline) : null);
  return { version: row.saved_version, scores };
}

/** A stored visit and its version, or null. */
export async function loadVisit(
  db: Pick<pg.Pool, 'query'>,
  studyId: string,
  visitId: string,
): Promise<{ visit: VisitRecord; version: number } | null> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM visit WHERE study_id = $1 AND visit_id = $2',
    [studyId, visitId],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    visit: { ...fromRow(row), visitId },
    version: row.version as number,
  };
}
