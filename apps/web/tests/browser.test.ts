/**
 * The browser application in Chromium (Debian's, driven by playwright-core), against a real
 * server on real PostgreSQL with the demo study (docs/web.md, "Tests"). Every page visited is
 * checked with axe-core (no serious or critical WCAG 2.1 A/AA violation) and photographed at
 * 1280 and 768 px into test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { createUser, withTransaction } from '@jia-trial/store';
import { type Browser, chromium, type Page } from 'playwright-core';
import {
  HOME_SITE,
  HOME_SUBJECT,
  OTHER_SUBJECT,
  PASSWORD,
  STUDY,
  startTestServer,
  type TestServer,
} from '../../server/src/test-support.js';

const CHROMIUM = process.env.JIA_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = new URL('../../../test-artifacts/screenshots/', import.meta.url);
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server: TestServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  server = await startTestServer();
  await server.addUser('nina', [['nurse', HOME_SITE]]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  await mkdir(SCREENSHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Serious and critical WCAG 2.1 A/AA violations on the page, as "rule: target" lines. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as {
      violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }>;
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.targets.join(', ')}`);
}

/** Checks the page with axe and saves it at 1280 and 768 px as `<name>-<width>.png`. */
async function review(page: Page, name: string): Promise<void> {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility of ${name}`);
  for (const width of [1280, 768]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({
      path: new URL(`${name}-${width}.png`, SCREENSHOTS).pathname,
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the browser application', () => {
  test('sign-in: a wrong password is told in words, beside the form', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
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
    const page = await browser.newPage();
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

  test('a one-time password must be changed before anything else', async () => {
    await withTransaction(server.db.store, { id: 'test:setup', name: 'setup' }, 'test', (tx) =>
      createUser(tx, {
        username: 'otto',
        displayName: 'Otto Once',
        password: 'a one-time password',
        mustChangePassword: true,
      }),
    );
    const page = await browser.newPage();
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
    const home = await fetch(server.url);
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await home.text(), /<div id="root">/);
    const deep = await fetch(`${server.url}/studies/${STUDY}`);
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api = await fetch(`${server.url}/api/v1/no-such-route`);
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });
});
