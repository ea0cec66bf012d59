/**
 * Access in Chromium against a real server (browser-support.ts): a monitor whose role requires a
 * second factor is led to enrol an authenticator app, then signs in with its code; the
 * administrator's accounts-and-access page and its review; and the warning before the idle
 * sign-out, on a server whose idle time and warning are set short (docs/server.md, "Access
 * settings"), with "Stay signed in" and the sign-out when the time runs out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { base32Decode, DEFAULT_ACCESS_SETTINGS, totpCode } from '@jia-trial/store';
import { startTestServer, type TestServer } from '../../server/src/test-support.js';
import {
  type BrowserEnv,
  HOME_SITE,
  PASSWORD,
  review,
  STUDY,
  signIn,
  startBrowserEnv,
} from './browser-support.js';

let env: BrowserEnv;
/** A second server: sessions end after 1 minute unused, with the warning 55 s before. */
let quick: TestServer;

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('adam', [['admin', null]]);
  await env.server.addUser('mina', [['monitor', HOME_SITE]]);
  quick = await startTestServer({
    accessSettings: {
      ...DEFAULT_ACCESS_SETTINGS,
      session: { ...DEFAULT_ACCESS_SETTINGS.session, idleMinutes: 1 },
      signOutWarningSeconds: 55,
    },
  });
  await quick.addUser('ivo', [['investigator', HOME_SITE]]);
});
after(async () => {
  await quick?.close();
  await env?.close();
});

describe('access', () => {
  test('a role that requires a second factor: enrol at sign-in, then sign in with the code', async () => {
    const adam = await env.server.client('adam');
    const rule = await adam.request('PUT', `/api/v1/studies/${STUDY}/access-policy`, {
      secondFactorRoles: ['monitor'],
      reason: 'monitors see every subject of their sites',
    });
    assert.equal(rule.status, 200, JSON.stringify(rule.body));

    const page = await env.browser.newPage();
    await signIn(page, env.server, 'mina', PASSWORD);
    await page
      .getByRole('heading', { name: 'Second factor: an authenticator app', level: 1 })
      .waitFor();
    await page.getByLabel('Your password (to set up the app)').fill(PASSWORD);
    await page.getByRole('button', { name: 'Show a new key' }).click();
    const key = await page.getByLabel(/^Key/).inputValue();
    assert.match(key, /^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/, 'a 160-bit key, in groups of four');
    assert.match(
      (await page.getByRole('link', { name: 'this link' }).getAttribute('href')) ?? '',
      /^otpauth:\/\/totp\/jia-trial:mina\?secret=/,
    );
    await review(page, 'second-factor-enrol');
    const secret = base32Decode(key) as Uint8Array;
    await page.getByLabel('The code the app shows now').fill(totpCode(secret, Date.now() / 1000));
    await page.getByRole('button', { name: 'Confirm the app' }).click();
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Signing in again asks for the code once the password is right.
    await signIn(page, env.server, 'mina', PASSWORD);
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    await code.fill('000000' === totpCode(secret, Date.now() / 1000 + 30) ? '000001' : '000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/the code is wrong/)
      .waitFor();
    await review(page, 'sign-in-code');
    // The next step's code: the enrolment used the current one, and a code is good once.
    await code.fill(totpCode(secret, Date.now() / 1000 + 30));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await page.close();
  });

  test("the administrator's accounts and access: members, the rule, the review", async () => {
    const page = await env.browser.newPage();
    await signIn(page, env.server, 'adam', PASSWORD);
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await page.goto(`${env.server.url}/#/studies/${STUDY}`);
    await page.getByRole('link', { name: 'Accounts and access' }).click();
    await page.getByRole('heading', { name: 'Accounts and access', level: 1 }).waitFor();
    const reviewTable = page.getByRole('table', { name: 'Access review' });
    await reviewTable.getByText('Test mina (mina)').waitFor();
    assert.match(
      (await reviewTable.getByRole('row', { name: /Test mina/ }).textContent()) ?? '',
      /Monitor.*no end.*test setup.*active.*yes/i,
    );
    assert.equal(
      await page.getByRole('checkbox', { name: /Monitor/ }).isChecked(),
      true,
      'the rule as set',
    );
    // A select's name is its label's text with the option chosen.
    await page.getByRole('combobox', { name: /^Account/ }).selectOption('mina');
    await page.getByRole('combobox', { name: /^Change/ }).selectOption('second-factor');
    await page.getByLabel('Reason (kept in the audit trail)').fill('phone lost');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').getByText('Done: mina.').waitFor();
    await review(page, 'access');
    await page.close();
  });

  test('the warning before the idle sign-out: stay signed in, then signed out when time runs out', async () => {
    const page = await env.browser.newPage();
    await signIn(page, quick, 'ivo', PASSWORD);
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    const dialog = page.getByRole('dialog', { name: 'You will be signed out soon' });
    // 60 s idle, warned 55 s before: about 5 s after the last answer.
    await dialog.waitFor({ timeout: 15_000 });
    assert.match((await dialog.textContent()) ?? '', /in \d+ seconds/);
    await review(page, 'sign-out-warning');
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The session's last use set 50 s back on the server, then the page read again: its
    // answers say about 10 s remain, and the page signs out by itself when they have passed.
    await quick.db.store.pool.query(
      "UPDATE user_session SET last_seen_at = now() - interval '50 seconds'",
    );
    await page.goto(`${quick.url}/#/studies/${STUDY}`);
    await dialog.waitFor({ timeout: 15_000 });
    await page.getByText(/You were signed out after 1 minute\(s\) without activity/).waitFor({
      timeout: 25_000,
    });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.close();
  });
});
