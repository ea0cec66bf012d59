/**
 * Sign-in, sessions and throttling, all in the database (migration 0010), so that any of several
 * servers on one PostgreSQL serves any session (docs/server.md, "Accounts and sessions").
 *
 * The policy follows OWASP's Authentication and Session Management cheat sheets: the same answer
 * and the same work for an unknown user as for a wrong password; failures throttled per user and
 * per network (an IPv4 address, an IPv6 /64); the account locked after a run of failures; sessions with an idle and an absolute
 * limit; the token stored only as its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role, RoleGrant } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { requestSeal } from '../audit/sealer.js';
import { prepared } from '../prepared.js';
import { type PoolHolder, poolOf } from '../transaction.js';
import { throttleNetwork } from './networks.js';
import { verifyPassword } from './passwords.js';
import { matchTotp } from './totp.js';

export interface SessionPolicy {
  /** A session unused for this long ends. */
  readonly idleMinutes: number;
  /** A session ends this long after sign-in, however it is used. */
  readonly absoluteHours: number;
  /** The window over which failed sign-ins are counted for throttling. */
  readonly throttleWindowMinutes: number;
  /** Failed sign-ins for one username within the window before further attempts wait. */
  readonly maxFailuresPerUser: number;
  /** Failed sign-ins from one network (an IPv4 address, an IPv6 /64) within the window before further attempts wait. */
  readonly maxFailuresPerAddress: number;
  /** Failed sign-ins in a row (any time) that lock the account... */
  readonly lockAfterFailures: number;
  /** ...for this long, or until an administrator resets its password. */
  readonly lockMinutes: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMinutes: 30,
  absoluteHours: 12,
  throttleWindowMinutes: 15,
  maxFailuresPerUser: 5,
  maxFailuresPerAddress: 20,
  lockAfterFailures: 10,
  lockMinutes: 30,
};

/**
 * last_seen_at is written at most this often: a write on every request would cost a commit
 * (and a WAL flush) per read. The idle limit is therefore exact to within this.
 */
const TOUCH_EVERY_SECONDS = 60;

/** The signed-in user, as every request sees it. */
export interface SessionUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly mustChangePassword: boolean;
  /** `totp`: the account signs in with a code as well (second-factor.ts). */
  readonly secondFactor: 'none' | 'totp';
  /**
   * A role the user holds (and is valid) is one its study requires a second factor for, and
   * the account has none: it must enrol before anything else (SECOND_FACTOR_ENROLMENT_REQUIRED).
   */
  readonly mustEnrolSecondFactor: boolean;
}

/** A role grant past its last day: ignored, and named so that the user is told why. */
export interface ExpiredGrant extends RoleGrant {
  readonly validUntil: string;
}

export interface Session {
  readonly user: SessionUser;
  /** The account's valid roles, by study (read with the session: one query per request). */
  readonly grants: ReadonlyMap<string, readonly RoleGrant[]>;
  /** The account's roles past their last day, by study: they give nothing. */
  readonly expiredGrants: ReadonlyMap<string, readonly ExpiredGrant[]>;
  /** Sent back in the X-CSRF-Token header of every request that changes state. */
  readonly csrfToken: string;
  readonly expiresAt: string;
  /** When the session ends if unused from now on (the idle limit; the browser warns before). */
  readonly idleEndsAt: string;
}

export interface NewSession extends Omit<Session, 'grants' | 'expiredGrants'> {
  /** The cookie's value: shown once, stored only as its hash. */
  readonly token: string;
}

export interface SignInAttempt {
  readonly username: string;
  readonly password: string;
  /** The code of the authenticator app, for an account with a second factor. */
  readonly oneTimeCode?: string | undefined;
  /** The client's address, for throttling and the log. */
  readonly address: string;
}

const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest();
const newToken = () => randomBytes(32).toString('base64url');

type Outcome =
  | 'success'
  | 'invalid'
  | 'locked'
  | 'throttled'
  | 'disabled'
  | 'expired'
  | 'account_expired'
  | 'code_required'
  | 'code_invalid';

/** Today in UTC, as the database sees it: validity dates are UTC days (migration access). */
const UTC_TODAY = "(now() AT TIME ZONE 'UTC')::date";

/**
 * Whether the account `u` must enrol a second factor: it has none, and a valid role it holds is
 * one its study's access rule requires a second factor for.
 */
const MUST_ENROL = `(u.second_factor = 'none' AND EXISTS (
    SELECT 1 FROM role_assignment r JOIN study_access_policy p ON p.study_id = r.study_id
     WHERE r.user_id = u.row_id AND r.role = ANY (p.second_factor_roles)
       AND (r.valid_until IS NULL OR r.valid_until >= ${UTC_TODAY})))`;

async function logAttempt(
  db: pg.ClientBase,
  attempt: SignInAttempt,
  outcome: Outcome,
): Promise<void> {
  await db.query(
    'INSERT INTO sign_in_attempt (username, address, network, outcome) VALUES ($1, $2, $3, $4)',
    [attempt.username.slice(0, 200), attempt.address, throttleNetwork(attempt.address), outcome],
  );
}

/** Seconds until the oldest counted failure leaves the window, or 0 when not throttled. */
async function throttledFor(
  db: pg.ClientBase,
  attempt: SignInAttempt,
  policy: SessionPolicy,
): Promise<number> {
  const found = await db.query<{ user_wait: number | null; address_wait: number | null }>(
    `WITH recent AS (
       SELECT username, network, at FROM sign_in_attempt
        WHERE at > now() - make_interval(mins => $3)
          AND outcome IN ('invalid', 'locked', 'code_invalid')
          AND (username = $1 OR network = $2))
     SELECT
       (SELECT ceil(extract(epoch FROM min(at) + make_interval(mins => $3) - now()))
          FROM (SELECT at FROM recent WHERE username = $1 ORDER BY at DESC LIMIT $4) u
         HAVING count(*) >= $4)::float8 AS user_wait,
       (SELECT ceil(extract(epoch FROM min(at) + make_interval(mins => $3) - now()))
          FROM (SELECT at FROM recent WHERE network = $2 ORDER BY at DESC LIMIT $5) a
         HAVING count(*) >= $5)::float8 AS address_wait`,
    [
      attempt.username,
      throttleNetwork(attempt.address),
      policy.throttleWindowMinutes,
      policy.maxFailuresPerUser,
      policy.maxFailuresPerAddress,
    ],
  );
  const row = found.rows[0];
  return Math.max(row?.user_wait ?? 0, row?.address_wait ?? 0, 0);
}

/**
 * The statement that counts one more wrong password for the account `user` (a parameter), and
 * locks it when the run reaches `limit` (a parameter).
 */
const countFailure = (user: string, limit: string) =>
  `UPDATE user_credential SET failed_attempts = failed_attempts + 1,
          locked_at = CASE WHEN failed_attempts + 1 >= ${limit} THEN now() ELSE locked_at END
    WHERE user_id = ${user}`;

/**
 * A failed attempt, logged, and counted against the account when there is one: one statement on
 * every path (an unknown user's updates no row), so that the work, and the time, is the same
 * whether the account exists or not. The run's end locks the account for `lockMinutes`.
 */
async function recordFailure(
  db: pg.ClientBase,
  attempt: SignInAttempt,
  outcome: Outcome,
  userId: string | null,
  policy: SessionPolicy,
): Promise<void> {
  await db.query(
    `WITH counted AS (${countFailure('$4::bigint', '$5')})
     INSERT INTO sign_in_attempt (username, address, network, outcome) VALUES ($1, $2, $6, $3)`,
    [
      attempt.username.slice(0, 200),
      attempt.address,
      outcome,
      userId,
      policy.lockAfterFailures,
      throttleNetwork(attempt.address),
    ],
  );
}

/**
 * Opens a session for an account whose identity is established (a right password, a password
 * just changed), with no throttle: the caller has checked what needed checking.
 */
export async function openSession(
  db: Pick<pg.ClientBase, 'query'>,
  user: SessionUser,
  address: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<NewSession> {
  const token = newToken();
  const csrfToken = newToken();
  const opened = await db.query<{ expires_at: Date; idle_ends_at: Date }>(
    `WITH reset AS (UPDATE user_credential SET failed_attempts = 0 WHERE user_id = $1)
     INSERT INTO user_session (token_hash, user_id, csrf_token, expires_at, address)
     VALUES ($2, $1, $3, now() + make_interval(hours => $4), $5)
     RETURNING expires_at, least(expires_at, last_seen_at + make_interval(mins => $6)) AS idle_ends_at`,
    [user.id, tokenHash(token), csrfToken, policy.absoluteHours, address, policy.idleMinutes],
  );
  const row = opened.rows[0] as { expires_at: Date; idle_ends_at: Date };
  return {
    token,
    csrfToken,
    expiresAt: row.expires_at.toISOString(),
    idleEndsAt: row.idle_ends_at.toISOString(),
    user,
  };
}

/** Serialises the sign-ins of one username and of one network (advisory locks, this transaction). */
async function serialise(client: pg.ClientBase, attempt: SignInAttempt): Promise<void> {
  // Always the username first, then the address: no two sign-ins wait for each other in a cycle.
  await client.query(
    "SELECT pg_advisory_xact_lock(hashtext('jia-sign-in-user:' || $1)), pg_advisory_xact_lock(hashtext('jia-sign-in-address:' || $2))",
    [attempt.username, throttleNetwork(attempt.address)],
  );
}

/**
 * Checks a username and password and opens a session. INVALID_CREDENTIALS for an unknown user,
 * a disabled account or a wrong password alike (each costs one argon2 verification and the same
 * database work); TOO_MANY_ATTEMPTS (with `details.retryAfterSeconds`) while throttled, and
 * while the account is locked after `lockAfterFailures` failures in a row (for `lockMinutes`, or
 * until an administrator resets it). Sign-ins of one username, and of one address, run one at a
 * time (advisory locks), so that parallel attempts cannot all pass the throttle together.
 */
export async function signIn(
  store: PoolHolder,
  attempt: SignInAttempt,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<NewSession> {
  const client = await poolOf(store).connect();
  try {
    await client.query('BEGIN');
    await serialise(client, attempt);
    const session = await checkAndOpen(client, attempt, policy);
    await client.query('COMMIT');
    // The attempt's security event (migration 0024_audit's trigger) into the chain.
    requestSeal(poolOf(store));
    if (session instanceof JiaError) throw session;
    return session;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The sign-in's work under its locks: a session, or the refusal (already logged) to throw. */
async function checkAndOpen(
  client: pg.PoolClient,
  attempt: SignInAttempt,
  policy: SessionPolicy,
): Promise<NewSession | JiaError> {
  const found = await client.query<{
    id: string;
    username: string;
    display_name: string | null;
    disabled: boolean;
    password_hash: string;
    must_change: boolean;
    expired: boolean;
    locked_for: number | null;
    valid_until: string | null;
    account_expired: boolean;
    second_factor: 'none' | 'totp';
    totp_secret: Buffer | null;
    totp_last_step: string | null;
    must_enrol: boolean;
  }>(
    `SELECT u.row_id::text AS id, u.username, u.display_name, u.disabled, c.password_hash,
            c.must_change, coalesce(c.must_change AND c.must_change_by < now(), false) AS expired,
            ceil(extract(epoch FROM c.locked_at + make_interval(mins => $2) - now()))::float8 AS locked_for,
            to_char(u.valid_until, 'YYYY-MM-DD') AS valid_until,
            coalesce(u.valid_until < ${UTC_TODAY}, false) AS account_expired,
            u.second_factor, c.totp_secret, c.totp_last_step::text, ${MUST_ENROL} AS must_enrol
       FROM app_user u JOIN user_credential c ON c.user_id = u.row_id
      WHERE u.username = $1`,
    [attempt.username, policy.lockMinutes],
  );
  const account = found.rows[0];
  const locked = Math.max(0, account?.locked_for ?? 0);
  const wait = Math.max(await throttledFor(client, attempt, policy), locked);
  if (wait > 0) {
    // A locked account answers as a throttled name does: the lock tells nobody it exists.
    await logAttempt(client, attempt, locked > 0 ? 'locked' : 'throttled');
    return new JiaError('TOO_MANY_ATTEMPTS', `too many failed sign-ins; try again in ${wait} s`, {
      details: { retryAfterSeconds: wait },
    });
  }
  const valid = await verifyPassword(account?.password_hash ?? null, attempt.password);
  // An expired one-time password is refused as a wrong one is: the answer tells nothing more.
  if (!account || account.disabled || !valid || account.expired) {
    await recordFailure(
      client,
      attempt,
      account?.disabled ? 'disabled' : valid && account?.expired ? 'expired' : 'invalid',
      account && !account.disabled ? account.id : null,
      policy,
    );
    return new JiaError(
      'INVALID_CREDENTIALS',
      'the username or the password is wrong, or a one-time password has expired',
    );
  }
  // The password is right: from here on the answers may say more than a wrong password's.
  if (account.account_expired) {
    await logAttempt(client, attempt, 'account_expired');
    return new JiaError(
      'ACCOUNT_EXPIRED',
      `your account was valid until ${account.valid_until} (UTC): an administrator can extend it`,
      { details: { validUntil: account.valid_until } },
    );
  }
  if (account.second_factor === 'totp') {
    const refusal = await checkSecondFactor(client, attempt, account, policy);
    if (refusal) return refusal;
  }
  const user: SessionUser = {
    id: account.id,
    username: account.username,
    displayName: account.display_name ?? account.username,
    mustChangePassword: account.must_change,
    secondFactor: account.second_factor,
    mustEnrolSecondFactor: account.must_enrol,
  };
  // An expired lock ends with the right password.
  await client.query(
    `UPDATE user_credential SET locked_at = NULL, last_sign_in_at = now() WHERE user_id = $1`,
    [account.id],
  );
  const session = await openSession(client, user, attempt.address, policy);
  await logAttempt(client, attempt, 'success');
  return session;
}

/**
 * The second step of a sign-in with a second factor, the password being right: the code of the
 * authenticator app, for a step after the last one accepted (no replay; totp.ts). No code:
 * ONE_TIME_CODE_REQUIRED (the client asks for it and sends both again). A wrong or replayed
 * code counts as a failed sign-in (throttled and locking as a wrong password does), so that the
 * six digits cannot be guessed at leisure. Null: accepted (the step is recorded).
 */
async function checkSecondFactor(
  client: pg.PoolClient,
  attempt: SignInAttempt,
  account: { id: string; totp_secret: Buffer | null; totp_last_step: string | null },
  policy: SessionPolicy,
): Promise<JiaError | null> {
  if (!attempt.oneTimeCode) {
    await logAttempt(client, attempt, 'code_required');
    return new JiaError(
      'ONE_TIME_CODE_REQUIRED',
      'enter the 6-digit code your authenticator app shows for jia-trial',
    );
  }
  const step =
    account.totp_secret === null
      ? null
      : matchTotp(
          account.totp_secret,
          attempt.oneTimeCode,
          Date.now() / 1000,
          account.totp_last_step === null ? null : Number(account.totp_last_step),
        );
  if (step === null) {
    await recordFailure(client, attempt, 'code_invalid', account.id, policy);
    return new JiaError(
      'ONE_TIME_CODE_INVALID',
      'the code is wrong, or was used already: enter the next code the app shows',
    );
  }
  await client.query('UPDATE user_credential SET totp_last_step = $2 WHERE user_id = $1', [
    account.id,
    step,
  ]);
  return null;
}

/**
 * The session of a cookie's token, or null when there is none, it has expired (idle or
 * absolute), its account is disabled, locked or past its last day. Marks it used. Role grants
 * past their last day are left out of `grants` and listed in `expiredGrants`.
 */
export async function sessionOf(
  store: PoolHolder,
  token: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<Session | null> {
  const db = poolOf(store);
  const found = await db.query<{
    id: string;
    username: string;
    display_name: string | null;
    must_change: boolean;
    second_factor: 'none' | 'totp';
    must_enrol: boolean;
    csrf_token: string;
    expires_at: Date;
    idle_ends_at: Date;
    stale: boolean;
    grants: Array<{
      study: string;
      role: Role;
      site: string | null;
      validUntil: string | null;
      valid: boolean;
    }> | null;
  }>(
    // Prepared: every request runs it.
    prepared(
      `SELECT u.row_id::text AS id, u.username, u.display_name, c.must_change, u.second_factor,
            ${MUST_ENROL} AS must_enrol, s.csrf_token, s.expires_at,
            s.last_seen_at < now() - make_interval(secs => $3) AS stale,
            least(s.expires_at, CASE WHEN s.last_seen_at < now() - make_interval(secs => $3)
                                     THEN now() ELSE s.last_seen_at END
                                + make_interval(mins => $2)) AS idle_ends_at,
            (SELECT json_agg(json_build_object('study', r.study_id, 'role', r.role, 'site', r.site_code,
                               'validUntil', to_char(r.valid_until, 'YYYY-MM-DD'),
                               'valid', r.valid_until IS NULL OR r.valid_until >= ${UTC_TODAY})
                             ORDER BY r.study_id, r.role, r.site_code NULLS FIRST)
               FROM role_assignment r WHERE r.user_id = u.row_id) AS grants
       FROM user_session s JOIN app_user u ON u.row_id = s.user_id
       JOIN user_credential c ON c.user_id = u.row_id
      WHERE s.token_hash = $1 AND s.expires_at > now()
        AND s.last_seen_at > now() - make_interval(mins => $2)
        AND NOT u.disabled AND c.locked_at IS NULL
        AND (u.valid_until IS NULL OR u.valid_until >= ${UTC_TODAY})`,
      [tokenHash(token), policy.idleMinutes, TOUCH_EVERY_SECONDS],
    ),
  );
  const row = found.rows[0];
  if (!row) return null;
  if (row.stale)
    await db.query('UPDATE user_session SET last_seen_at = now() WHERE token_hash = $1', [
      tokenHash(token),
    ]);
  const grants = new Map<string, RoleGrant[]>();
  const expiredGrants = new Map<string, ExpiredGrant[]>();
  for (const g of row.grants ?? [])
    if (g.valid)
      grants.set(g.study, [...(grants.get(g.study) ?? []), { role: g.role, site: g.site }]);
    else
      expiredGrants.set(g.study, [
        ...(expiredGrants.get(g.study) ?? []),
        { role: g.role, site: g.site, validUntil: g.validUntil as string },
      ]);
  return {
    grants,
    expiredGrants,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at.toISOString(),
    idleEndsAt: row.idle_ends_at.toISOString(),
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name ?? row.username,
      mustChangePassword: row.must_change,
      secondFactor: row.second_factor,
      mustEnrolSecondFactor: row.must_enrol,
    },
  };
}

/**
 * Whether `password` is the account's (re-entered to sign a record or to change the password).
 * A wrong password here counts as a failed sign-in: it may lock the account.
 */
export async function verifyAccountPassword(
  store: PoolHolder,
  userId: string,
  password: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<boolean> {
  const db = poolOf(store);
  const found = await db.query<{ password_hash: string }>(
    'SELECT password_hash FROM user_credential WHERE user_id = $1 AND locked_at IS NULL',
    [userId],
  );
  const valid = await verifyPassword(found.rows[0]?.password_hash ?? null, password);
  if (!valid && found.rowCount)
    await db.query(countFailure('$1', '$2'), [userId, policy.lockAfterFailures]);
  return valid;
}

/**
 * Marks a session used now, whatever the minute's rounding of sessionOf ("Stay signed in"
 * before the idle sign-out); returns its new idle end, or null when it has ended already.
 */
export async function renewSession(
  store: PoolHolder,
  token: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<string | null> {
  const renewed = await poolOf(store).query<{ idle_ends_at: Date }>(
    `UPDATE user_session SET last_seen_at = now()
      WHERE token_hash = $1 AND expires_at > now()
        AND last_seen_at > now() - make_interval(mins => $2)
      RETURNING least(expires_at, last_seen_at + make_interval(mins => $2)) AS idle_ends_at`,
    [tokenHash(token), policy.idleMinutes],
  );
  return renewed.rows[0]?.idle_ends_at.toISOString() ?? null;
}

/** Ends a session (signing out); ending one that does not exist is not an error. */
export async function endSession(store: PoolHolder, token: string): Promise<void> {
  await poolOf(store).query('DELETE FROM user_session WHERE token_hash = $1', [tokenHash(token)]);
}

/** How long the sign-in log keeps an attempt. */
export const SIGN_IN_LOG_DAYS = 90;

/**
 * Removes sessions past their idle or absolute limit, and sign-in attempts older than
 * SIGN_IN_LOG_DAYS (the server runs it at start and every hour); returns how many rows went.
 */
export async function pruneSessions(
  store: PoolHolder,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
): Promise<number> {
  const db = poolOf(store);
  const sessions = await db.query(
    `DELETE FROM user_session
      WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $1)`,
    [policy.idleMinutes],
  );
  const attempts = await db.query(
    'DELETE FROM sign_in_attempt WHERE at < now() - make_interval(days => $1)',
    [SIGN_IN_LOG_DAYS],
  );
  return (sessions.rowCount ?? 0) + (attempts.rowCount ?? 0);
}
