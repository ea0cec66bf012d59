/** Studies as the server lists them: the ones a user holds a role in, with their sites. */
import type { Role, RoleGrant } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound } from './errors.js';
import { type PoolHolder, poolOf, type Transaction } from './transaction.js';

export interface StudySummary {
  readonly studyId: string;
  readonly title: string | null;
  readonly protocolId: string | null;
  readonly sites: Array<{ readonly code: string; readonly name: string | null }>;
  /** The roles the user holds in the study. */
  readonly roles: RoleGrant[];
}

/** A grant `r` not past its last day (a UTC day; migration access). */
const VALID_GRANT = "(r.valid_until IS NULL OR r.valid_until >= (now() AT TIME ZONE 'UTC')::date)";

/** The studies `userId` holds a valid role in (expired roles give nothing), in study order. */
export async function studiesOf(store: PoolHolder, userId: string): Promise<StudySummary[]> {
  const found = await poolOf(store).query<{
    study_id: string;
    title: string | null;
    protocol_id: string | null;
    sites: Array<{ code: string; name: string | null }>;
    roles: Array<{ role: Role; site: string | null }>;
  }>(
    `SELECT s.study_id, s.title, s.protocol_id,
            coalesce((SELECT json_agg(json_build_object('code', t.site_code, 'name', t.name)
                                      ORDER BY t.site_code)
                        FROM site t WHERE t.study_id = s.study_id), '[]') AS sites,
            (SELECT json_agg(json_build_object('role', r.role, 'site', r.site_code)
                             ORDER BY r.role, r.site_code NULLS FIRST)
               FROM role_assignment r WHERE r.study_id = s.study_id AND r.user_id = $1
                AND ${VALID_GRANT}) AS roles
       FROM study s
      WHERE EXISTS (SELECT 1 FROM role_assignment r WHERE r.study_id = s.study_id AND r.user_id = $1
                       AND ${VALID_GRANT})
      ORDER BY s.study_id`,
    [userId],
  );
  return found.rows.map((row) => ({
    studyId: row.study_id,
    title: row.title,
    protocolId: row.protocol_id,
    sites: row.sites,
    roles: row.roles,
  }));
}

/** The protocol id stored for a study (null: not set). NOT_FOUND when there is no study. */
export async function protocolOfStudy(
  db: PoolHolder | Pick<pg.Pool, 'query'>,
  studyId: string,
): Promise<string | null> {
  const client = 'query' in db ? db : poolOf(db);
  const found = await client.query<{ protocol_id: string | null }>(
    'SELECT protocol_id FROM study WHERE study_id = $1',
    [studyId],
  );
  if (found.rowCount === 0) throw notFound(`there is no study ${studyId}`);
  return found.rows[0]?.protocol_id ?? null;
}

/**
 * Whether a study's data are synthetic (its bundle's study file said so when it was imported:
 * migration 0019_importsafe); every report of it says so. NOT_FOUND when there is no study.
 */
export async function studyIsSynthetic(db: PoolHolder, studyId: string): Promise<boolean> {
  const found = await poolOf(db).query<{ synthetic: boolean }>(
    'SELECT synthetic FROM study WHERE study_id = $1',
    [studyId],
  );
  if (found.rowCount === 0) throw notFound(`there is no study ${studyId}`);
  return found.rows[0]?.synthetic === true;
}

/** Records the protocol a study runs under. */
export async function setStudyProtocol(
  tx: Transaction,
  studyId: string,
  protocolId: string,
): Promise<void> {
  const updated = await tx.client.query(
    'UPDATE study SET protocol_id = $2 WHERE study_id = $1 AND protocol_id IS DISTINCT FROM $2',
    [studyId, protocolId],
  );
  if (updated.rowCount === 0) await protocolOfStudy(tx.client, studyId);
}

/** The site of a subject, or null when the study has no such subject. */
export async function siteOfSubject(
  db: PoolHolder | Pick<pg.Pool, 'query'>,
  studyId: string,
  subjectId: string,
): Promise<string | null> {
  const client = 'query' in db ? db : poolOf(db);
  const found = await client.query<{ site_code: string }>(
    'SELECT site_code FROM subject WHERE study_id = $1 AND subject_id = $2',
    [studyId, subjectId],
  );
  return found.rows[0]?.site_code ?? null;
}

/** Adds a site to a study; TARGET_EXISTS when the study has it already. */
export async function addSite(
  tx: Transaction,
  studyId: string,
  site: { readonly code: string; readonly name: string | null },
): Promise<void> {
  await protocolOfStudy(tx.client, studyId);
  const added = await tx.client.query(
    `INSERT INTO site (study_id, site_code, name) VALUES ($1, $2, $3)
       ON CONFLICT (study_id, site_code) DO NOTHING`,
    [studyId, site.code, site.name],
  );
  if (added.rowCount === 0)
    throw new JiaError('TARGET_EXISTS', `study ${studyId} has a site ${site.code} already`);
}

export interface StudyMember {
  readonly username: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly locked: boolean;
  /** The account's last day (UTC), null: no end. */
  readonly validUntil: string | null;
  readonly secondFactor: 'none' | 'totp';
  /** Each role with its last day (null: no end). */
  readonly roles: Array<RoleGrant & { readonly validUntil: string | null }>;
}

/** The accounts holding a role in a study, with those roles. */
export async function membersOf(store: PoolHolder, studyId: string): Promise<StudyMember[]> {
  const found = await poolOf(store).query<StudyMember>(
    `SELECT u.username, coalesce(u.display_name, u.username) AS "displayName", u.disabled,
            (c.locked_at IS NOT NULL) AS locked,
            to_char(u.valid_until, 'YYYY-MM-DD') AS "validUntil", u.second_factor AS "secondFactor",
            json_agg(json_build_object('role', r.role, 'site', r.site_code,
                                       'validUntil', to_char(r.valid_until, 'YYYY-MM-DD'))
                     ORDER BY r.role, r.site_code NULLS FIRST) AS roles
       FROM role_assignment r JOIN app_user u ON u.row_id = r.user_id
       LEFT JOIN user_credential c ON c.user_id = u.row_id
      WHERE r.study_id = $1
      GROUP BY u.row_id, c.locked_at ORDER BY u.username`,
    [studyId],
  );
  return found.rows;
}
