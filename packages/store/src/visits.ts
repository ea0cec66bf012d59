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
import { escapeLiteral } from 'pg';
import { requestSeal } from './audit/sealer.js';
import { ConflictError, NotFoundError } from './errors.js';
import { beginChanges, type ChangeContext, translateChangeError } from './transaction.js';

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

/** A value as an SQL literal (the save is sent as one simple-protocol string, see below). */
function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return `${escapeLiteral(String(value))}::numeric`;
  }
  return escapeLiteral(value);
}

/**
 * The one statement of a save: write the row (insert, or update of the version it was based
 * on), and read the current version and the baseline row, all from one snapshot.
 */
function saveStatement(studyId: string, visit: VisitRecord, basedOnVersion: number | null): string {
  const columns = FIELDS.map(([, column]) => column);
  const values = FIELDS.map(([field]) =>
    literal((visit[field] ?? null) as string | number | boolean | null),
  );
  const study = literal(studyId);
  const visitId = literal(visit.visitId);
  const write =
    basedOnVersion === null
      ? `INSERT INTO visit (study_id, visit_id, ${columns.join(', ')})
         VALUES (${study}, ${visitId}, ${values.join(', ')})
         ON CONFLICT (study_id, visit_id) DO NOTHING RETURNING version`
      : `UPDATE visit SET ${columns.map((c, i) => `${c} = ${values[i]}`).join(', ')}
          WHERE study_id = ${study} AND visit_id = ${visitId} AND version = ${Math.trunc(basedOnVersion)}
          RETURNING version`;
  const baseline = visit.baselineVisitId
    ? `SELECT * FROM visit WHERE study_id = ${study} AND visit_id = ${literal(visit.baselineVisitId)}
         AND subject_id = ${literal(visit.subjectId)}`
    : `SELECT * FROM visit WHERE study_id = ${study} AND subject_id = ${literal(visit.subjectId)}
         AND visit_id <> ${visitId} ORDER BY visit_date, visit_id LIMIT 1`;
  // A stale edit or a missing named baseline raises, which turns the COMMIT sent with this
  // statement into a rollback.
  const baselineMissing = visit.baselineVisitId ? 'NOT EXISTS (SELECT 1 FROM baseline)' : 'false';
  return `WITH saved AS (${write}), baseline AS (${baseline})
    SELECT s.version AS saved_version, (SELECT to_jsonb(b) FROM baseline b) AS baseline
      FROM (SELECT (SELECT version FROM saved) AS version) s
     WHERE CASE WHEN s.version IS NULL THEN raise_error('${STALE_EDIT}', 'stale edit')
                WHEN ${baselineMissing} THEN raise_error('${BASELINE_MISSING}', 'baseline missing')
                ELSE true END`;
}

const STALE_EDIT = 'JT010';
const BASELINE_MISSING = 'JT011';

/** The error a failed save statement stands for. */
async function saveError(
  client: pg.PoolClient,
  error: unknown,
  studyId: string,
  visit: VisitRecord,
  basedOnVersion: number | null,
): Promise<unknown> {
  const code = (error as { code?: string }).code;
  if (code === STALE_EDIT) {
    // Read after the rollback: the statement's snapshot predates the edit that won.
    const current = await client.query<{ version: number }>(
      'SELECT version FROM visit WHERE study_id = $1 AND visit_id = $2',
      [studyId, visit.visitId],
    );
    return new ConflictError(
      'visit',
      `${studyId}/${visit.visitId}`,
      basedOnVersion ?? 0,
      current.rows[0]?.version ?? null,
    );
  }
  if (code === BASELINE_MISSING)
    return new NotFoundError(
      `baseline visit ${visit.baselineVisitId} is not a visit of subject ${visit.subjectId}`,
    );
  return translateChangeError(error);
}

/**
 * Saves a visit of `studyId`: a new one when `basedOnVersion` is null, else an edit of that
 * version (which needs `context.reason`). Returns the stored version and the visit's scores
 * against its baseline (the named one, or the subject's earliest other visit).
 *
 * One round trip: BEGIN, the audit context, the save statement and COMMIT go as one
 * simple-protocol string (values as escaped literals); the scores are computed from the baseline
 * the statement returned. Under 32 concurrent writers the five round trips of the
 * straightforward version left the server idle in transaction most of the time
 * (docs/performance.md).
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
  const sql = `${beginChanges(context)};\n${saveStatement(studyId, visit, basedOnVersion)};\nCOMMIT`;
  const client = await pool.connect();
  try {
    let row: { saved_version: number; baseline: Record<string, unknown> | null };
    try {
      const results = (await client.query(sql)) as unknown as pg.QueryResult[];
      row = results[2]?.rows[0];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw await saveError(client, error, studyId, visit, basedOnVersion);
    }
    const reference = row.baseline;
    const implicitLater =
      !visit.baselineVisitId &&
      reference !== null &&
      String(reference.visit_date) > visit.visitDate;
    const scores = scoreVisit(visit, reference && !implicitLater ? fromRow(reference) : null);
    requestSeal(pool);
    return { version: row.saved_version, scores };
  } finally {
    client.release();
  }
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
