/**
 * Data queries: a monitor or data manager questions one record of a study (one field of it, or
 * the whole record), the site answers, and the query is closed; it can be reopened.
 *
 * The states (raising makes an open query; -: refused):
 *
 *   status     answer     close               reopen
 *   open       answered   closed (withdrawn)  -
 *   answered   -          closed (resolved)   open
 *   closed     -          -                   open
 *
 * - answer: an open query gets its response (who and when are kept).
 * - close: an answered query is resolved; an open one is withdrawn (raised in error, or made moot
 *   by a correction of the data: the reason for change says which).
 * - reopen: a closed query, or an answered one whose answer does not resolve it, is open again;
 *   the last answer stays on it until the next one replaces it, and its history keeps them all.
 * Anything else (answering an answered or closed query, closing a closed one, reopening an
 * open one) is INVALID_TRANSITION. Every step names the version it was based on: a stale one is
 * VERSION_CONFLICT and changes nothing. Each step after raising updates the query, which the
 * audit trail records only with the transaction's reason for change (REASON_REQUIRED otherwise).
 */
import { type RecordTypeId, recordType } from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound, versionConflict } from '../errors.js';
import type { Actor, Transaction } from '../transaction.js';
import { nextId } from './next-id.js';
import { findRecord, isRecordTable } from './records.js';
import { utcText } from './timestamps.js';

export type QueryStatus = 'open' | 'answered' | 'closed';

/** Who took a step of a query, and when (ISO 8601, UTC). */
export interface QueryStep {
  readonly by: Actor;
  readonly at: string;
}

export interface DataQuery {
  readonly studyId: string;
  readonly queryId: string;
  /** The record questioned: its table (a record type) and its record key, as the audit trail names it. */
  readonly table: RecordTypeId;
  readonly recordKey: string;
  /** The field questioned (the dictionary's field name); null: the whole record. */
  readonly field: string | null;
  readonly subjectId: string;
  /** The subject's site now. */
  readonly siteCode: string;
  readonly question: string;
  /** The last answer (kept when a query is reopened, until the next answer). */
  readonly response: string | null;
  readonly status: QueryStatus;
  readonly raised: QueryStep;
  readonly answered: QueryStep | null;
  readonly closed: QueryStep | null;
  readonly reopened: QueryStep | null;
  readonly version: number;
}

export interface RaiseQueryInput {
  readonly studyId: string;
  readonly table: string;
  readonly recordKey: string;
  readonly field?: string | null | undefined;
  readonly question: string;
}

/** A step on an existing query, based on the version the person saw. */
export interface QueryStepInput {
  readonly studyId: string;
  readonly queryId: string;
  readonly basedOnVersion: number;
}

const SELECT_QUERY = `
  SELECT q.study_id, q.query_id, q.table_name, q.record_key, q.field, q.subject_id, s.site_code,
         q.question, q.response, q.status, q.version,
         q.raised_by, q.raised_by_name, ${utcText('q.raised_at')} AS raised_at,
         q.answered_by, q.answered_by_name, ${utcText('q.answered_at')} AS answered_at,
         q.closed_by, q.closed_by_name, ${utcText('q.closed_at')} AS closed_at,
         q.reopened_by, q.reopened_by_name, ${utcText('q.reopened_at')} AS reopened_at
    FROM data_query q JOIN subject s ON s.study_id = q.study_id AND s.subject_id = q.subject_id`;

type QueryRow = Record<string, string | number | null>;

function step(row: QueryRow, name: string): QueryStep | null {
  const id = row[`${name}_by`];
  const at = row[`${name}_at`];
  if (typeof id !== 'string' || typeof at !== 'string') return null;
  return { by: { id, name: String(row[`${name}_by_name`]) }, at };
}

function fromRow(row: QueryRow): DataQuery {
  return {
    studyId: String(row.study_id),
    queryId: String(row.query_id),
    table: row.table_name as RecordTypeId,
    recordKey: String(row.record_key),
    field: row.field as string | null,
    subjectId: String(row.subject_id),
    siteCode: String(row.site_code),
    question: String(row.question),
    response: row.response as string | null,
    status: row.status as QueryStatus,
    raised: step(row, 'raised') as QueryStep,
    answered: step(row, 'answered'),
    closed: step(row, 'closed'),
    reopened: step(row, 'reopened'),
    version: Number(row.version),
  };
}

function invalid(issues: Issue[]): JiaError {
  return new JiaError(
    'VALIDATION_FAILED',
    `invalid query: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  );
}

/**
 * Raises a query on a record of the study, which must exist: its table is a record type of the
 * field dictionary, its key as the audit trail writes it, the field (if any) one of its fields.
 * The query carries the record's subject. Returns it, open, at version 1.
 */
export async function raiseQuery(tx: Transaction, input: RaiseQueryInput): Promise<DataQuery> {
  const question = input.question.trim();
  const field = input.field?.trim() || null;
  const issues: Issue[] = [];
  if (!question) issues.push({ path: 'question', message: 'is empty' });
  if (!isRecordTable(input.table))
    issues.push({ path: 'table', message: `${input.table} is not a record type` });
  else if (field !== null && !recordType(input.table).fields.some((f) => f.name === field))
    issues.push({ path: 'field', message: `${field} is not a field of ${input.table}` });
  if (issues.length > 0) throw invalid(issues);
  const table = input.table as RecordTypeId;
  const record = await findRecord(tx.client, input.studyId, table, input.recordKey);
  if (!record?.subjectId)
    throw notFound(`${table} ${input.recordKey} is not a record of study ${input.studyId}`);
  const queryId = await nextId(tx.client, 'data_query', input.studyId);
  await tx.client.query(
    `INSERT INTO data_query (study_id, query_id, table_name, record_key, field, question,
                             subject_id, raised_by, raised_by_name, raised_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, statement_timestamp())`,
    [
      input.studyId,
      queryId,
      table,
      input.recordKey,
      field,
      question,
      record.subjectId,
      tx.actor.id,
      tx.actor.name,
    ],
  );
  return (await loadQuery(tx.client, input.studyId, queryId)) as DataQuery;
}

/** A stored query, or null. */
export async function loadQuery(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  queryId: string,
): Promise<DataQuery | null> {
  const found = await db.query<QueryRow>(
    `${SELECT_QUERY} WHERE q.study_id = $1 AND q.query_id = $2`,
    [studyId, queryId],
  );
  const row = found.rows[0];
  return row ? fromRow(row) : null;
}

const DONE = { answer: 'answered', close: 'closed', reopen: 'reopened' } as const;

/**
 * One step: `set` applied only to the version the step was based on, and only from the statuses
 * the step may leave; otherwise the reason: the query is missing, stale, or in another status.
 * `set` may use $5 (the actor's id), $6 (the actor's name) and $7 on (`values`).
 */
async function takeStep(
  tx: Transaction,
  input: QueryStepInput,
  name: keyof typeof DONE,
  from: readonly QueryStatus[],
  set: string,
  values: readonly unknown[] = [],
): Promise<DataQuery> {
  const updated = await tx.client.query(
    `UPDATE data_query SET ${set}
      WHERE study_id = $1 AND query_id = $2 AND version = $3 AND status = ANY ($4::text[])`,
    [
      input.studyId,
      input.queryId,
      input.basedOnVersion,
      from,
      tx.actor.id,
      tx.actor.name,
      ...values,
    ],
  );
  const query = await loadQuery(tx.client, input.studyId, input.queryId);
  if (!query) throw notFound(`query ${input.queryId} is not a query of study ${input.studyId}`);
  if (updated.rowCount === 1) return query;
  if (query.version !== input.basedOnVersion)
    throw versionConflict(
      'data_query',
      `${input.studyId}/${input.queryId}`,
      input.basedOnVersion,
      query.version,
    );
  throw new JiaError(
    'INVALID_TRANSITION',
    `query ${input.queryId} is ${query.status}: only a query that is ${from.join(' or ')} can be ${DONE[name]}`,
    { details: { queryId: input.queryId, status: query.status, step: name, allowedFrom: from } },
  );
}

/** Answers an open query. */
export async function answerQuery(
  tx: Transaction,
  input: QueryStepInput & { readonly response: string },
): Promise<DataQuery> {
  const response = input.response.trim();
  if (!response) throw invalid([{ path: 'response', message: 'is empty' }]);
  return takeStep(
    tx,
    input,
    'answer',
    ['open'],
    `status = 'answered', response = $7, answered_by = $5, answered_by_name = $6,
     answered_at = statement_timestamp()`,
    [response],
  );
}

/** Closes an answered query (resolved) or an open one (withdrawn). */
export function closeQuery(tx: Transaction, input: QueryStepInput): Promise<DataQuery> {
  return takeStep(
    tx,
    input,
    'close',
    ['open', 'answered'],
    `status = 'closed', closed_by = $5, closed_by_name = $6, closed_at = statement_timestamp()`,
  );
}

/** Opens an answered or closed query again. */
export function reopenQuery(tx: Transaction, input: QueryStepInput): Promise<DataQuery> {
  return takeStep(
    tx,
    input,
    'reopen',
    ['answered', 'closed'],
    `status = 'open', closed_by = NULL, closed_by_name = NULL, closed_at = NULL,
     reopened_by = $5, reopened_by_name = $6, reopened_at = statement_timestamp()`,
  );
}

/** Which queries of a study to list: all, a subject's, or those of some sites' subjects. */
export interface QueryScope {
  readonly subjectId?: string | undefined;
  /** The sites whose subjects' queries are listed (a user's sites); absent: every site. */
  readonly sites?: readonly string[] | undefined;
  /** Only the queries in this status (the counts still count every status of the scope). */
  readonly status?: QueryStatus | undefined;
}

export interface QueryList {
  readonly queries: readonly DataQuery[];
  /** The scope's queries by status, whatever `status` selected. */
  readonly counts: Readonly<Record<QueryStatus, number>>;
}

/** The study's queries in a scope, oldest first, with the scope's counts by status. */
export async function listQueries(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  scope: QueryScope = {},
): Promise<QueryList> {
  const where = `q.study_id = $1 AND ($2::text IS NULL OR q.subject_id = $2)
                 AND ($3::text[] IS NULL OR s.site_code = ANY ($3::text[]))`;
  const params = [studyId, scope.subjectId ?? null, scope.sites ?? null];
  const [rows, counts] = await Promise.all([
    db.query<QueryRow>(
      `${SELECT_QUERY} WHERE ${where} AND ($4::text IS NULL OR q.status = $4)
        ORDER BY q.raised_at, q.row_id`,
      [...params, scope.status ?? null],
    ),
    db.query<{ status: QueryStatus; n: number }>(
      `SELECT q.status, count(*)::integer AS n
         FROM data_query q JOIN subject s ON s.study_id = q.study_id AND s.subject_id = q.subject_id
        WHERE ${where} GROUP BY q.status`,
      params,
    ),
  ]);
  const byStatus: Record<QueryStatus, number> = { open: 0, answered: 0, closed: 0 };
  for (const c of counts.rows) byStatus[c.status] = c.n;
  return { queries: rows.rows.map(fromRow), counts: byStatus };
}
