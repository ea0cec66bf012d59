/**
 * Times as the review services return them: ISO 8601 in UTC with microseconds
 * (`2026-12-02T09:41:07.123456Z`), the form the audit trail hashes its times in
 * (docs/audit-trail.md), so that a query's step and its audit event show the same instant.
 */

/** SQL giving the timestamptz expression `sql` as that text. */
export function utcText(sql: string): string {
  return `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
