/**
 * The password history (migration access, `password_history`): the argon2id hashes of an
 * account's latest chosen passwords, the current one included, so that a new password repeats
 * none of the last `historyCount` (password-policy.ts; PCI DSS v4.0.1 Requirement 8.3.7). Only
 * hashes are kept, made and checked with the same KDF as sign-in (passwords.ts).
 */
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { MAX_PASSWORD_HISTORY } from './password-policy.js';
import { verifyPassword } from './passwords.js';

/** VALIDATION_FAILED when `password` is one of the account's last `count` passwords. */
export async function checkNotRecentlyUsed(
  db: Pick<pg.ClientBase, 'query'>,
  userId: string,
  password: string,
  count: number,
  path = 'password',
): Promise<void> {
  if (count <= 0) return;
  const recent = await db.query<{ password_hash: string }>(
    `SELECT password_hash FROM password_history WHERE user_id = $1
      ORDER BY entry_id DESC LIMIT $2`,
    [userId, count],
  );
  // Each hash is checked (argon2 verifications, one after another: at most `count` of them).
  for (const row of recent.rows)
    if (await verifyPassword(row.password_hash, password))
      throw new JiaError(
        'VALIDATION_FAILED',
        `the password is refused: it is one of your last ${count} passwords`,
        { issues: [{ path, message: `is one of the last ${count} passwords: choose a new one` }] },
      );
}

/**
 * Records a chosen password's hash, keeping the newest MAX_PASSWORD_HISTORY (so that raising
 * the setting later finds the older ones still there).
 */
export async function rememberPassword(
  db: Pick<pg.ClientBase, 'query'>,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db.query('INSERT INTO password_history (user_id, password_hash) VALUES ($1, $2)', [
    userId,
    passwordHash,
  ]);
  await db.query(
    `DELETE FROM password_history WHERE user_id = $1 AND entry_id NOT IN
       (SELECT entry_id FROM password_history WHERE user_id = $1 ORDER BY entry_id DESC LIMIT $2)`,
    [userId, MAX_PASSWORD_HISTORY],
  );
}
