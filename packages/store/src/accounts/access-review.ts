/**
 * The periodic access review of a study (docs/data-management.md, "Accounts and access"): who
 * holds which role where, granted by whom and when, until when, and the state of each account
 * (suspended, locked, past its last day, second factor, last sign-in). One row per role grant,
 * expired grants included (marked), so that a reviewer sees what lapsed as well as what holds.
 *
 * Who granted a role and when is read from the audit trail (the grant's insert event, found by
 * its row id through the index audit_event_record), not from columns of its own: the trail is
 * the record of it, for grants made before this report existed as well.
 */
import type pg from 'pg';
import { notFound } from '../errors.js';
import { type PoolHolder, poolOf } from '../transaction.js';

export interface AccessReviewRow {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  /** null: every site of the study. */
  readonly site: string | null;
  /** The grant's last day (UTC), null: no end. */
  readonly grantValidUntil: string | null;
  /** False when the grant is past its last day (it gives nothing). */
  readonly grantValid: boolean;
  /** Who granted it (the actor's name and id in the audit trail); null if no event names it. */
  readonly grantedBy: string | null;
  readonly grantedById: string | null;
  readonly grantedAt: string | null;
  /** The account: `active`, `suspended` or `expired` (past its last day). */
  readonly accountStatus: 'active' | 'suspended' | 'expired';
  readonly accountValidUntil: string | null;
  readonly locked: boolean;
  readonly secondFactor: 'none' | 'totp';
  /** The study requires a second factor for this role and the account has none. */
  readonly secondFactorMissing: boolean;
  readonly lastSignInAt: string | null;
}

export interface AccessReview {
  readonly studyId: string;
  /** When the review was read (UTC). */
  readonly generatedAt: string;
  readonly secondFactorRoles: string[];
  readonly rows: AccessReviewRow[];
}

const UTC_TODAY = "(now() AT TIME ZONE 'UTC')::date";

export async function accessReview(
  db: PoolHolder | Pick<pg.Pool, 'query'>,
  studyId: string,
): Promise<AccessReview> {
  const client = 'query' in db ? db : poolOf(db);
  const study = await client.query<{ roles: string[] | null; generated_at: Date }>(
    `SELECT p.second_factor_roles AS roles, now() AS generated_at
       FROM study s LEFT JOIN study_access_policy p ON p.study_id = s.study_id
      WHERE s.study_id = $1`,
    [studyId],
  );
  const head = study.rows[0];
  if (!head) throw notFound(`there is no study ${studyId}`);
  const found = await client.query<AccessReviewRow>(
    `SELECT u.username, coalesce(u.display_name, u.username) AS "displayName", r.role,
            r.site_code AS site, to_char(r.valid_until, 'YYYY-MM-DD') AS "grantValidUntil",
            (r.valid_until IS NULL OR r.valid_until >= ${UTC_TODAY}) AS "grantValid",
            g.actor AS "grantedBy", g.actor_id AS "grantedById",
            to_char(g.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "grantedAt",
            CASE WHEN u.disabled THEN 'suspended'
                 WHEN u.valid_until < ${UTC_TODAY} THEN 'expired' ELSE 'active' END AS "accountStatus",
            to_char(u.valid_until, 'YYYY-MM-DD') AS "accountValidUntil",
            (c.locked_at IS NOT NULL) AS locked, u.second_factor AS "secondFactor",
            (u.second_factor = 'none' AND r.role = ANY (coalesce($2::text[], '{}'))) AS "secondFactorMissing",
            to_char(c.last_sign_in_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastSignInAt"
       FROM role_assignment r JOIN app_user u ON u.row_id = r.user_id
       LEFT JOIN user_credential c ON c.user_id = u.row_id
       LEFT JOIN LATERAL (
         SELECT e.actor, e.actor_id, e.occurred_at FROM audit_event e
          WHERE e.table_name = 'role_assignment' AND e.row_id = r.row_id AND e.operation = 'insert'
          ORDER BY e.event_id DESC LIMIT 1) g ON true
      WHERE r.study_id = $1
      ORDER BY u.username, r.role, r.site_code NULLS FIRST`,
    [studyId, head.roles],
  );
  return {
    studyId,
    generatedAt: head.generated_at.toISOString(),
    secondFactorRoles: head.roles ?? [],
    rows: found.rows,
  };
}

/** The columns of the CSV form, in order (docs/data-management.md describes each). */
export const ACCESS_REVIEW_COLUMNS = [
  'username',
  'displayName',
  'role',
  'site',
  'grantValidUntil',
  'grantValid',
  'grantedBy',
  'grantedById',
  'grantedAt',
  'accountStatus',
  'accountValidUntil',
  'locked',
  'secondFactor',
  'secondFactorMissing',
  'lastSignInAt',
] as const satisfies ReadonlyArray<keyof AccessReviewRow>;

/**
 * A cell as RFC 4180 quotes it; text a spreadsheet would run as a formula (starting with = + -
 * @ or a tab or carriage return; OWASP, "CSV Injection") is prefixed with an apostrophe.
 */
function csvCell(value: string | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The review as CSV: a header row, then one row per grant (UTF-8, CRLF line ends). */
export function accessReviewCsv(review: AccessReview): string {
  const lines = [ACCESS_REVIEW_COLUMNS.join(',')];
  for (const row of review.rows)
    lines.push(ACCESS_REVIEW_COLUMNS.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
