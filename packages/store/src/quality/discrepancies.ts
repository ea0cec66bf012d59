/**
 * The discrepancies a data manager or monitor works through: listed by site and subject, each
 * excluded with a reason (it needs no correction: it stays excluded while the values it was
 * raised on are unchanged; check.ts) or turned into a data query on its record and field in one
 * step. Every step names the version it was based on (VERSION_CONFLICT when stale) and is
 * audited with the transaction's reason.
 *
 *   status     exclude    reinstate   to query
 *   open       excluded   -           open, with its query
 *   excluded   -          open        -
 *   resolved   -          -           -
 * Anything else is INVALID_TRANSITION; a discrepancy that has a query already gets no second.
 */
import type { RecordTypeId } from '@jia-trial/dictionary';
import type { QualityRuleKind } from '@jia-trial/dictionary/quality';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound, versionConflict } from '../errors.js';
import { type QueryStatus, raiseQuery } from '../review/queries.js';
import { utcText } from '../review/timestamps.js';
import type { Actor, Transaction } from '../transaction.js';

export type DiscrepancyStatus = 'open' | 'excluded' | 'resolved';
export const DISCREPANCY_STATUSES: readonly DiscrepancyStatus[] = ['open', 'excluded', 'resolved'];

export interface Discrepancy {
  readonly studyId: string;
  readonly discrepancyId: string;
  readonly ruleId: string;
  readonly kind: QualityRuleKind;
  /** The record: its type and key as the audit trail writes it, and the field (null: all of it). */
  readonly table: RecordTypeId;
  readonly recordKey: string;
  readonly field: string | null;
  readonly occasion: string;
  readonly subjectId: string;
  /** The subject's site now. */
  readonly siteCode: string;
  readonly message: string;
  /** The values the rule read when it last found it. */
  readonly observed: Readonly<Record<string, unknown>>;
  readonly status: DiscrepancyStatus;
  /** The rule set's version of the check that last found it (0: the default rules). */
  readonly ruleSetVersion: number;
  readonly foundAt: string;
  readonly resolvedAt: string | null;
  readonly exclusion: {
    readonly by: Actor;
    readonly at: string;
    readonly reason: string;
    readonly observed: Readonly<Record<string, unknown>>;
  } | null;
  /** The data query it was turned into, with the query's status now. */
  readonly query: { readonly queryId: string; readonly status: QueryStatus } | null;
  readonly version: number;
}

const SELECT = `
  SELECT d.study_id, d.discrepancy_id, d.rule_id, d.rule_kind, d.table_name, d.record_key, d.field,
         d.occasion, d.subject_id, s.site_code, d.message, d.observed, d.status, d.rule_set_version,
         ${utcText('d.found_at')} AS found_at, ${utcText('d.resolved_at')} AS resolved_at,
         d.excluded_by, d.excluded_by_name, ${utcText('d.excluded_at')} AS excluded_at,
         d.exclusion_reason, d.excluded_observed, d.query_id, q.status AS query_status, d.version
    FROM discrepancy d
    JOIN subject s ON s.study_id = d.study_id AND s.subject_id = d.subject_id
    LEFT JOIN data_query q ON q.study_id = d.study_id AND q.query_id = d.query_id`;

type Row = Record<string, unknown>;

function fromRow(row: Row): Discrepancy {
  return {
    studyId: String(row.study_id),
    discrepancyId: String(row.discrepancy_id),
    ruleId: String(row.rule_id),
    kind: row.rule_kind as QualityRuleKind,
    table: row.table_name as RecordTypeId,
    recordKey: String(row.record_key),
    field: (row.field as string | null) ?? null,
    occasion: String(row.occasion),
    subjectId: String(row.subject_id),
    siteCode: String(row.site_code),
    message: String(row.message),
    observed: row.observed as Record<string, unknown>,
    status: row.status as DiscrepancyStatus,
    ruleSetVersion: Number(row.rule_set_version),
    foundAt: String(row.found_at),
    resolvedAt: (row.resolved_at as string | null) ?? null,
    exclusion:
      row.excluded_by === null
        ? null
        : {
            by: { id: String(row.excluded_by), name: String(row.excluded_by_name) },
            at: String(row.excluded_at),
            reason: String(row.exclusion_reason),
            observed: row.excluded_observed as Record<string, unknown>,
          },
    query:
      row.query_id === null
        ? null
        : { queryId: String(row.query_id), status: row.query_status as QueryStatus },
    version: Number(row.version),
  };
}

/** One discrepancy of the study, or null. */
export async function loadDiscrepancy(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  discrepancyId: string,
): Promise<Discrepancy | null> {
  const found = await db.query<Row>(`${SELECT} WHERE d.study_id = $1 AND d.discrepancy_id = $2`, [
    studyId,
    discrepancyId,
  ]);
  const row = found.rows[0];
  return row ? fromRow(row) : null;
}

export interface DiscrepancyFilter {
  /** The sites whose subjects' discrepancies may be listed (a user's sites); absent: all. */
  readonly sites?: readonly string[] | undefined;
  readonly site?: string | undefined;
  readonly subjectId?: string | undefined;
  readonly status?: DiscrepancyStatus | undefined;
  readonly kind?: QualityRuleKind | undefined;
  readonly ruleId?: string | undefined;
  /** 1-based. */
  readonly page?: number | undefined;
  readonly pageSize?: number | undefined;
}

export interface DiscrepancyPage {
  readonly discrepancies: readonly Discrepancy[];
  /** How many match the filter (every page). */
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  /** The filter's discrepancies by status, whatever `status` selected. */
  readonly counts: Readonly<Record<DiscrepancyStatus, number>>;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/**
 * A page of the study's discrepancies by site, subject and number (DQ-2 before DQ-10), with the
 * filter's total and counts by status.
 */
export async function listDiscrepancies(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  filter: DiscrepancyFilter = {},
): Promise<DiscrepancyPage> {
  const page = filter.page ?? 1;
  const pageSize = filter.pageSize ?? DEFAULT_PAGE_SIZE;
  if (
    !Number.isInteger(page) ||
    page < 1 ||
    !Number.isInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > MAX_PAGE_SIZE
  )
    throw new RangeError(`page ${page} of ${pageSize}: a page from 1, of 1-${MAX_PAGE_SIZE}`);
  const where = `d.study_id = $1 AND ($2::text[] IS NULL OR s.site_code = ANY ($2::text[]))
    AND ($3::text IS NULL OR s.site_code = $3) AND ($4::text IS NULL OR d.subject_id = $4)
    AND ($5::text IS NULL OR d.rule_kind = $5) AND ($6::text IS NULL OR d.rule_id = $6)`;
  const params = [
    studyId,
    filter.sites ?? null,
    filter.site ?? null,
    filter.subjectId ?? null,
    filter.kind ?? null,
    filter.ruleId ?? null,
  ];
  const [rows, counts] = await Promise.all([
    db.query<Row>(
      `${SELECT} WHERE ${where} AND ($7::text IS NULL OR d.status = $7)
        ORDER BY s.site_code, d.subject_id, length(d.discrepancy_id), d.discrepancy_id
        LIMIT $8 OFFSET $9`,
      [...params, filter.status ?? null, pageSize, (page - 1) * pageSize],
    ),
    db.query<{ status: DiscrepancyStatus; n: number }>(
      `SELECT d.status, count(*)::integer AS n
         FROM discrepancy d JOIN subject s ON s.study_id = d.study_id AND s.subject_id = d.subject_id
        WHERE ${where} GROUP BY d.status`,
      params,
    ),
  ]);
  const byStatus: Record<DiscrepancyStatus, number> = { open: 0, excluded: 0, resolved: 0 };
  for (const c of counts.rows) byStatus[c.status] = c.n;
  return {
    discrepancies: rows.rows.map(fromRow),
    total:
      filter.status === undefined
        ? byStatus.open + byStatus.excluded + byStatus.resolved
        : byStatus[filter.status],
    page,
    pageSize,
    counts: byStatus,
  };
}

export interface DiscrepancyStepInput {
  readonly studyId: string;
  readonly discrepancyId: string;
  readonly basedOnVersion: number;
}

/** The discrepancy, locked for this step, checked against the version and status it needs. */
async function forStep(
  tx: Transaction,
  input: DiscrepancyStepInput,
  step: string,
  from: DiscrepancyStatus,
): Promise<Discrepancy> {
  await tx.client.query(
    'SELECT 1 FROM discrepancy WHERE study_id = $1 AND discrepancy_id = $2 FOR UPDATE',
    [input.studyId, input.discrepancyId],
  );
  const current = await loadDiscrepancy(tx.client, input.studyId, input.discrepancyId);
  if (!current)
    throw notFound(
      `discrepancy ${input.discrepancyId} is not a discrepancy of study ${input.studyId}`,
    );
  if (current.version !== input.basedOnVersion)
    throw versionConflict(
      'discrepancy',
      `${input.studyId}/${input.discrepancyId}`,
      input.basedOnVersion,
      current.version,
    );
  if (current.status !== from)
    throw new JiaError(
      'INVALID_TRANSITION',
      `discrepancy ${input.discrepancyId} is ${current.status}: only an ${from} discrepancy can be ${step}`,
      {
        details: {
          discrepancyId: input.discrepancyId,
          status: current.status,
          step,
          allowedFrom: [from],
        },
      },
    );
  return current;
}

/**
 * Excludes an open discrepancy: it needs no correction, for the reason given (kept on it and in
 * the audit trail, with who and when). It stays excluded while the check finds the same values.
 */
export async function excludeDiscrepancy(
  tx: Transaction,
  input: DiscrepancyStepInput & { readonly reason: string },
): Promise<Discrepancy> {
  const reason = input.reason.trim();
  if (!reason)
    throw new JiaError('VALIDATION_FAILED', 'an exclusion needs a reason', {
      issues: [{ path: 'reason', message: 'is empty' }],
    });
  await forStep(tx, input, 'excluded', 'open');
  await tx.client.query(
    `UPDATE discrepancy SET status = 'excluded', excluded_by = $3, excluded_by_name = $4,
            excluded_at = statement_timestamp(), exclusion_reason = $5, excluded_observed = observed
      WHERE study_id = $1 AND discrepancy_id = $2`,
    [input.studyId, input.discrepancyId, tx.actor.id, tx.actor.name, reason],
  );
  return (await loadDiscrepancy(tx.client, input.studyId, input.discrepancyId)) as Discrepancy;
}

/** Takes an exclusion back: the discrepancy is open again (the audit trail keeps the exclusion). */
export async function reinstateDiscrepancy(
  tx: Transaction,
  input: DiscrepancyStepInput,
): Promise<Discrepancy> {
  await forStep(tx, input, 'reinstated', 'excluded');
  await tx.client.query(
    `UPDATE discrepancy SET status = 'open', excluded_by = NULL, excluded_by_name = NULL,
            excluded_at = NULL, exclusion_reason = NULL, excluded_observed = NULL
      WHERE study_id = $1 AND discrepancy_id = $2`,
    [input.studyId, input.discrepancyId],
  );
  return (await loadDiscrepancy(tx.client, input.studyId, input.discrepancyId)) as Discrepancy;
}

/**
 * Turns an open discrepancy into a data query on its record and field (the query machinery of
 * review/queries.ts), in the same transaction, and links the two. The question defaults to the
 * discrepancy's message. A discrepancy with a query already is INVALID_TRANSITION.
 */
export async function queryDiscrepancy(
  tx: Transaction,
  input: DiscrepancyStepInput & { readonly question?: string | undefined },
): Promise<Discrepancy> {
  const current = await forStep(tx, input, 'turned into a query', 'open');
  if (current.query !== null)
    throw new JiaError(
      'INVALID_TRANSITION',
      `discrepancy ${input.discrepancyId} is query ${current.query.queryId} already`,
      { details: { discrepancyId: input.discrepancyId, queryId: current.query.queryId } },
    );
  const question =
    input.question?.trim() ||
    `${current.message} (${current.discrepancyId}, rule ${current.ruleId}): please check against the source, then correct the value or explain it.`;
  const query = await raiseQuery(tx, {
    studyId: input.studyId,
    table: current.table,
    recordKey: current.recordKey,
    field: current.field,
    question,
  });
  await tx.client.query(
    'UPDATE discrepancy SET query_id = $3 WHERE study_id = $1 AND discrepancy_id = $2',
    [input.studyId, input.discrepancyId, query.queryId],
  );
  return (await loadDiscrepancy(tx.client, input.studyId, input.discrepancyId)) as Discrepancy;
}
