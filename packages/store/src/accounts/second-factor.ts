/**
 * The optional second factor (docs/security.md, "Second factor"; ADR 0045): a TOTP secret per
 * account (totp.ts), enrolled by its user (a secret drawn and shown once, then confirmed with a
 * code from the app), reset by an administrator when the phone is lost; and a study's rule of
 * the roles that must use one. The secret stays in `user_credential`, outside the audit trail's
 * values; what is decided (enrolled, reset, the study's rule) is an audited change of
 * `app_user.second_factor` and of `study_access_policy`.
 */
import { codesOf, type Role } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound } from '../errors.js';
import { type PoolHolder, poolOf, type Transaction } from '../transaction.js';
import { matchTotp, newTotpSecret } from './totp.js';
import { accountByUsername } from './users.js';

/**
 * Draws a new secret for the account and keeps it pending until confirmed (a second start
 * replaces it); the account's current factor, if any, stays in force until then.
 */
export async function startTotpEnrolment(
  db: Pick<pg.ClientBase, 'query'>,
  userId: string,
): Promise<Uint8Array> {
  const secret = newTotpSecret();
  await db.query('UPDATE user_credential SET totp_pending_secret = $2 WHERE user_id = $1', [
    userId,
    Buffer.from(secret),
  ]);
  return secret;
}

/**
 * Confirms the pending secret with a code of it (the user's app has it): from now on the
 * account signs in with a code. ONE_TIME_CODE_INVALID when the code does not match (nothing
 * changes; the user tries again with the next code); NOT_FOUND when no enrolment was started.
 */
export async function confirmTotpEnrolment(
  tx: Transaction,
  userId: string,
  code: string,
  unixSeconds: number,
): Promise<void> {
  const found = await tx.client.query<{ totp_pending_secret: Buffer | null }>(
    'SELECT totp_pending_secret FROM user_credential WHERE user_id = $1 FOR UPDATE',
    [userId],
  );
  const pending = found.rows[0]?.totp_pending_secret ?? null;
  if (pending === null)
    throw notFound('no second factor is being enrolled: start the enrolment first');
  const step = matchTotp(pending, code, unixSeconds, null);
  if (step === null)
    throw new JiaError(
      'ONE_TIME_CODE_INVALID',
      'the code does not match the new secret: check the app shows jia-trial and try the next code',
    );
  await tx.client.query(
    `UPDATE user_credential SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
            totp_last_step = $2 WHERE user_id = $1`,
    [userId, step],
  );
  await tx.client.query(
    "UPDATE app_user SET second_factor = 'totp' WHERE row_id = $1 AND second_factor <> 'totp'",
    [userId],
  );
}

/**
 * An administrator's recovery: the account's second factor is removed (the user enrols again,
 * at the next sign-in when a role requires it). Audited with the transaction's reason.
 */
export async function resetSecondFactor(tx: Transaction, username: string): Promise<void> {
  const account = await accountByUsername(tx.client, username);
  if (account.secondFactor === 'none') throw notFound(`${username} has no second factor to reset`);
  await tx.client.query(
    `UPDATE user_credential SET totp_secret = NULL, totp_pending_secret = NULL,
            totp_last_step = NULL WHERE user_id = $1`,
    [account.id],
  );
  await tx.client.query("UPDATE app_user SET second_factor = 'none' WHERE row_id = $1", [
    account.id,
  ]);
}

export interface StudyAccessPolicy {
  readonly studyId: string;
  /** The roles whose holders must sign in with a second factor. */
  readonly secondFactorRoles: Role[];
  /** 0: never set (nothing required). */
  readonly version: number;
}

/** A study's access rule (no rule stored: no role requires a second factor). */
export async function studyAccessPolicy(
  db: PoolHolder | Pick<pg.Pool, 'query'>,
  studyId: string,
): Promise<StudyAccessPolicy> {
  const client = 'query' in db ? db : poolOf(db);
  const found = await client.query<{ exists: boolean; roles: Role[] | null; version: number }>(
    `SELECT true AS exists, p.second_factor_roles AS roles, coalesce(p.version, 0) AS version
       FROM study s LEFT JOIN study_access_policy p ON p.study_id = s.study_id
      WHERE s.study_id = $1`,
    [studyId],
  );
  const row = found.rows[0];
  if (!row) throw notFound(`there is no study ${studyId}`);
  return { studyId, secondFactorRoles: row.roles ?? [], version: row.version };
}

/** Sets the roles of a study that must use a second factor (audited; a change needs a reason). */
export async function setStudyAccessPolicy(
  tx: Transaction,
  studyId: string,
  secondFactorRoles: readonly string[],
): Promise<StudyAccessPolicy> {
  const roles = codesOf('role');
  const unknown = secondFactorRoles.filter((r) => !roles.includes(r));
  if (unknown.length > 0)
    throw new JiaError('VALIDATION_FAILED', `${unknown.join(', ')} is not a role`, {
      issues: unknown.map((r) => ({
        path: 'secondFactorRoles',
        message: `${r} is not one of ${roles.join(', ')}`,
      })),
    });
  await studyAccessPolicy(tx.client, studyId);
  const sorted = [...new Set(secondFactorRoles)].sort();
  await tx.client.query(
    `INSERT INTO study_access_policy (study_id, second_factor_roles) VALUES ($1, $2)
       ON CONFLICT (study_id) DO UPDATE SET second_factor_roles = EXCLUDED.second_factor_roles
       WHERE study_access_policy.second_factor_roles IS DISTINCT FROM EXCLUDED.second_factor_roles`,
    [studyId, sorted],
  );
  return studyAccessPolicy(tx.client, studyId);
}
