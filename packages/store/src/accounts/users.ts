/**
 * User accounts and their roles per study (docs/server.md, "Accounts and sessions";
 * docs/roles.md). `app_user` and `role_assignment` are audited like clinical data: who created
 * an account or granted a role, when, and why. The password hash and the sign-in state stay in
 * `user_credential`, outside the audit trail's values.
 */
import { ROLE_POLICIES, type Role, type RoleGrant } from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound } from '../errors.js';
import { type PoolHolder, poolOf, type Transaction } from '../transaction.js';
import { checkNotRecentlyUsed, rememberPassword } from './password-history.js';
import {
  checkNewPassword,
  DEFAULT_PASSWORD_POLICY,
  MAX_PASSWORD_LENGTH,
  type PasswordPolicy,
} from './password-policy.js';
import { hashPassword } from './passwords.js';

/** As the database checks it (migration 0002). */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export interface UserAccount {
  /** The account's id: what audit events name as the actor's id (`user:<id>`). */
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly disabled: boolean;
  readonly mustChangePassword: boolean;
  readonly locked: boolean;
  /** The last day (UTC) the account may sign in; null: no end (migration access). */
  readonly validUntil: string | null;
  /** `totp`: the account signs in with a code from an authenticator app as well. */
  readonly secondFactor: 'none' | 'totp';
  readonly version: number;
}

export interface NewUser {
  readonly username: string;
  /** The name printed on signatures and shown in the audit trail. */
  readonly displayName: string;
  readonly password: string;
  /** A one-time password: the user must choose a new one at first sign-in. */
  readonly mustChangePassword: boolean;
  /** The account's last day (UTC, inclusive); null or absent: no end. */
  readonly validUntil?: string | null | undefined;
}

/** How long a one-time password (a new account's, a reset's) opens the account. */
export const ONE_TIME_PASSWORD_HOURS = 72;

/** The actor id of an account in audit events: never a shared name. */
export const accountActorId = (userId: string) => `user:${userId}`;

function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username))
    throw new JiaError('VALIDATION_FAILED', `${JSON.stringify(username)} is not a valid username`, {
      issues: [
        {
          path: 'username',
          message:
            'is 1 to 64 characters: lower-case letters, digits and . _ @ -, starting with a letter or digit',
        },
      ],
    });
}

const ACCOUNT_COLUMNS = `u.row_id::text AS id, u.username, coalesce(u.display_name, u.username) AS "displayName",
  u.disabled, coalesce(c.must_change, false) AS "mustChangePassword",
  (c.locked_at IS NOT NULL) AS locked, to_char(u.valid_until, 'YYYY-MM-DD') AS "validUntil",
  u.second_factor AS "secondFactor", u.version`;

/**
 * A password about to be set: a chosen one must meet the policy (password-policy.ts); a
 * one-time password is jia-trial's own random draw and is only kept to the longest length.
 */
function checkPasswordToSet(
  password: string,
  oneTime: boolean,
  policy: PasswordPolicy,
  username: string,
  path = 'password',
): void {
  if (oneTime) {
    if ([...password].length > MAX_PASSWORD_LENGTH || password.length === 0)
      throw new JiaError('VALIDATION_FAILED', 'a one-time password has 1 to 256 characters');
    return;
  }
  checkNewPassword(password, policy, { username }, path);
}

export async function createUser(
  tx: Transaction,
  user: NewUser,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
): Promise<UserAccount> {
  checkUsername(user.username);
  const problems: Issue[] = [];
  if (!user.displayName.trim() || user.displayName.length > 200)
    problems.push({ path: 'displayName', message: 'is 1 to 200 characters' });
  if (problems.length > 0)
    throw new JiaError('VALIDATION_FAILED', 'invalid account', { issues: problems });
  checkValidUntil(user.validUntil ?? null);
  checkPasswordToSet(user.password, user.mustChangePassword, policy, user.username);
  const passwordHash = await hashPassword(user.password);
  const inserted = await tx.client.query<{ id: string }>(
    `INSERT INTO app_user (username, display_name, valid_until) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO NOTHING RETURNING row_id::text AS id`,
    [user.username, user.displayName.trim(), user.validUntil ?? null],
  );
  const id = inserted.rows[0]?.id;
  if (id === undefined)
    throw new JiaError('TARGET_EXISTS', `there is already an account ${user.username}`);
  await tx.client.query(
    `INSERT INTO user_credential (user_id, password_hash, must_change, must_change_by)
     VALUES ($1, $2, $3, CASE WHEN $3 THEN now() + make_interval(hours => $4) END)`,
    [id, passwordHash, user.mustChangePassword, ONE_TIME_PASSWORD_HOURS],
  );
  if (!user.mustChangePassword) await rememberPassword(tx.client, id, passwordHash);
  return accountByUsername(tx.client, user.username);
}

export async function accountByUsername(
  db: Pick<pg.Pool, 'query'>,
  username: string,
): Promise<UserAccount> {
  const found = await db.query<UserAccount>(
    `SELECT ${ACCOUNT_COLUMNS} FROM app_user u LEFT JOIN user_credential c ON c.user_id = u.row_id
      WHERE u.username = $1`,
    [username],
  );
  const account = found.rows[0];
  if (!account) throw notFound(`there is no account ${username}`);
  return account;
}

export async function listAccounts(store: PoolHolder): Promise<UserAccount[]> {
  const found = await poolOf(store).query<UserAccount>(
    `SELECT ${ACCOUNT_COLUMNS} FROM app_user u LEFT JOIN user_credential c ON c.user_id = u.row_id
      ORDER BY u.username`,
  );
  return found.rows;
}

/**
 * Sets a new password and unlocks the account (an administrator's reset, with
 * `mustChangePassword`, or the user's own change). Every session of the account ends.
 */
export async function setPassword(
  tx: Transaction,
  username: string,
  password: string,
  options: {
    readonly mustChangePassword: boolean;
    readonly policy?: PasswordPolicy | undefined;
    /** Where a refusal points (the request's field). */
    readonly path?: string | undefined;
  },
): Promise<void> {
  const policy = options.policy ?? DEFAULT_PASSWORD_POLICY;
  const account = await accountByUsername(tx.client, username);
  const path = options.path ?? 'password';
  checkPasswordToSet(password, options.mustChangePassword, policy, username, path);
  if (!options.mustChangePassword)
    await checkNotRecentlyUsed(tx.client, account.id, password, policy.historyCount, path);
  const passwordHash = await hashPassword(password);
  await tx.client.query(
    `INSERT INTO user_credential (user_id, password_hash, must_change, must_change_by)
     VALUES ($1, $2, $3, CASE WHEN $3 THEN now() + make_interval(hours => $4) END)
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash,
         must_change = EXCLUDED.must_change, must_change_by = EXCLUDED.must_change_by,
         changed_at = now(), failed_attempts = 0, locked_at = NULL`,
    [account.id, passwordHash, options.mustChangePassword, ONE_TIME_PASSWORD_HOURS],
  );
  if (!options.mustChangePassword) await rememberPassword(tx.client, account.id, passwordHash);
  await tx.client.query('DELETE FROM user_session WHERE user_id = $1', [account.id]);
}

/** Disables (or enables again) an account; a disabled account's sessions end at once. */
export async function setDisabled(
  tx: Transaction,
  username: string,
  disabled: boolean,
): Promise<UserAccount> {
  const account = await accountByUsername(tx.client, username);
  if (account.disabled !== disabled)
    await tx.client.query('UPDATE app_user SET disabled = $2 WHERE row_id = $1', [
      account.id,
      disabled,
    ]);
  if (disabled) await tx.client.query('DELETE FROM user_session WHERE user_id = $1', [account.id]);
  return accountByUsername(tx.client, username);
}

/**
 * A validity's last day: a real calendar day as YYYY-MM-DD (UTC), or null for no end.
 * VALIDATION_FAILED at `path` otherwise.
 */
export function checkValidUntil(validUntil: string | null, path = 'validUntil'): void {
  if (validUntil === null) return;
  const day = new Date(`${validUntil}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(validUntil) ||
    Number.isNaN(day.getTime()) ||
    day.toISOString().slice(0, 10) !== validUntil
  )
    throw new JiaError('VALIDATION_FAILED', `${JSON.stringify(validUntil)} is not a day`, {
      issues: [{ path, message: 'is a day as YYYY-MM-DD (the last day of validity, UTC)' }],
    });
}

/**
 * Sets the last day (UTC, inclusive) an account may sign in, or null for no end. Past it the
 * account is refused at sign-in (ACCOUNT_EXPIRED) and its sessions end; the change is audited.
 */
export async function setAccountValidity(
  tx: Transaction,
  username: string,
  validUntil: string | null,
): Promise<UserAccount> {
  checkValidUntil(validUntil);
  const account = await accountByUsername(tx.client, username);
  await tx.client.query(
    'UPDATE app_user SET valid_until = $2 WHERE row_id = $1 AND valid_until IS DISTINCT FROM $2',
    [account.id, validUntil],
  );
  return accountByUsername(tx.client, username);
}

export interface RoleChange {
  readonly username: string;
  readonly studyId: string;
  readonly role: Role;
  /** A site of the study, or null: every site. A study-wide role takes no site. */
  readonly site: string | null;
  /** The grant's last day (UTC, inclusive); null or absent: no end. */
  readonly validUntil?: string | null | undefined;
}

function checkRoleChange(change: RoleChange): void {
  const policy = ROLE_POLICIES.find((p) => p.role === change.role);
  if (!policy)
    throw new JiaError('VALIDATION_FAILED', `${change.role} is not a role`, {
      issues: [
        { path: 'role', message: `is one of ${ROLE_POLICIES.map((p) => p.role).join(', ')}` },
      ],
    });
  if (policy.scope === 'study' && change.site !== null)
    throw new JiaError('VALIDATION_FAILED', `${change.role} is held for the whole study`, {
      issues: [{ path: 'site', message: `${change.role} covers every site: give no site` }],
    });
}

/** Grants a role; granting one already held changes nothing (setGrantValidity changes its end). */
export async function grantRole(tx: Transaction, change: RoleChange): Promise<void> {
  checkRoleChange(change);
  checkValidUntil(change.validUntil ?? null);
  const account = await accountByUsername(tx.client, change.username);
  const study = await tx.client.query('SELECT 1 FROM study WHERE study_id = $1', [change.studyId]);
  if (study.rowCount === 0) throw notFound(`there is no study ${change.studyId}`);
  if (change.site !== null) {
    const site = await tx.client.query(
      'SELECT 1 FROM site WHERE study_id = $1 AND site_code = $2',
      [change.studyId, change.site],
    );
    if (site.rowCount === 0) throw notFound(`study ${change.studyId} has no site ${change.site}`);
  }
  await tx.client.query(
    `INSERT INTO role_assignment (user_id, study_id, site_code, role, valid_until)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [account.id, change.studyId, change.site, change.role, change.validUntil ?? null],
  );
}

/** Changes the last day of a role held (an audited update: the transaction needs a reason). */
export async function setGrantValidity(
  tx: Transaction,
  change: RoleChange & { readonly validUntil: string | null },
): Promise<void> {
  checkValidUntil(change.validUntil);
  const account = await accountByUsername(tx.client, change.username);
  const updated = await tx.client.query(
    `UPDATE role_assignment SET valid_until = $5 WHERE user_id = $1 AND study_id = $2
        AND site_code IS NOT DISTINCT FROM $3 AND role = $4`,
    [account.id, change.studyId, change.site, change.role, change.validUntil],
  );
  if (updated.rowCount === 0)
    throw notFound(
      `${change.username} holds no role ${change.role} in ${change.studyId}${change.site ? ` at ${change.site}` : ''}`,
    );
}

/** Revokes a role (a reason is required: it deletes an audited row). */
export async function revokeRole(tx: Transaction, change: RoleChange): Promise<void> {
  const account = await accountByUsername(tx.client, change.username);
  const deleted = await tx.client.query(
    `DELETE FROM role_assignment WHERE user_id = $1 AND study_id = $2
        AND site_code IS NOT DISTINCT FROM $3 AND role = $4`,
    [account.id, change.studyId, change.site, change.role],
  );
  if (deleted.rowCount === 0)
    throw notFound(
      `${change.username} holds no role ${change.role} in ${change.studyId}${change.site ? ` at ${change.site}` : ''}`,
    );
}

/** Every role an account holds, by study. */
export async function grantsOf(
  db: PoolHolder | Pick<pg.Pool, 'query'>,
  userId: string,
): Promise<Map<string, RoleGrant[]>> {
  const client = 'query' in db ? db : poolOf(db);
  const found = await client.query<{ study_id: string; role: Role; site_code: string | null }>(
    `SELECT study_id, role, site_code FROM role_assignment WHERE user_id = $1
      ORDER BY study_id, role, site_code NULLS FIRST`,
    [userId],
  );
  const byStudy = new Map<string, RoleGrant[]>();
  for (const row of found.rows) {
    const grants = byStudy.get(row.study_id) ?? [];
    grants.push({ role: row.role, site: row.site_code });
    byStudy.set(row.study_id, grants);
  }
  return byStudy;
}
