/**
 * Issue 18 in Chromium against a real server with the demo study (browser-support.ts): the form
 * status grid shows a visit's forms complete; the monitor marks the visit verified on the source
 * data verification page, its values and progress show it, and the grid updates; the data
 * manager's transfer form on the subject page. Each page passes review(): heading, axe, 768 px.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type BrowserEnv,
  HOME_SITE,
  HOME_SUBJECT,
  PASSWORD,
  review,
  STUDY,
  signIn,
  startBrowserEnv,
} from './browser-support.js';

let env: BrowserEnv;
const VISIT = 'D01-BL';

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('mona', [['monitor', HOME_SITE]]);
  await env.server.addUser('dana', [['data_manager', null]]);
});
after(() => env?.close());

async function open(username: string, path: string, heading: string | RegExp): Promise<Page> {
  const page = await env.browser.newPage();
  await signIn(page, env.server, username, PASSWORD);
  await page.getByRole('heading', { name: 'Your studies' }).waitFor();
  await page.goto(`${env.server.url}/#/studies/${STUDY}${path}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  return page;
}

/** The visit's cell of the grid: its forms as "Core: complete" lines. */
async function gridCell(page: Page): Promise<string> {
  const cell = page.locator(`td[data-visit="${VISIT}"]`);
  await cell.waitFor();
  return (await cell.textContent()) ?? '';
}

test('a monitor marks a visit verified and the form status grid shows it', async () => {
  const page = await open('mona', '/forms', `Form status of study ${STUDY}`);
  assert.match(await gridCell(page), /done.*Core:\s*complete.*Lab:\s*complete/s);
  await review(page, 'form-status');

  await page.getByRole('link', { name: `← Study ${STUDY}` }).click();
  await page.getByRole('link', { name: 'Source data verification' }).click();
  await page.getByRole('heading', { name: 'Source data verification', level: 1 }).waitFor();
  await page.getByRole('heading', { name: /^Left to verify: \d+ values$/ }).waitFor();
  await review(page, 'sdv-study');

  await page.getByLabel('Subject', { exact: true }).selectOption({ value: HOME_SUBJECT });
  await page
    .getByRole('heading', { name: `Source data verification of subject ${HOME_SUBJECT}` })
    .waitFor();
  const visit = page.getByRole('region', { name: `Visit ${VISIT}`, exact: true });
  const heading = visit.getByRole('heading', { level: 3 });
  const [, before, total] =
    /: (\d+) of (\d+) verified/.exec((await heading.textContent()) ?? '') ?? [];
  assert.equal(before, '0');
  await visit.getByRole('button', { name: `Verify visit ${VISIT}` }).click();
  await visit
    .getByRole('heading', { name: `Visit ${VISIT}: ${total} of ${total} verified` })
    .waitFor();
  assert.equal(await visit.getByRole('button', { name: /^Verify/ }).count(), 0, 'nothing left');
  assert.match((await visit.textContent()) ?? '', /verified by Test mona/);
  await review(page, 'sdv-subject');

  await page.goto(`${env.server.url}/#/studies/${STUDY}/forms`);
  await page.getByRole('heading', { name: `Form status of study ${STUDY}`, level: 1 }).waitFor();
  assert.match(
    await gridCell(page),
    /Core:\s*verified.*Joints:\s*verified.*CHAQ:\s*verified.*Lab:\s*verified/s,
  );
  await page.close();
});

test("the data manager's transfer form on the subject page; a monitor has none", async () => {
  const page = await open('dana', `/subjects/${HOME_SUBJECT}`, `Subject ${HOME_SUBJECT}`);
  const site = page.getByRole('region', { name: 'Site' });
  await site.getByLabel('Transfer to site').waitFor();
  assert.equal(await site.getByRole('button', { name: 'Transfer subject' }).isDisabled(), true);
  await review(page, 'subject-transfer');
  await page.close();
  const monitor = await open('mona', `/subjects/${HOME_SUBJECT}`, `Subject ${HOME_SUBJECT}`);
  await monitor.getByRole('heading', { name: 'Timeline' }).waitFor();
  assert.equal(await monitor.getByLabel('Transfer to site').count(), 0);
  await monitor.close();
});
