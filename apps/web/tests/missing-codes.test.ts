/**
 * Missing-data codes in the browser (ADR 0040), in Chromium against a real server: a nurse
 * leaves the ESR blank and picks "not done" beside it; the live scores say the ESR is
 * "missing (not done)"; the visit is saved with the code, read back through the API, and shown
 * with it after a reload; a monitor sees the reason read-only. Typing a value drops the code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
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
const SUBJECT = 'D01';
const VISIT = 'D01-MISSING';

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('nell', [['nurse', HOME_SITE]]);
  await env.server.addUser('moe', [['monitor', HOME_SITE]]);
});
after(() => env?.close());

const whyEmpty = (page: Page, key: string) => page.locator(`[data-why-empty="${key}"]`);
const scoreWhy = (page: Page, id: string) =>
  page.locator(`[data-score="${id}"] .score-why`).textContent();

describe('missing-data codes on the visit form', () => {
  test('pick "not done" for a blank ESR, see it in the scores, save, read it back', async () => {
    const page = await env.browser.newPage();
    await signIn(page, env.server, 'nell', PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${SUBJECT}/visits/new`);
    await page.getByRole('heading', { name: `New visit of ${SUBJECT}` }).waitFor();
    await page.getByLabel('Visit identifier').fill(VISIT);
    await page.getByLabel('Visit date (YYYY-MM-DD)').fill('2017-08-01');
    await page.getByLabel(/^Physician's global assessment/).fill('2');
    await page.getByLabel(/^Parent's or patient's global/).fill('3');

    // The choice is beside the blank field, and goes when a value is typed.
    await page.getByLabel(/^Erythrocyte sedimentation rate/).fill('30');
    assert.equal(await whyEmpty(page, 'esrMissing').count(), 0, 'no choice beside a value');
    await page.getByLabel(/^Erythrocyte sedimentation rate/).fill('');
    await whyEmpty(page, 'esrMissing').selectOption('ND');
    assert.match(
      (await scoreWhy(page, 'inactive-disease')) ?? '',
      /ESR or CRP: missing \(not done\)/,
    );
    await review(page, 'visit-missing-codes');

    await page.getByRole('button', { name: 'Save visit' }).click();
    await page.getByRole('heading', { name: `Visit ${VISIT} of ${SUBJECT} (version 1)` }).waitFor();
    const api = await env.server.client('nell');
    const subject = (await api.request('GET', `/api/v1/studies/${STUDY}/subjects/${SUBJECT}`)).body;
    const saved = subject.visits.find(
      (v: { record: { visitId: string } }) => v.record.visitId === VISIT,
    );
    assert.equal(saved.record.esrMissing, 'ND');
    assert.equal(saved.record.esr, null);
    assert.equal(saved.record.crpMissing, null, 'a field left blank without a reason has none');

    await page.reload();
    await page.getByRole('heading', { name: `Visit ${VISIT} of ${SUBJECT} (version 1)` }).waitFor();
    assert.equal(await whyEmpty(page, 'esrMissing').inputValue(), 'ND');
    await page.close();
  });

  test('a monitor sees the reason, read-only', async () => {
    const page = await env.browser.newPage();
    await signIn(page, env.server, 'moe', PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${SUBJECT}/visits/${VISIT}`);
    await page.getByRole('heading', { name: `Visit ${VISIT} of ${SUBJECT} (version 1)` }).waitFor();
    const choice = whyEmpty(page, 'esrMissing');
    assert.equal(await choice.inputValue(), 'ND');
    assert.equal(await choice.isDisabled(), true);
    assert.equal(await choice.locator('option:checked').textContent(), 'not done');
    await review(page, 'visit-missing-codes-read-only');
    await page.close();
  });
});
