/**
 * The access lifecycle through the real server and real PostgreSQL (docs/data-management.md,
 * "Accounts and access"): account and role expiry, suspension, the access review, the password
 * policy and its settings, the lockout period, the idle limit and its renewal, and the TOTP
 * second factor (enrolment, sign-in, replay, required per role, an administrator's reset).
 * Each rule on both sides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  base32Decode,
  DEFAULT_ACCESS_SETTINGS,
  DEFAULT_SESSION_POLICY,
  totpCode,
} from '@jia-trial/store';
import {
  ApiClient,
  HOME_SITE,
  PASSWORD,
  type Response,
  STUDY,
  startTestServer,
  type TestServer,
} from './test-support.js';

let server: TestServer;
let admin: ApiClient;

/** A short history and a quick lockout, so that both sides of each are tested fast. */
const SETTINGS = {
  password: { minLength: 16, historyCount: 2 },
  session: {
    ...DEFAULT_SESSION_POLICY,
    idleMinutes: 1,
    lockAfterFailures: 4,
    lockMinutes: 2,
    // Every test signs in from 127.0.0.1: the throttles stay out of the way of the lockout.
    maxFailuresPerUser: 50,
    maxFailuresPerAddress: 1000,
  },
  signOutWarningSeconds: 20,
} as const;

const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const users = (path = '') => `/api/v1/studies/${STUDY}/users${path}`;

function assertCode(response: Response, status: number, code: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body?.error?.code, code, JSON.stringify(response.body));
}

async function auditOf(table: string, key: string) {
  const events = await server.db.store.pool.query(
    `SELECT operation, actor, actor_id, reason, old_values, new_values FROM audit_event
      WHERE table_name = $1 AND record_key = $2 ORDER BY event_id`,
    [table, key],
  );
  return events.rows;
}

before(async () => {
  server = await startTestServer({
    accessSettings: { ...DEFAULT_ACCESS_SETTINGS, ...SETTINGS },
  });
  await server.addUser('ada', [['admin', null]]);
  admin = await server.client('ada');
});
after(() => server?.close());

describe('account expiry and suspension', () => {
  test('an account past its last day is refused with a clear message; its last day itself is not', async () => {
    await server.addUser('exa', [['nurse', HOME_SITE]]);
    const exa = await server.client('exa');
    const set = (validUntil: string | null) =>
      admin.request('PUT', users('/exa/validity'), { validUntil, reason: 'contract end' });
    assert.equal((await set(day(-1))).status, 204);
    assertCode(await exa.request('GET', '/api/v1/session'), 401, 'UNAUTHENTICATED');
    const refused = await new ApiClient(server.url).signIn('exa');
    assertCode(refused, 403, 'ACCOUNT_EXPIRED');
    assert.equal(refused.body.error.details.validUntil, day(-1));
    // A wrong password still learns nothing.
    assertCode(
      await new ApiClient(server.url).signIn('exa', 'not the password of exa'),
      401,
      'INVALID_CREDENTIALS',
    );
    assert.equal((await set(day(0))).status, 204);
    assert.equal((await new ApiClient(server.url).signIn('exa')).status, 200, 'valid today');
    assert.equal((await set(null)).status, 204);
    assert.equal((await new ApiClient(server.url).signIn('exa')).status, 200);
    const events = await auditOf('app_user', 'exa');
    assert.deepEqual(
      events.slice(1).map((e) => [e.operation, e.reason, e.new_values.valid_until, e.actor]),
      [
        ['update', 'contract end', day(-1), 'Test ada'],
        ['update', 'contract end', day(0), 'Test ada'],
        ['update', 'contract end', null, 'Test ada'],
      ],
    );
    assertCode(
      await admin.request('PUT', users('/exa/validity'), { validUntil: '2026-02-30', reason: 'x' }),
      422,
      'VALIDATION_FAILED',
    );
  });

  test('suspend ends the sessions and refuses sign-in; re-enable restores it; both audited', async () => {
    await server.addUser('sus', [['monitor', HOME_SITE]]);
    const sus = await server.client('sus');
    assertCode(await admin.request('POST', users('/sus/suspension'), {}), 422, 'VALIDATION_FAILED');
    assert.equal(
      (await admin.request('POST', users('/sus/suspension'), { reason: 'left the site' })).status,
      204,
    );
    assertCode(await sus.request('GET', '/api/v1/session'), 401, 'UNAUTHENTICATED');
    assertCode(await new ApiClient(server.url).signIn('sus'), 401, 'INVALID_CREDENTIALS');
    assert.equal(
      (await admin.request('DELETE', users('/sus/suspension'), { reason: 'back' })).status,
      204,
    );
    assert.equal((await new ApiClient(server.url).signIn('sus')).status, 200);
    const events = await auditOf('app_user', 'sus');
    assert.deepEqual(
      events.slice(1).map((e) => [e.reason, e.new_values.disabled, e.actor_id.startsWith('user:')]),
      [
        ['left the site', true, true],
        ['back', false, true],
      ],
    );
    // Not one's own account; not an account outside the study.
    assertCode(
      await admin.request('POST', users('/ada/suspension'), { reason: 'x' }),
      403,
      'FORBIDDEN',
    );
    await server.addUser('nowhere', []);
    assertCode(
      await admin.request('POST', users('/nowhere/suspension'), { reason: 'x' }),
      404,
      'NOT_FOUND',
    );
  });

  test('a role past its last day is ignored, with ROLE_EXPIRED where it was the only one', async () => {
    await server.addUser('rex', []);
    const grant = await admin.request('POST', users('/rex/roles'), {
      role: 'monitor',
      site: HOME_SITE,
      validUntil: day(-1),
    });
    assert.equal(grant.status, 204, JSON.stringify(grant.body));
    const rex = await server.client('rex');
    const session = await rex.request('GET', '/api/v1/session');
    assert.deepEqual(session.body.expiredRoles, [
      { studyId: STUDY, role: 'monitor', site: HOME_SITE, validUntil: day(-1) },
    ]);
    const refused = await rex.request('GET', `/api/v1/studies/${STUDY}/subjects`);
    assertCode(refused, 403, 'ROLE_EXPIRED');
    assert.match(refused.body.error.message, new RegExp(`monitor at ${HOME_SITE} on ${day(-1)}`));
    // A second, valid role: the expired one's permissions are not among its own.
    assert.equal(
      (await admin.request('POST', users('/rex/roles'), { role: 'dsmb', site: null })).status,
      204,
    );
    const withDsmb = await server.client('rex');
    assertCode(
      await withDsmb.request('GET', `/api/v1/studies/${STUDY}/subjects`),
      403,
      'FORBIDDEN',
    );
    // Extended to today: valid again (the last day is included).
    const extended = await admin.request('PUT', users('/rex/roles'), {
      role: 'monitor',
      site: HOME_SITE,
      validUntil: day(0),
      reason: 'extended for the close-out visit',
    });
    assert.equal(extended.status, 204, JSON.stringify(extended.body));
    assert.equal((await withDsmb.request('GET', `/api/v1/studies/${STUDY}/subjects`)).status, 200);
    assertCode(
      await admin.request('PUT', users('/rex/roles'), {
        role: 'nurse',
        site: HOME_SITE,
        validUntil: null,
        reason: 'x',
      }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('the access review', () => {
  test('who holds what where, granted by whom and when, until when, last sign-in; JSON and CSV', async () => {
    await server.addUser('dami', [['data_manager', null]]);
    await server.addUser('rev', []);
    await admin.request('POST', users('/rev/roles'), {
      role: 'nurse',
      site: HOME_SITE,
      validUntil: day(30),
    });
    await server.client('rev');
    const dami = await server.client('dami');
    const review = await dami.request('GET', `/api/v1/studies/${STUDY}/access-review`);
    assert.equal(review.status, 200, JSON.stringify(review.body));
    const rev = review.body.rows.find((r: { username: string }) => r.username === 'rev');
    assert.equal(rev.role, 'nurse');
    assert.equal(rev.site, HOME_SITE);
    assert.equal(rev.grantValidUntil, day(30));
    assert.equal(rev.grantValid, true);
    assert.equal(rev.grantedBy, 'Test ada');
    assert.match(rev.grantedById, /^user:\d+$/);
    assert.match(rev.grantedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.match(rev.lastSignInAt, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(rev.accountStatus, 'active');
    const setup = review.body.rows.find((r: { username: string }) => r.username === 'dami');
    assert.equal(setup.grantedBy, 'test setup');
    const csv = await dami.request('GET', `/api/v1/studies/${STUDY}/access-review?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(
      csv.headers.get('content-disposition') ?? '',
      /attachment; filename="access-review-/,
    );
    const lines = (csv.body as string).trimEnd().split('\r\n');
    assert.equal(lines[0]?.split(',')[0], 'username');
    assert.equal(lines.length, review.body.rows.length + 1);
    assert.ok(
      lines.some((l) => l.startsWith(`rev,Test rev,nurse,${HOME_SITE},${day(30)},true,Test ada,`)),
    );
    // A monitor does not review access.
    await server.addUser('moni', [['monitor', HOME_SITE]]);
    const moni = await server.client('moni');
    assertCode(
      await moni.request('GET', `/api/v1/studies/${STUDY}/access-review`),
      403,
      'FORBIDDEN',
    );
  });
});

describe('password policy and its settings', () => {
  const change = (client: ApiClient, currentPassword: string, newPassword: string) =>
    client.request('PUT', '/api/v1/session/password', { currentPassword, newPassword });

  test('the shortest length is the setting: one character less refused, the length itself accepted', async () => {
    await server.addUser('len', [['nurse', HOME_SITE]]);
    const len = await server.client('len');
    const session = await len.request('GET', '/api/v1/session');
    assert.equal(session.body.settings.passwordMinLength, 16);
    const short = await change(len, PASSWORD, 'fifteen letters');
    assertCode(short, 422, 'VALIDATION_FAILED');
    assert.equal(short.body.error.issues[0].path, 'newPassword');
    assert.match(short.body.error.issues[0].message, /has 15 characters; 16 to 256/);
    assert.equal((await change(len, PASSWORD, 'sixteen letters!')).status, 200);
  });

  test('a common password and one built on the username are refused; a passphrase is not', async () => {
    await server.addUser('com', [['nurse', HOME_SITE]]);
    const com = await server.client('com');
    const common = await change(com, PASSWORD, '12345678900987654321');
    assertCode(common, 422, 'VALIDATION_FAILED');
    assert.match(common.body.error.issues[0].message, /list of common passwords/);
    const mixedCase = await change(com, PASSWORD, 'PasswordPassword');
    assert.match(mixedCase.body.error.issues[0].message, /list of common passwords/);
    const named = await change(com, PASSWORD, 'com-com-com-com!');
    assert.match(
      named.body.error.issues.map((i: { message: string }) => i.message).join(),
      /built on "com"/,
    );
    assert.equal((await change(com, PASSWORD, 'a kettle of herons at dawn')).status, 200);
  });

  test('none of the last N passwords (N = 2 here): refused while in the history, accepted after', async () => {
    await server.addUser('his', [['nurse', HOME_SITE]]);
    const his = await server.client('his');
    const second = 'second passphrase of his';
    const third = 'third passphrase of his';
    assert.equal((await change(his, PASSWORD, second)).status, 200);
    const back = await change(his, second, PASSWORD);
    assertCode(back, 422, 'VALIDATION_FAILED');
    assert.match(back.body.error.issues[0].message, /one of the last 2 passwords/);
    assert.equal((await change(his, second, third)).status, 200);
    // PASSWORD is now the third newest: out of a history of two.
    assert.equal((await change(his, third, PASSWORD)).status, 200);
    const kept = await server.db.store.pool.query(
      "SELECT password_hash FROM password_history h JOIN app_user u ON u.row_id = h.user_id WHERE u.username = 'his'",
    );
    assert.ok(
      kept.rows.every((r) => r.password_hash.startsWith('$argon2id$')),
      'hashes only',
    );
  });

  test('the lockout after failures and its period are the settings (4 failures, 2 minutes)', async () => {
    await server.addUser('loc', [['nurse', HOME_SITE]]);
    for (let i = 0; i < 3; i++)
      assertCode(
        await new ApiClient(server.url).signIn('loc', 'wrong'),
        401,
        'INVALID_CREDENTIALS',
      );
    assert.equal(
      (await server.client('loc')) instanceof ApiClient,
      true,
      'three failures: not locked',
    );
    for (let i = 0; i < 4; i++) await new ApiClient(server.url).signIn('loc', 'wrong');
    const locked = await new ApiClient(server.url).signIn('loc');
    assertCode(locked, 429, 'TOO_MANY_ATTEMPTS');
    const wait = Number(locked.headers.get('retry-after'));
    assert.ok(wait > 60 && wait <= 120, `locked for the setting's 2 minutes, not 30: ${wait} s`);
  });
});

describe('sessions: the idle limit, its header and renewal', () => {
  test('the idle end is sent with every answer; renewal moves it; past the limit the session ends', async () => {
    await server.addUser('idl', [['nurse', HOME_SITE]]);
    const idl = await server.client('idl');
    const read = await idl.request('GET', '/api/v1/session');
    assert.equal(read.body.settings.idleTimeoutSeconds, 60);
    assert.equal(read.body.settings.signOutWarningSeconds, 20);
    const header = read.headers.get('x-session-idle-ends-at');
    assert.equal(header, read.body.idleEndsAt);
    const setLastSeen = (seconds: number) =>
      server.db.store.pool.query(
        `UPDATE user_session s SET last_seen_at = now() - make_interval(secs => $1)
           FROM app_user u WHERE u.row_id = s.user_id AND u.username = 'idl'`,
        [seconds],
      );
    await setLastSeen(50);
    const renewed = await idl.request('POST', '/api/v1/session/renewal');
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    const left = Date.parse(renewed.body.idleEndsAt) - Date.now();
    assert.ok(left > 55_000 && left <= 60_000, `renewed to a full minute: ${left} ms`);
    await setLastSeen(61);
    assertCode(await idl.request('POST', '/api/v1/session/renewal'), 401, 'UNAUTHENTICATED');
  });
});

describe('second factor (TOTP)', () => {
  /** Enrols `client`'s account; returns its secret. */
  async function enrol(client: ApiClient): Promise<Uint8Array> {
    assertCode(
      await client.request('POST', '/api/v1/session/second-factor', { password: 'wrong one' }),
      401,
      'INVALID_CREDENTIALS',
    );
    const started = await client.request('POST', '/api/v1/session/second-factor', {
      password: PASSWORD,
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.match(
      started.body.otpauthUri,
      /^otpauth:\/\/totp\/jia-trial:[a-z]+\?secret=[A-Z2-7]{32}&/,
    );
    const secret = base32Decode(started.body.secret) as Uint8Array;
    const now = Date.now() / 1000;
    const wrong = String((Number(totpCode(secret, now)) + 1) % 1_000_000).padStart(6, '0');
    assertCode(
      await client.request('PUT', '/api/v1/session/second-factor', { code: wrong }),
      401,
      'ONE_TIME_CODE_INVALID',
    );
    const confirmed = await client.request('PUT', '/api/v1/session/second-factor', {
      code: totpCode(secret, now),
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.user.secondFactor, 'totp');
    return secret;
  }

  test('enrol, then sign in with a code: none asked for it, a wrong one refused, a used one refused', async () => {
    await server.addUser('tot', [['nurse', HOME_SITE]]);
    const secret = await enrol(await server.client('tot'));
    const events = await auditOf('app_user', 'tot');
    const last = events.at(-1);
    assert.equal(last?.reason, 'second factor enrolled by its user');
    assert.equal(last?.new_values.second_factor, 'totp');
    assert.doesNotMatch(JSON.stringify(events), /totp_secret|secret/, 'no secret in the trail');

    assertCode(await new ApiClient(server.url).signIn('tot'), 401, 'ONE_TIME_CODE_REQUIRED');
    const withCode = (code: string, password = PASSWORD) =>
      new ApiClient(server.url).request('POST', '/api/v1/session', {
        username: 'tot',
        password,
        oneTimeCode: code,
      });
    // The next step's code: the enrolment used the current one.
    const next = totpCode(secret, Date.now() / 1000 + 30);
    assertCode(await withCode(next, 'a wrong password here'), 401, 'INVALID_CREDENTIALS');
    assertCode(
      await withCode(next === '000000' ? '000001' : '000000'),
      401,
      'ONE_TIME_CODE_INVALID',
    );
    const signed = await withCode(next);
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.body.user.secondFactor, 'totp');
    assertCode(await withCode(next), 401, 'ONE_TIME_CODE_INVALID');
    const log = await server.db.store.pool.query(
      "SELECT outcome FROM sign_in_attempt WHERE username = 'tot' ORDER BY attempt_id",
    );
    assert.deepEqual(
      log.rows.map((r) => r.outcome),
      ['success', 'code_required', 'invalid', 'code_invalid', 'success', 'code_invalid'],
    );
  });

  test('required per role: a holder without one enrols before anything else; another role does not', async () => {
    await server.addUser('mfa', [['monitor', HOME_SITE]]);
    await server.addUser('nof', [['nurse', HOME_SITE]]);
    const policy = await admin.request('PUT', `/api/v1/studies/${STUDY}/access-policy`, {
      secondFactorRoles: ['monitor'],
      reason: 'monitors read every site',
    });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
    assert.deepEqual(policy.body.secondFactorRoles, ['monitor']);
    const mfa = await server.client('mfa');
    const session = await mfa.request('GET', '/api/v1/session');
    assert.equal(session.body.user.mustEnrolSecondFactor, true);
    assertCode(
      await mfa.request('GET', `/api/v1/studies/${STUDY}/subjects`),
      403,
      'SECOND_FACTOR_ENROLMENT_REQUIRED',
    );
    await enrol(mfa);
    assert.equal((await mfa.request('GET', `/api/v1/studies/${STUDY}/subjects`)).status, 200);
    const nof = await server.client('nof');
    assert.equal(
      (await nof.request('GET', '/api/v1/session')).body.user.mustEnrolSecondFactor,
      false,
    );
    assert.equal((await nof.request('GET', `/api/v1/studies/${STUDY}/subjects`)).status, 200);
    const events = await auditOf('study_access_policy', STUDY);
    assert.equal(events[0]?.operation, 'insert');
    await admin.request('PUT', `/api/v1/studies/${STUDY}/access-policy`, {
      secondFactorRoles: [],
      reason: 'test done',
    });
  });

  test('an administrator resets a lost second factor (audited); there is none to reset after', async () => {
    await server.addUser('los', [['nurse', HOME_SITE]]);
    await enrol(await server.client('los'));
    assertCode(await new ApiClient(server.url).signIn('los'), 401, 'ONE_TIME_CODE_REQUIRED');
    const reset = await admin.request('DELETE', users('/los/second-factor'), {
      reason: 'phone lost',
    });
    assert.equal(reset.status, 204, JSON.stringify(reset.body));
    assert.equal((await new ApiClient(server.url).signIn('los')).status, 200);
    const last = (await auditOf('app_user', 'los')).at(-1);
    assert.deepEqual([last?.reason, last?.new_values.second_factor], ['phone lost', 'none']);
    assertCode(
      await admin.request('DELETE', users('/los/second-factor'), { reason: 'again' }),
      404,
      'NOT_FOUND',
    );
  });
});
