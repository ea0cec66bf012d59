/**
 * The password policy and the access settings without a database: each rule and each setting's
 * range on both sides (the server's use of them: apps/server/src/access-lifecycle.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JiaError } from '@jia-trial/errors';
import { accessSettingsFromEnv, DEFAULT_ACCESS_SETTINGS } from './access-settings.js';
import { isCommonPassword, passwordProblems } from './password-policy.js';

const policy = { minLength: 15, historyCount: 4 };
const messages = (password: string, username?: string) =>
  passwordProblems(password, policy, { username }).map((p) => p.message);

describe('password policy', () => {
  test('length: 14 characters refused, 15 accepted, counted in code points', () => {
    assert.match(messages('abcdefghijklmn')[0] ?? '', /14 characters; 15 to 256/);
    assert.deepEqual(messages('abcdefghijklmno'), []);
    // 15 code points, 16 UTF-16 units: accepted as 15.
    assert.deepEqual(messages('𝄞bcdefghijklmno'), []);
    assert.match(messages('x'.repeat(257))[0] ?? '', /257 characters/);
  });

  test('the shipped list: its entries refused in any case, a passphrase not', () => {
    assert.equal(isCommonPassword('qazwsxedcrfvtgb'), true);
    assert.equal(isCommonPassword('QazWsxEdcRfvTgb'), true);
    assert.match(messages('qazwsxedcrfvtgb').join(), /common passwords/);
    assert.equal(isCommonPassword('a kettle of herons at dawn'), false);
  });

  test('built on the username: 7 characters left refused, 8 accepted', () => {
    assert.match(messages('annabel-annabel-12345', 'annabel').join(), /built on "annabel"/);
    assert.deepEqual(messages('annabel-annabel-123456', 'annabel'), []);
    assert.match(messages('jia-trial-jia-trial!', 'x').join(), /built on "jia-trial"/);
  });

  test('one character repeated is refused', () => {
    assert.match(messages('zzzzzzzzzzzzzzzzz').join(), /repeats one character/);
  });
});

describe('access settings from the environment', () => {
  test('unset: the defaults', () => {
    assert.deepEqual(accessSettingsFromEnv({}), DEFAULT_ACCESS_SETTINGS);
  });

  test('each setting at both ends of its range; past them a usage error naming it', () => {
    const cases: ReadonlyArray<readonly [string, number, number]> = [
      ['JIA_PASSWORD_MIN_LENGTH', 8, 64],
      ['JIA_PASSWORD_HISTORY', 0, 24],
      ['JIA_LOCKOUT_AFTER_FAILURES', 1, 100],
      ['JIA_LOCKOUT_MINUTES', 1, 1440],
      ['JIA_SESSION_IDLE_MINUTES', 1, 720],
    ];
    for (const [name, min, max] of cases) {
      for (const ok of [min, max])
        assert.doesNotThrow(() => accessSettingsFromEnv({ [name]: String(ok) }), `${name}=${ok}`);
      for (const bad of [String(min - 1), String(max + 1), '1.5', 'ten'])
        assert.throws(
          () => accessSettingsFromEnv({ [name]: bad }),
          (e: unknown) =>
            e instanceof JiaError && e.code === 'USAGE_ERROR' && e.message.startsWith(name),
          `${name}=${bad}`,
        );
    }
  });

  test('the warning is shorter than the idle time: 59 s of 60 accepted, 60 refused', () => {
    const settings = accessSettingsFromEnv({
      JIA_SESSION_IDLE_MINUTES: '1',
      JIA_SIGN_OUT_WARNING_SECONDS: '59',
    });
    assert.equal(settings.signOutWarningSeconds, 59);
    assert.equal(settings.session.idleMinutes, 1);
    assert.throws(
      () =>
        accessSettingsFromEnv({
          JIA_SESSION_IDLE_MINUTES: '1',
          JIA_SIGN_OUT_WARNING_SECONDS: '60',
        }),
      /JIA_SIGN_OUT_WARNING_SECONDS/,
    );
    // Unset, with a short idle time: the default warning shrinks to fit.
    assert.equal(
      accessSettingsFromEnv({ JIA_SESSION_IDLE_MINUTES: '1' }).signOutWarningSeconds,
      50,
    );
  });

  test('the values reach the policies', () => {
    const s = accessSettingsFromEnv({
      JIA_PASSWORD_MIN_LENGTH: '20',
      JIA_PASSWORD_HISTORY: '6',
      JIA_LOCKOUT_AFTER_FAILURES: '5',
      JIA_LOCKOUT_MINUTES: '45',
    });
    assert.deepEqual(s.password, { minLength: 20, historyCount: 6 });
    assert.equal(s.session.lockAfterFailures, 5);
    assert.equal(s.session.lockMinutes, 45);
  });
});
