import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signIn } from '@jia-trial/store';
import { seedStudy } from '@jia-trial/store/test-support';
import { runCli, runCliWithInput, useTestDatabase } from '../test-support.js';

const database = useTestDatabase();
const PASSWORD = 'a password from a script';
const address = '127.0.0.1';

describe('jia-trial user', () => {
  test('add with a one-time password: printed once, changed at first sign-in', async () => {
    const added = await runCli('user', 'add', 'olga', '--name', 'Dr Olga');
    assert.equal(added.code, 0, added.stderr);
    const password = /one-time password[^:]*: (\S+)/.exec(added.stdout)?.[1] ?? '';
    const session = await signIn(database().store, { username: 'olga', password, address });
    assert.equal(session.user.mustChangePassword, true);
    assert.equal(session.user.displayName, 'Dr Olga');
  });

  test('add and reset with --password-stdin, for scripts', async () => {
    const added = await runCliWithInput(`${PASSWORD}\n`, 'user', 'add', 'sid', '--password-stdin');
    assert.equal(added.code, 0, added.stderr);
    assert.doesNotMatch(added.stdout, /password/);
    const session = await signIn(database().store, {
      username: 'sid',
      password: PASSWORD,
      address,
    });
    assert.equal(session.user.mustChangePassword, false);
    const noReason = await runCliWithInput('x', 'user', 'reset', 'sid', '--password-stdin');
    assert.equal(noReason.code, 2, 'a reset needs --reason');
    const reset = await runCliWithInput(
      'another password for sid\n',
      'user',
      'reset',
      'sid',
      '--password-stdin',
      '--reason',
      'forgotten',
    );
    assert.equal(reset.code, 0, reset.stderr);
    await signIn(database().store, {
      username: 'sid',
      password: 'another password for sid',
      address,
    });
  });

  test('grant, revoke, disable: each audited, errors by code', async () => {
    await seedStudy(database().store.pool, 'ST', []);
    assert.equal((await runCli('user', 'add', 'mo')).code, 0);
    const granted = await runCli(
      'user',
      'grant',
      'mo',
      '--study',
      'ST',
      '--role',
      'monitor',
      '--site',
      'A',
    );
    assert.equal(granted.code, 0, granted.stderr);
    const badRole = await runCli('user', 'grant', 'mo', '--study', 'ST', '--role', 'king');
    assert.equal(badRole.code, 2);
    const noStudy = await runCli('user', 'grant', 'mo', '--study', 'NOPE', '--role', 'monitor');
    assert.equal(noStudy.code, 1);
    assert.match(noStudy.stderr, /NOPE/);
    const revoked = await runCli(
      'user',
      'revoke',
      'mo',
      '--study',
      'ST',
      '--role',
      'monitor',
      '--site',
      'A',
      '--reason',
      'moved on',
    );
    assert.equal(revoked.code, 0, revoked.stderr);
    const disabled = await runCli('user', 'disable', 'mo', '--reason', 'left');
    assert.equal(disabled.code, 0, disabled.stderr);
    const listed = await runCli('user', 'list', '--json');
    const mo = JSON.parse(listed.stdout).find((a: { username: string }) => a.username === 'mo');
    assert.equal(mo.disabled, true);
    const events = await database().store.pool.query(
      "SELECT table_name, operation, actor_id FROM audit_event WHERE table_name IN ('app_user', 'role_assignment') AND (record_key LIKE 'mo' OR record_key LIKE 'ST/%') ORDER BY event_id",
    );
    assert.deepEqual(
      events.rows.map((e) => `${e.table_name} ${e.operation}`),
      ['app_user insert', 'role_assignment insert', 'role_assignment delete', 'app_user update'],
    );
    assert.ok(events.rows.every((e) => e.actor_id.startsWith('os:')));
  });

  test('a chosen password meets the policy of the environment; a bad setting is a usage error', async () => {
    const common = await runCliWithInput(
      '1qaz2wsx3edc4rfv\n',
      'user',
      'add',
      'pol',
      '--password-stdin',
    );
    assert.equal(common.code, 1);
    assert.match(common.stderr, /list of common passwords/);
    process.env.JIA_PASSWORD_MIN_LENGTH = '30';
    try {
      const short = await runCliWithInput(
        `${PASSWORD}\n`,
        'user',
        'add',
        'pol',
        '--password-stdin',
      );
      assert.equal(short.code, 1, 'shorter than the 30 the environment asks');
      assert.match(short.stderr, /24 characters; 30 to 256/);
    } finally {
      delete process.env.JIA_PASSWORD_MIN_LENGTH;
    }
    assert.equal(
      (await runCliWithInput(`${PASSWORD}\n`, 'user', 'add', 'pol', '--password-stdin')).code,
      0,
    );
    process.env.JIA_PASSWORD_MIN_LENGTH = '7';
    try {
      const bad = await runCliWithInput(`${PASSWORD}\n`, 'user', 'add', 'pol2', '--password-stdin');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /JIA_PASSWORD_MIN_LENGTH="7"/);
    } finally {
      delete process.env.JIA_PASSWORD_MIN_LENGTH;
    }
  });

  test('access-review as CSV and JSON; valid-until and second-factor-reset, audited', async () => {
    await seedStudy(database().store.pool, 'AR', []);
    assert.equal((await runCli('user', 'add', 'rita')).code, 0);
    assert.equal(
      (
        await runCli(
          'user',
          'grant',
          'rita',
          '--study',
          'AR',
          '--role',
          'monitor',
          '--actor',
          'Dr Admin',
        )
      ).code,
      0,
    );
    const csv = await runCli('access-review', '--study', 'AR');
    assert.equal(csv.code, 0, csv.stderr);
    const [head, row] = csv.stdout.split('\r\n');
    assert.match(
      head ?? '',
      /^username,displayName,role,site,grantValidUntil,grantValid,grantedBy,/,
    );
    assert.match(row ?? '', /^rita,rita,monitor,,,true,Dr Admin,os:/);
    const json = await runCli('access-review', '--study', 'AR', '--format', 'json');
    assert.equal(JSON.parse(json.stdout).rows[0].accountStatus, 'active');
    assert.equal((await runCli('access-review', '--study', 'AR', '--format', 'xml')).code, 2);
    assert.equal((await runCli('access-review', '--study', 'NOPE')).code, 1);

    const until = await runCli('user', 'valid-until', 'rita', '2020-01-31', '--reason', 'left');
    assert.equal(until.code, 0, until.stderr);
    const after = JSON.parse(
      (await runCli('access-review', '--study', 'AR', '--format', 'json')).stdout,
    );
    assert.equal(after.rows[0].accountStatus, 'expired');
    assert.equal(after.rows[0].accountValidUntil, '2020-01-31');
    assert.equal(
      (await runCli('user', 'valid-until', 'rita', '2020-02-30', '--reason', 'x')).code,
      1,
    );
    const none = await runCli('user', 'second-factor-reset', 'rita', '--reason', 'phone lost');
    assert.equal(none.code, 1, 'rita has no second factor');
    assert.match(none.stderr, /no second factor/);
  });
});
