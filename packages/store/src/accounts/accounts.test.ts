import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, seedStudy, type TestDatabase, testActor } from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { oneTimePassword } from './passwords.js';
import {
  DEFAULT_SESSION_POLICY,
  endSession,
  pruneSessions,
  type SessionPolicy,
  sessionOf,
  signIn,
} from './sessions.js';
import {
  accountByUsername,
  createUser,
  grantRole,
  grantsOf,
  revokeRole,
  setDisabled,
  setPassword,
} from './users.js';

let db: TestDatabase;
const admin = testActor('admin');
const PASSWORD = 'correct horse battery';

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1']);
});
after(() => db.close());

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isJiaError(error) && error.code === code);
}

const addUser = (username: string, password = PASSWORD) =>
  withTransaction(db.store, admin, undefined, (tx) =>
    createUser(tx, {
      username,
      displayName: `Dr ${username}`,
      password,
      mustChangePassword: false,
    }),
  );

describe('accounts', () => {
  test('an account is created once, with an audit event naming who created it', async () => {
    const account = await addUser('ada');
    assert.equal(account.username, 'ada');
    assert.equal(account.locked, false);
    await rejectsWith(addUser('ada'), 'TARGET_EXISTS');
    const events = await db.store.pool.query(
      "SELECT actor_id FROM audit_event WHERE table_name = 'app_user' AND record_key = 'ada'",
    );
    assert.deepEqual(
      events.rows.map((r) => r.actor_id),
      [admin.id],
    );
    // The hash is never in the audit trail's values.
    const leaked = await db.store.pool.query(
      "SELECT count(*)::int AS n FROM audit_event WHERE new_values::text LIKE '%argon2%'",
    );
    assert.equal(leaked.rows[0].n, 0);
  });

  test('a bad username or a short password is refused with its path', async () => {
    await rejectsWith(addUser('Bad Name'), 'VALIDATION_FAILED');
    await assert.rejects(addUser('short', 'short'), (error: unknown) => {
      assert.ok(isJiaError(error));
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.deepEqual(
        error.issues.map((i) => i.path),
        ['password'],
      );
      return true;
    });
  });

  test('roles: granted per study and site, study-wide roles take no site, revoking needs a reason', async () => {
    await addUser('nina');
    const grant = (role: 'nurse' | 'data_manager', site: string | null) =>
      withTransaction(db.store, admin, undefined, (tx) =>
        grantRole(tx, { username: 'nina', studyId: 'S', role, site }),
      );
    await grant('nurse', 'A');
    await grant('nurse', 'A'); // again: nothing changes
    await rejectsWith(grant('data_manager', 'A'), 'VALIDATION_FAILED');
    await rejectsWith(grant('nurse', 'NOPE'), 'NOT_FOUND');
    const account = await accountByUsername(db.store.pool, 'nina');
    assert.deepEqual(
      await grantsOf(db.store, account.id),
      new Map([['S', [{ role: 'nurse', site: 'A' }]]]),
    );
    const revoke = (reason: string | undefined) =>
      withTransaction(db.store, admin, reason, (tx) =>
        revokeRole(tx, { username: 'nina', studyId: 'S', role: 'nurse', site: 'A' }),
      );
    await rejectsWith(revoke(undefined), 'REASON_REQUIRED');
    await revoke('left the study');
    assert.equal((await grantsOf(db.store, account.id)).size, 0);
  });

  test('one-time passwords: 20 characters, no look-alikes, different each time', () => {
    const a = oneTimePassword();
    assert.match(a, /^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    assert.notEqual(a, oneTimePassword());
  });
});

describe('sign-in and sessions', () => {
  const address = '203.0.113.7';
  const strict: SessionPolicy = {
    ...DEFAULT_SESSION_POLICY,
    maxFailuresPerUser: 3,
    maxFailuresPerAddress: 100,
    lockAfterFailures: 100,
  };

  test('a right password opens a session that the token finds; signing out ends it', async () => {
    await addUser('sam');
    const session = await signIn(db.store, { username: 'sam', password: PASSWORD, address });
    assert.equal(session.user.username, 'sam');
    assert.ok(session.csrfToken.length >= 32);
    const found = await sessionOf(db.store, session.token);
    assert.equal(found?.user.id, session.user.id);
    assert.equal(found?.csrfToken, session.csrfToken);
    // The table holds only the token's hash.
    const stored = await db.store.pool.query(
      'SELECT count(*)::int AS n FROM user_session WHERE encode(token_hash, $$escape$$) LIKE $1',
      [`%${session.token}%`],
    );
    assert.equal(stored.rows[0].n, 0);
    await endSession(db.store, session.token);
    assert.equal(await sessionOf(db.store, session.token), null);
  });

  test('an unknown user, a disabled account and a wrong password get the same answer', async () => {
    await addUser('dora');
    await withTransaction(db.store, admin, 'left', (tx) => setDisabled(tx, 'dora', true));
    for (const [username, password] of [
      ['nobody', PASSWORD],
      ['dora', PASSWORD],
      ['sam', 'wrong password!'],
    ] as const)
      await rejectsWith(signIn(db.store, { username, password, address }), 'INVALID_CREDENTIALS');
  });

  test('repeated failures for one user are throttled, with the seconds to wait', async () => {
    await addUser('tom');
    for (let i = 0; i < 3; i++)
      await rejectsWith(
        signIn(db.store, { username: 'tom', password: 'wrong password!', address }, strict),
        'INVALID_CREDENTIALS',
      );
    await assert.rejects(
      signIn(db.store, { username: 'tom', password: PASSWORD, address }, strict),
      (error: unknown) => {
        assert.ok(isJiaError(error));
        assert.equal(error.code, 'TOO_MANY_ATTEMPTS');
        const wait = (error.details as { retryAfterSeconds: number }).retryAfterSeconds;
        assert.ok(wait > 0 && wait <= 15 * 60, `wait ${wait}`);
        return true;
      },
    );
  });

  test('failures from one address are throttled whatever the username', async () => {
    const policy = { ...strict, maxFailuresPerUser: 100, maxFailuresPerAddress: 4 };
    const from = '198.51.100.9';
    for (let i = 0; i < 4; i++)
      await rejectsWith(
        signIn(db.store, { username: `guess${i}`, password: 'x', address: from }, policy),
        'INVALID_CREDENTIALS',
      );
    await rejectsWith(
      signIn(db.store, { username: 'sam', password: PASSWORD, address: from }, policy),
      'TOO_MANY_ATTEMPTS',
    );
    // Another address is not held up.
    await signIn(
      db.store,
      { username: 'sam', password: PASSWORD, address: '198.51.100.10' },
      policy,
    );
  });

  test('an IPv6 client is throttled by its /64, whichever of its addresses it uses', async () => {
    const policy = { ...strict, maxFailuresPerUser: 100, maxFailuresPerAddress: 3 };
    for (let i = 1; i <= 3; i++)
      await rejectsWith(
        signIn(
          db.store,
          { username: `v6guess${i}`, password: 'x', address: `2001:db8:7:7::${i.toString(16)}` },
          policy,
        ),
        'INVALID_CREDENTIALS',
      );
    await rejectsWith(
      signIn(
        db.store,
        { username: 'sam', password: PASSWORD, address: '2001:db8:7:7:abcd::99' },
        policy,
      ),
      'TOO_MANY_ATTEMPTS',
    );
    // The next /64 is another network; the log keeps each address as it came.
    await signIn(
      db.store,
      { username: 'sam', password: PASSWORD, address: '2001:db8:7:8::1' },
      policy,
    );
    const logged = await db.store.pool.query(
      "SELECT address, network FROM sign_in_attempt WHERE username = 'v6guess2'",
    );
    assert.deepEqual(logged.rows, [{ address: '2001:db8:7:7::2', network: '2001:db8:7:7::/64' }]);
  });

  test('the account locks after a run of failures (answered as throttling); a reset unlocks it and forces a change', async () => {
    await addUser('lena');
    const policy = { ...DEFAULT_SESSION_POLICY, maxFailuresPerUser: 100, lockAfterFailures: 3 };
    const other = { address: '192.0.2.1' };
    const open = await signIn(db.store, { username: 'lena', password: PASSWORD, ...other }, policy);
    for (let i = 0; i < 3; i++)
      await rejectsWith(
        signIn(db.store, { username: 'lena', password: 'wrong password!', ...other }, policy),
        'INVALID_CREDENTIALS',
      );
    await rejectsWith(
      signIn(db.store, { username: 'lena', password: PASSWORD, ...other }, policy),
      'TOO_MANY_ATTEMPTS',
    );
    assert.equal(await sessionOf(db.store, open.token), null, 'a locked account has no session');
    const reset = 'a new one-time password';
    await withTransaction(db.store, admin, undefined, (tx) =>
      setPassword(tx, 'lena', reset, { mustChangePassword: true }),
    );
    const session = await signIn(db.store, { username: 'lena', password: reset, ...other }, policy);
    assert.equal(session.user.mustChangePassword, true);
  });

  test('a session ends after its idle time and its absolute time', async () => {
    const session = await signIn(db.store, {
      username: 'sam',
      password: PASSWORD,
      address: '192.0.2.2',
    });
    const hash = "sha256(convert_to($1, 'UTF8'))";
    await db.store.pool.query(
      `UPDATE user_session SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = ${hash}`,
      [session.token],
    );
    assert.equal(await sessionOf(db.store, session.token), null);
    const second = await signIn(db.store, {
      username: 'sam',
      password: PASSWORD,
      address: '192.0.2.2',
    });
    await db.store.pool.query(
      `UPDATE user_session SET expires_at = now() - interval '1 second' WHERE token_hash = ${hash}`,
      [second.token],
    );
    assert.equal(await sessionOf(db.store, second.token), null);
  });

  test('parallel attempts cannot pass the throttle together: at most the limit of passwords is checked', async () => {
    await addUser('pat');
    const from = '198.51.100.77';
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        signIn(
          db.store,
          { username: 'pat', password: `wrong password ${i}`, address: from },
          strict,
        ),
      ),
    );
    const codes = results.map((r) =>
      r.status === 'rejected' && isJiaError(r.reason) ? r.reason.code : 'ok',
    );
    assert.equal(
      codes.filter((c) => c === 'INVALID_CREDENTIALS').length,
      strict.maxFailuresPerUser,
    );
    assert.equal(
      codes.filter((c) => c === 'TOO_MANY_ATTEMPTS').length,
      12 - strict.maxFailuresPerUser,
    );
  });

  test("a one-time password expires (refused as a wrong one); the account's own password does not", async () => {
    await withTransaction(db.store, admin, undefined, (tx) =>
      createUser(tx, {
        username: 'otto',
        displayName: 'Otto',
        password: 'a one-time password',
        mustChangePassword: true,
      }),
    );
    await db.store.pool.query(
      "UPDATE user_credential SET must_change_by = now() - interval '1 minute' WHERE user_id = (SELECT row_id FROM app_user WHERE username = 'otto')",
    );
    await rejectsWith(
      signIn(db.store, { username: 'otto', password: 'a one-time password', address: '192.0.2.9' }),
      'INVALID_CREDENTIALS',
    );
    const logged = await db.store.pool.query(
      "SELECT outcome FROM sign_in_attempt WHERE username = 'otto' ORDER BY attempt_id DESC LIMIT 1",
    );
    assert.equal(logged.rows[0].outcome, 'expired');
    await signIn(db.store, { username: 'sam', password: PASSWORD, address: '192.0.2.9' });
  });

  test('pruning removes ended sessions and attempts older than the log keeps', async () => {
    const session = await signIn(db.store, {
      username: 'sam',
      password: PASSWORD,
      address: '192.0.2.10',
    });
    await db.store.pool.query(
      "UPDATE user_session SET expires_at = now() - interval '1 second' WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
      [session.token],
    );
    await db.store.pool.query(
      "INSERT INTO sign_in_attempt (at, username, address, network, outcome) VALUES (now() - interval '91 days', 'old', '192.0.2.11', '192.0.2.11', 'invalid')",
    );
    assert.ok((await pruneSessions(db.store)) >= 2);
    const left = await db.store.pool.query(
      "SELECT (SELECT count(*) FROM sign_in_attempt WHERE username = 'old')::int AS attempts",
    );
    assert.equal(left.rows[0].attempts, 0);
  });

  test('disabling an account ends its sessions', async () => {
    await addUser('eve');
    const session = await signIn(db.store, {
      username: 'eve',
      password: PASSWORD,
      address: '192.0.2.3',
    });
    await withTransaction(db.store, admin, 'left the team', (tx) => setDisabled(tx, 'eve', true));
    assert.equal(await sessionOf(db.store, session.token), null);
  });
});
