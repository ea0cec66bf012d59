/**
 * Saving one visit, the unit of work of data entry: validate the values against the outcome
 * library's ranges, score the visit against its baseline, and store it with its audit event in
 * one transaction. An edit names the version it was based on; a stale edit is refused with a
 * ConflictError and changes nothing (optimistic concurrency).
 */
import {
  checkRanges,
  ILAR_CATEGORY_CODES,
  type IlarCategory,
  parseIsoDate,
  scoreVisit,
  type VisitObservation,
  type VisitScores,
} from '@jia-trial/outcomes';
import type pg from 'pg';
import { ConflictError, NotFoundError } from './errors.js';
import { type ChangeContext, withChanges } from './transaction.js';

/** A visit as entered: the visits.csv columns, numbers as numbers, dates as YYYY-MM-DD. */
export interface VisitRecord extends VisitObservation {
  readonly visitId: string;
  readonly subjectId: string;
  readonly visitDate: string;
  readonly baselineVisitId?: string | null;
  readonly activeJointCodes?: string | null;
}

export interface SavedVisit {
  readonly version: number;
  readonly scores: VisitScores;
}

/** Each record field and its column, in the visit table's order. */
const FIELDS = [
  ['subjectId', 'subject_id'],
  ['visitDate', 'visit_date'],
  ['baselineVisitId', 'baseline_visit_id'],
  ['ilarCategory', 'ilar_category'],
  ['physicianGlobal', 'physician_global'],
  ['parentGlobal', 'parent_global'],
  ['chaqDi', 'chaq_di'],
  ['activeJoints', 'active_joints'],
  ['limitedJoints', 'limited_joints'],
  ['activeJointCodes', 'active_joint_codes'],
  ['esr', 'esr'],
  ['crp', 'crp'],
  ['morningStiffnessMinutes', 'morning_stiffness_min'],
  ['systemicFeatures', 'systemic_features'],
  ['activeUveitis', 'active_uveitis'],
  ['fever', 'fever'],
  ['ferritin', 'ferritin'],
  ['platelets', 'platelets'],
  ['ast', 'ast'],
  ['triglycerides', 'triglycerides'],
  ['fibrinogen', 'fibrinogen'],
] as const satisfies ReadonlyArray<readonly [keyof VisitRecord, string]>;

const NUMERIC = new Set([
  'physician_global',
  'parent_global',
  'chaq_di',
  'active_joints',
  'limited_joints',
  'esr',
  'crp',
  'morning_stiffness_min',
  'ferritin',
  'platelets',
  'ast',
  'triglycerides',
  'fibrinogen',
]);

/** Thrown when a visit's values are invalid; nothing was stored. */
export class InvalidVisitError extends Error {
  override readonly name = 'InvalidVisitError';
  constructor(readonly problems: ReadonlyArray<{ field: string; message: string }>) {
    super(`invalid visit: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

export function validateVisit(visit: VisitRecord): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = checkRanges(visit).map((p) => ({
    field: p.field,
    message: p.message,
  }));
  if (!visit.visitId.trim()) problems.push({ field: 'visitId', message: 'is empty' });
  if (!visit.subjectId.trim()) problems.push({ field: 'subjectId', message: 'is empty' });
  if (parseIsoDate(visit.visitDate) === null)
    problems.push({ field: 'visitDate', message: `${visit.visitDate} is not a date (YYYY-MM-DD)` });
  const category = visit.ilarCategory;
  if (category != null && !ILAR_CATEGORY_CODES.includes(category as IlarCategory))
    problems.push({ field: 'ilarCategory', message: `${category} is not an ILAR category` });
  return problems;
}

function fromRow(row: Record<string, unknown>): VisitObservation {
  const out: Record<string, unknown> = {};
  for (const [field, column] of FIELDS) {
    const value = row[column];
    out[field] = value !== null && NUMERIC.has(column) ? Number(value) : value;
  }
  return out as VisitObservation;
}

/**
 * Saves a visit of `studyId`: a new one when `basedOnVersion` is null, else an edit of that
 * version (which needs `context.reason`). Returns the stored version and the visit's scores
 * against its baseline (the named one, or the subject's earliest other visit).
 */
export async function saveVisit(
  pool: pg.Pool,
  studyId: string,
  visit: VisitRecord,
  basedOnVersion: number | null,
  context: ChangeContext,
): Promise<SavedVisit> {
  const problems = validateVisit(visit);
  if (problems.length > 0) throw new InvalidVisitError(problems);
  const values = FIELDS.map(([field]) => visit[field] ?? null);
  return withChanges(pool, context, async (client) => {
    let version: number;
    if (basedOnVersion === null) {
      const inserted = await client.query<{ version: number }>(
        `INSERT INTO visit (study_id, visit_id, ${FIELDS.map(([, c]) => c).join(', ')})
         VALUES ($1, $2, ${FIELDS.map((_, i) => `$${i + 3}`).join(', ')})
         ON CONFLICT (study_id, visit_id) DO NOTHING RETURNING version`,
        [studyId, visit.visitId, ...values],
      );
      if (inserted.rows[0] === undefined) {
        const current = await currentVersion(client, studyId, visit.visitId);
        throw new ConflictError('visit', `${studyId}/${visit.visitId}`, 0, current);
      }
      version = inserted.rows[0].version;
    } else {
      const updated = await client.query<{ version: number }>(
        `UPDATE visit SET ${FIELDS.map(([, c], i) => `${c} = $${i + 4}`).join(', ')}
          WHERE study_id = $1 AND visit_id = $2 AND version = $3 RETURNING version`,
        [studyId, visit.visitId, basedOnVersion, ...values],
      );
      if (updated.rows[0] === undefined) {
        const current = await currentVersion(client, studyId, visit.visitId);
        throw new ConflictError('visit', `${studyId}/${visit.visitId}`, basedOnVersion, current);
      }
      version = updated.rows[0].version;
    }
    const baseline = await client.query<Record<string, unknown>>(
      visit.baselineVisitId
        ? 'SELECT * FROM visit WHERE study_id = $1 AND visit_id = $3 AND subject_id = $2'
        : `SELECT * FROM visit WHERE study_id = $1 AND subject_id = $2 AND visit_id <> $3
            ORDER BY visit_date, visit_id LIMIT 1`,
      [studyId, visit.subjectId, visit.baselineVisitId || visit.visitId],
    );
    if (visit.baselineVisitId && baseline.rows[0] === undefined)
      throw new NotFoundError(
        `baseline visit ${visit.baselineVisitId} is not a visit of subject ${visit.subjectId}`,
      );
    const reference = baseline.rows[0];
    const implicitLater =
      !visit.baselineVisitId && reference && String(reference.visit_date) > visit.visitDate;
    const scores = scoreVisit(visit, reference && !implicitLater ? fromRow(reference) : null);
    return { version, scores };
  });
}

async function currentVersion(client: pg.PoolClient, studyId: string, visitId: string) {
  const row = await client.query<{ version: number }>(
    'SELECT version FROM visit WHERE study_id = $1 AND visit_id = $2',
    [studyId, visitId],
  );
  return row.rows[0]?.version ?? null;
}

/** A stored visit and its version, or null. */
export async function loadVisit(
  pool: pg.Pool,
  studyId: string,
  visitId: string,
): Promise<{ visit: VisitRecord; version: number } | null> {
  const result = await pool.query<Record<string, unknown>>(
    'SELECT * FROM visit WHERE study_id = $1 AND visit_id = $2',
    [studyId, visitId],
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    visit: { ...fromRow(row), visitId } as VisitRecord,
    version: row.version as number,
  };
}
