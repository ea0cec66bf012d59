/**
 * Reviewing a study's audit trail (issue 18, "Audit review"; docs/data-management.md, "Audit
 * review"): its events filtered by user, site, subject, record, operation and time, a page at a
 * time, and the whole trail for an inspector (ICH E6(R3) 4.2 and 21 CFR 11.10(e): the trail
 * available for review and copying).
 *
 * A study's trail is its own events (audit_event.study_id) and, for a reader who covers every
 * site, the events of its accounts that belong to no study: app_user changes and security events
 * (sign-ins, failed sign-ins naming the account, sign-outs, passwords), found by account name
 * through the partial index audit_event_account. A study's accounts are those that hold, or ever
 * held, a role in it. A reader bound to sites sees the events of those sites only (an event
 * without a site needs every site, as coversSite decides for records).
 *
 * Pages are ordered by event id and continued from a cursor (the last id), so that a page is
 * the same however the trail grows meanwhile.
 */
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import type { SecurityEventKind } from './security-events.js';
import { utcText } from './timestamps.js';

export const AUDIT_OPERATIONS = ['insert', 'update', 'delete'] as const;
export type AuditOperation = (typeof AUDIT_OPERATIONS)[number];

export interface AuditFilter {
  /** An account's username, or an actor id as the trail writes it (`user:12`, `os:anna`). */
  readonly user?: string;
  readonly site?: string;
  readonly subject?: string;
  readonly table?: string;
  /** A record key as the trail writes it (`msc-pilot/P01-V3`); with or without `table`. */
  readonly key?: string;
  readonly operation?: AuditOperation;
  /** One kind of security event (a sign-in, a failed one, an export...): security_event rows. */
  readonly kind?: SecurityEventKind;
  /** From this instant on (ISO 8601; a date is its midnight UTC). */
  readonly from?: string;
  /** Before this instant (a date: before its midnight UTC, so `to` is exclusive). */
  readonly to?: string;
}

/** The sites whose events the reader may see ('all': every site, and events of no site). */
export type AuditScope = 'all' | readonly string[];

export interface ReviewedEvent {
  readonly eventId: string;
  /** ISO 8601 UTC with microseconds: the time the event's hash covers. */
  readonly at: string;
  readonly actor: { readonly id: string | null; readonly name: string };
  readonly studyId: string | null;
  readonly siteCode: string | null;
  readonly table: string;
  readonly recordKey: string;
  readonly rowId: string;
  readonly operation: AuditOperation;
  readonly reason: string | null;
  readonly oldValues: Readonly<Record<string, unknown>> | null;
  readonly newValues: Readonly<Record<string, unknown>> | null;
  /** The event's hash (hex): an inspector can match it against the sealed chain. */
  readonly eventHash: string;
}

export interface AuditPage {
  readonly events: readonly ReviewedEvent[];
  /** Pass as `cursor` for the next page; null at the end. */
  readonly nextCursor: string | null;
}

export const MAX_AUDIT_PAGE = 500;

/** The tables a child record reaches its subject through: its visit. */
const VISIT_CHILD_TABLES = ['joint_finding', 'chaq_response', 'damage_item'];

interface Query {
  readonly where: string[];
  readonly params: unknown[];
}

function param(q: Query, value: unknown): string {
  q.params.push(value);
  return `$${q.params.length}`;
}

/** An instant from a filter: ISO 8601 date or date-time; VALIDATION_FAILED otherwise. */
function instant(path: 'from' | 'to', text: string): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(date))
    throw new JiaError('VALIDATION_FAILED', `${path} must be an ISO 8601 date or date-time`, {
      issues: [{ path, message: `${JSON.stringify(text)} is not an ISO 8601 date or date-time` }],
    });
  // Date.parse rolls 2019-02-30 over to March: the calendar date must read back unchanged.
  const day = date.slice(0, 10);
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day)
    throw new JiaError('VALIDATION_FAILED', `${path} is not a real date`, {
      issues: [{ path, message: `${JSON.stringify(text)} is not a real date` }],
    });
  return date;
}

/** Which events are the study's, for this reader: its own, and (every site) its accounts'. */
function studyEvents(q: Query, studyId: string, scope: AuditScope): string {
  const study = param(q, studyId);
  if (scope !== 'all')
    return `(e.study_id = ${study} AND e.site_code = ANY (${param(q, [...scope])}::text[]))`;
  // The accounts that hold or held a role in the study (its role_assignment events name them).
  const accounts = `(SELECT u.username FROM app_user u WHERE u.row_id IN (
      SELECT r.user_id FROM role_assignment r WHERE r.study_id = ${study}
      UNION
      SELECT (coalesce(a.new_values, a.old_values) ->> 'user_id')::bigint FROM audit_event a
       WHERE a.table_name = 'role_assignment' AND a.study_id = ${study}))`;
  return `(e.study_id = ${study} OR (e.study_id IS NULL AND e.table_name IN ('app_user', 'security_event')
            AND e.record_key IN ${accounts}))`;
}

/** The filter's conditions, each a bound parameter. */
function filterConditions(q: Query, studyId: string, filter: AuditFilter): void {
  if (filter.user !== undefined) {
    const user = param(q, filter.user);
    q.where.push(
      `(e.actor_id = ${user} OR e.actor_id = (SELECT 'user:' || u.row_id FROM app_user u WHERE u.username = ${user}))`,
    );
  }
  if (filter.site !== undefined) q.where.push(`e.site_code = ${param(q, filter.site)}`);
  if (filter.table !== undefined) q.where.push(`e.table_name = ${param(q, filter.table)}`);
  if (filter.key !== undefined) q.where.push(`e.record_key = ${param(q, filter.key)}`);
  if (filter.operation !== undefined) q.where.push(`e.operation = ${param(q, filter.operation)}`);
  if (filter.kind !== undefined)
    q.where.push(
      `(e.table_name = 'security_event' AND e.new_values ->> 'kind' = ${param(q, filter.kind)})`,
    );
  if (filter.from !== undefined)
    q.where.push(`e.occurred_at >= ${param(q, instant('from', filter.from))}::timestamptz`);
  if (filter.to !== undefined)
    q.where.push(`e.occurred_at < ${param(q, instant('to', filter.to))}::timestamptz`);
  if (filter.subject !== undefined) {
    // The subject's own record, the records that name it, and the children of its visits
    // (found by the visits' events, so a deleted visit's children are found too).
    const subject = param(q, filter.subject);
    const key = param(q, `${studyId}/${filter.subject}`);
    q.where.push(`((e.table_name = 'subject' AND e.record_key = ${key})
       OR coalesce(e.new_values, e.old_values) ->> 'subject_id' = ${subject}
       OR (e.table_name = ANY (${param(q, VISIT_CHILD_TABLES)}::text[])
           AND coalesce(e.new_values, e.old_values) ->> 'visit_id' IN (
             SELECT coalesce(v.new_values, v.old_values) ->> 'visit_id' FROM audit_event v
              WHERE v.study_id = e.study_id AND v.table_name = 'visit'
                AND coalesce(v.new_values, v.old_values) ->> 'subject_id' = ${subject})))`);
  }
}

const COLUMNS = `e.event_id::text AS "eventId", ${utcText('e.occurred_at')} AS at, e.actor,
  e.actor_id, e.study_id AS "studyId", e.site_code AS "siteCode", e.table_name AS "table",
  e.record_key AS "recordKey", e.row_id::text AS "rowId", e.operation, e.reason,
  e.old_values AS "oldValues", e.new_values AS "newValues", encode(e.event_hash, 'hex') AS "eventHash"`;

type Row = Omit<ReviewedEvent, 'actor'> & { actor: string; actor_id: string | null };

const reviewed = ({ actor, actor_id, ...event }: Row): ReviewedEvent => ({
  ...event,
  actor: { id: actor_id, name: actor },
});

/**
 * One page of the study's trail for a reader covering `scope`, oldest first, after `cursor`
 * (an event id from a previous page's nextCursor). `limit` is 1..MAX_AUDIT_PAGE.
 */
export async function auditEvents(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  filter: AuditFilter,
  scope: AuditScope,
  page: { readonly cursor?: string | null; readonly limit: number },
): Promise<AuditPage> {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_AUDIT_PAGE)
    throw new RangeError(`limit ${page.limit} is not within 1..${MAX_AUDIT_PAGE}`);
  if (page.cursor != null && !/^\d{1,18}$/.test(page.cursor))
    throw new JiaError('VALIDATION_FAILED', 'cursor is not one this API gave', {
      issues: [{ path: 'cursor', message: 'pass the nextCursor of the previous page' }],
    });
  const q: Query = { where: [], params: [] };
  q.where.push(studyEvents(q, studyId, scope));
  filterConditions(q, studyId, filter);
  if (page.cursor != null) q.where.push(`e.event_id > ${param(q, page.cursor)}::bigint`);
  const rows = (
    await db.query<Row>(
      `SELECT ${COLUMNS} FROM audit_event e WHERE ${q.where.join(' AND ')}
        ORDER BY e.event_id LIMIT ${param(q, page.limit + 1)}`,
      q.params,
    )
  ).rows;
  const more = rows.length > page.limit;
  const events = (more ? rows.slice(0, page.limit) : rows).map(reviewed);
  return { events, nextCursor: more ? (events.at(-1)?.eventId ?? null) : null };
}

/**
 * How many events of the study's trail `filter` keeps for a reader covering `scope` (the total a
 * page of auditEvents is one part of). Run it in the pages' snapshot so that the two agree.
 */
export async function countAuditEvents(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  filter: AuditFilter,
  scope: AuditScope,
): Promise<number> {
  const q: Query = { where: [], params: [] };
  q.where.push(studyEvents(q, studyId, scope));
  filterConditions(q, studyId, filter);
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM audit_event e WHERE ${q.where.join(' AND ')}`,
    q.params,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Every event of the study's trail for `scope`, oldest first, handed to `each` a page at a
 * time: memory bounded by one page whatever the trail's size. Run it in one snapshot
 * (withSnapshot) so that the pages are of one state of the trail.
 */
export async function eachAuditEvent(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  filter: AuditFilter,
  scope: AuditScope,
  each: (events: readonly ReviewedEvent[]) => Promise<void> | void,
): Promise<number> {
  let cursor: string | null = null;
  let count = 0;
  do {
    const page: AuditPage = await auditEvents(db, studyId, filter, scope, {
      cursor,
      limit: MAX_AUDIT_PAGE,
    });
    if (page.events.length > 0) await each(page.events);
    count += page.events.length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return count;
}
