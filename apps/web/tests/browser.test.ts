/**
 * The browser application in Chromium against a real server (browser-support.ts): sign-in,
 * the forced password change, sign-out, the study's subjects by site, and how the server serves
 * the application.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, withTransaction } from '@jia-trial/store';
import {
  type BrowserEnv,
  HOME_SITE,
  HOME_SUBJECT,
  OTHER_SUBJECT,
  PASSWORD,
  review,
  STUDY,
  signIn as signInAs,
  startBrowserEnv,
} from './browser-support.js';

let env: BrowserEnv;

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('nina', [['nurse', HOME_SITE]]);
  await env.server.addUser('ivy', [['investigator', HOME_SITE]]);
});
after(() => env?.close());

const signIn = (page: Parameters<typeof signInAs>[0], username: string, password: string) =>
  signInAs(page, env.server, username, password);

describe('the browser application', () => {
  test('sign-in: a wrong password is told in words, beside the form', async () => {
    const page = await env.browser.newPage();
    await page.goto(env.server.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await review(page, 'sign-in');
    await page.getByLabel('Username').fill('nina');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /the username or the password is wrong/);
    await page.close();
  });

  test('a nurse sees the study and the subjects of her site only', async () => {
    const page = await env.browser.newPage();
    await signIn(page, 'nina', PASSWORD);
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await review(page, 'studies');
    await page.getByRole('link', { name: STUDY }).click();
    await page.getByRole('heading', { name: `Study ${STUDY}` }).waitFor();
    const subjects = page.getByRole('table', { name: 'Subjects of the study' });
    await subjects.getByRole('rowheader', { name: HOME_SUBJECT }).waitFor();
    assert.equal(await subjects.getByRole('rowheader', { name: OTHER_SUBJECT }).count(), 0);
    await review(page, 'study');
    // A reload keeps the page: the session is the cookie, the page the location.
    await page.reload();
    await page.getByRole('heading', { name: `Study ${STUDY}` }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  test('a serious AE shows on the dashboard as SAE_REPORT_DUE, before the other alerts', async () => {
    const ivy = await env.server.client('ivy');
    const recorded = await ivy.request('POST', `/api/v1/studies/${STUDY}/adverse-events`, {
      subjectId: HOME_SUBJECT,
      aeId: 'AE-dashboard',
      term: 'Pneumonia',
      onsetDate: '2017-12-29',
      awarenessDate: '2017-12-30',
      grade: 3,
      serious: true,
      seriousnessCriteria: ['hospitalisation'],
      related: 'possible',
      outcome: 'recovering',
    });
    assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    const page = await env.browser.newPage();
    await signIn(page, 'ivy', PASSWORD);
    await page.goto(`${env.server.url}/#/studies/${STUDY}`);
    const alerts = page
      .getByRole('region', { name: /^Alerts/ })
      .getByRole('table')
      .first()
      .locator('tbody tr');
    await alerts.first().waitFor();
    assert.match((await alerts.first().textContent()) ?? '', /SAE_REPORT_DUE.*AE-dashboard/);
    await page.getByRole('heading', { name: /^Visits due/ }).waitFor();
    await review(page, 'dashboard');
    await page.close();
  });

  test('an investigator enrols a subject at her site and finds it in the study', async () => {
    const page = await env.browser.newPage();
    await signIn(page, 'ivy', PASSWORD);
    await page.goto(`${env.server.url}/#/studies/${STUDY}`);
    const form = page.getByRole('form', { name: 'Enrol a subject' });
    await form.getByLabel(/^Subject code/).fill('D99');
    await form.getByLabel('Sex').selectOption({ index: 1 });
    await form.getByLabel(/^Birth date/).fill('2011-04');
    await form.getByLabel('JIA category (ILAR)').selectOption('systemic');
    await form.getByLabel('Date of JIA diagnosis').fill('2016-02-01');
    await form.getByLabel(/^Date of enrolment/).fill('2017-12-01');
    await form.getByRole('button', { name: 'Enrol' }).click();
    await form.getByRole('status').getByRole('link', { name: 'D99' }).waitFor();
    const subjects = page.getByRole('table', { name: 'Subjects of the study' });
    await subjects.getByRole('rowheader', { name: 'D99' }).waitFor();
    // The category in words, as the dictionary's code list names it, not its code.
    const row = subjects
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'D99' }) });
    assert.match((await row.textContent()) ?? '', /Systemic arthritis/);
    assert.doesNotMatch((await row.textContent()) ?? '', /systemic\b/);
    // A second enrolment under the same code is refused in words, the form kept.
    await form.getByLabel(/^Subject code/).fill('D99');
    await form.getByLabel(/^Birth date/).fill('2011-04');
    await form.getByLabel('Date of JIA diagnosis').fill('2016-02-01');
    await form.getByLabel('JIA category (ILAR)').selectOption('systemic');
    await form.getByLabel('Sex').selectOption({ index: 1 });
    await form.getByRole('button', { name: 'Enrol' }).click();
    await form.getByRole('alert').first().waitFor();
    assert.equal(await form.getByLabel(/^Subject code/).inputValue(), 'D99');
    await review(page, 'enrol');
    await page.close();
  });

  test('a one-time password must be changed before anything else', async () => {
    await withTransaction(env.server.db.store, { id: 'test:setup', name: 'setup' }, 'test', (tx) =>
      createUser(tx, {
        username: 'otto',
        displayName: 'Otto Once',
        password: 'a one-time password',
        mustChangePassword: true,
      }),
    );
    const page = await env.browser.newPage();
    await signIn(page, 'otto', 'a one-time password');
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await review(page, 'change-password');
    await page.getByLabel('One-time password').fill('a one-time password');
    await page.getByLabel('New password', { exact: true }).fill('otto chose this one');
    await page.getByLabel('New password again').fill('otto chose this one');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await page.getByText('You hold no role in any study yet').waitFor();
    await page.close();
  });

  test('the server serves the application at / and its pages, and keeps the API its own 404', async () => {
    const home = await fetch(env.server.url);
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await home.text(), /<div id="root">/);
    const deep = await fetch(`${env.server.url}/studies/${STUDY}`);
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api = await fetch(`${env.server.url}/api/v1/no-such-route`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });
});
