/**
 * verify-audit's checks of the rows against the trail: each table's rows compared with the
 * state its audit events say they must have, and each record's versions, which must rise with
 * its events (bump_version adds one on every update), so that the events of a record cannot be
 * put in another order (issue 15, the reordering attack).
 */
import type { Issue } from '@jia-trial/errors';
import type pg from 'pg';

/** Problems listed per kind before the rest are left off. */
export const LIST_LIMIT = 20;

/** Records whose versions do not rise with their events, in event order. */
export async function versionsThatFall(client: pg.ClientBase): Promise<Issue[]> {
  const result = await client.query<{
    table_name: string;
    record_key: string;
    event_id: string;
    version: string;
    previous: string;
  }>(
    `SELECT table_name, record_key, event_id::text, version::text, previous::text
       FROM (SELECT table_name, record_key, event_id, version,
                    lag(version) OVER (PARTITION BY table_name, row_id ORDER BY event_id) AS previous
               FROM (SELECT table_name, record_key, row_id, event_id,
                            (json_extract_path_text(new_values, 'version'))::bigint AS version
                       FROM audit_event WHERE new_values IS NOT NULL) v) w
      WHERE version <= previous
      ORDER BY w.event_id LIMIT ${LIST_LIMIT}`,
  );
  return result.rows.map((r) => ({
    path: `${r.table_name} ${r.record_key}`,
    message: `its version does not rise with its events: event ${r.event_id} says version ${r.version} after version ${r.previous} (events were reordered)`,
  }));
}

/**
 * Compares a table's rows with the state its audit events say they must have.
 *
 * Cost (docs/performance.md, "verify-audit"): each row is made JSON once. A row untouched since
 * its last event is the very text the audit trigger stored (`to_json` of the row, migration
 * 0004), so equal text settles it without parsing either side; only a row whose text differs
 * (a column added by a later migration, another TimeZone, or a real difference) is compared
 * field by field, as jsonb, over the event's fields. Equal text implies equal fields, so the
 * shortcut never hides a difference. The CASE fixes the order: PostgreSQL may reorder an AND.
 * The latest event of each row comes from audit_event_record read backwards: no sort.
 */
export async function replay(client: pg.ClientBase, table: string): Promise<Issue[]> {
  const result = await client.query<{
    row_id: string;
    record_key: string | null;
    kind: 'unaudited' | 'missing' | 'deleted' | 'differs';
    row: Record<string, unknown> | null;
    audited: Record<string, unknown> | null;
  }>(
    `WITH latest AS (
       SELECT DISTINCT ON (row_id) row_id, operation, new_values, record_key
         FROM audit_event WHERE table_name = $1 ORDER BY row_id DESC, event_id DESC)
     SELECT coalesce(t.row_id, l.row_id) AS row_id, l.record_key, to_jsonb(t) AS row,
            l.new_values::jsonb AS audited,
            CASE WHEN l.row_id IS NULL THEN 'unaudited'
                 WHEN t.row_id IS NULL AND l.operation <> 'delete' THEN 'missing'
                 WHEN t.row_id IS NOT NULL AND l.operation = 'delete' THEN 'deleted'
                 ELSE 'differs' END AS kind
       FROM ${table} t FULL JOIN latest l ON l.row_id = t.row_id
      WHERE l.row_id IS NULL
         OR (t.row_id IS NULL AND l.operation <> 'delete')
         OR (t.row_id IS NOT NULL AND l.operation = 'delete')
         OR (t.row_id IS NOT NULL AND CASE
               WHEN to_json(t)::text = l.new_values::text THEN false
               -- Each side made jsonb once (OFFSET 0 keeps the subquery from being inlined
               -- into every field's test), then every field of the event compared.
               ELSE EXISTS (
                 SELECT 1 FROM (SELECT to_jsonb(t) AS r, l.new_values::jsonb AS a OFFSET 0) x,
                               jsonb_each(x.a) AS e
                  WHERE NOT (x.r ? e.key) OR x.r -> e.key IS DISTINCT FROM e.value) END)
      ORDER BY 1 LIMIT ${LIST_LIMIT}`,
    [table],
  );
  return result.rows.map((r) => {
    const where = `${table} ${r.record_key ?? `row ${r.row_id}`}`;
    switch (r.kind) {
      case 'unaudited':
        return {
          path: where,
          message: `row ${r.row_id} has no audit event: it was inserted behind the application's back`,
        };
      case 'missing':
        return { path: where, message: 'was removed without an audit event' };
      case 'deleted':
        return { path: where, message: 'the audit trail says it was deleted, but the row exists' };
      default:
        return {
          path: where,
          message: `differs from its last audit event without an event of its own: ${changedFields(r.audited, r.row)}`,
        };
    }
  });
}

/**
 * The fields the row and its last event disagree on. Only the event's fields count: a column
 * added by a later migration is not in older events.
 */
function changedFields(
  audited: Record<string, unknown> | null,
  row: Record<string, unknown> | null,
): string {
  const shown = (record: Record<string, unknown> | null, key: string) =>
    record && key in record ? JSON.stringify(record[key]) : '(absent)';
  return Object.keys(audited ?? {})
    .filter((key) => shown(audited, key) !== shown(row, key))
    .map((key) => `${key} is ${shown(row, key)}, the trail says ${shown(audited, key)}`)
    .join('; ');
}
