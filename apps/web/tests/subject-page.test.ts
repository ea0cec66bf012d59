/**
 * The subject page in Chromium against a real server with the demo study (browser-support.ts):
 * D01's visits, infusions, trends and the engine's retreatment reasons; acknowledging an alert;
 * D02's MAS alert first on the day it was raised; what a monitor may not do (no "New visit", no
 * "Acknowledge"); a subject of another site is not found; signatures and queries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  type BrowserEnv,
  HOME_SITE,
  HOME_SUBJECT,
  OTHER_SUBJECT,
  PASSWORD,
  review,
  STUDY,
  signIn,
  startBrowserEnv,
} from './browser-support.js';

let env: BrowserEnv;

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('ivan', [['investigator', HOME_SITE]]);
  await env.server.addUser('nora', [['nurse', HOME_SITE]]);
  await env.server.addUser('mona', [['monitor', HOME_SITE]]);
});
after(() => env?.close());

/** Signs in and opens a subject's page by its location. */
async function openSubject(username: string, subjectId: string): Promise<Page> {
  const page = await env.browser.newPage();
  await signIn(page, env.server, username, PASSWORD);
  await page.getByRole('heading', { name: 'Your studies' }).waitFor();
  await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${subjectId}`);
  await page.getByRole('heading', { name: `Subject ${subjectId}`, level: 1 }).waitFor();
  return page;
}

describe('the subject page', () => {
  test("an investigator sees D01's visits, infusions, trends and why no repeat infusion today", async () => {
    const page = await openSubject('ivan', HOME_SUBJECT);
    await page.getByRole('heading', { name: /^Status on 2017-12-31$/ }).waitFor();
    const facts = await page.locator('.subject-facts').textContent();
    assert.match(facts ?? '', /UMCU/);
    assert.match(facts ?? '', /2015-05-18/);
    assert.match(facts ?? '', /in follow up/);
    await page.getByRole('link', { name: 'New visit' }).waitFor();

    const timeline = page.locator('ol.timeline');
    for (const visit of ['D01-BL', 'D01-W8', 'D01-W26', 'D01-PRE2', 'D01-Y1'])
      await timeline.getByRole('link', { name: visit }).waitFor();
    assert.equal(
      await timeline.getByRole('link', { name: 'D01-W8' }).getAttribute('href'),
      `#/studies/${STUDY}/subjects/${HOME_SUBJECT}/visits/D01-W8`,
    );
    const text = (await timeline.textContent()) ?? '';
    assert.match(text, /Infusion 1.*dose 89,000,000 cells/s);
    assert.match(text, /Infusion 2/);
    assert.match(text, /JADAS-10 12\.5/);
    assert.match(text, /ACR-Pedi 50/);

    const chart = page.getByRole('img', { name: /^JADAS-10 and cJADAS-10:/ });
    assert.match(
      (await chart.getAttribute('aria-label')) ?? '',
      /JADAS-10 from 25\.9 on 2015-06-05.*infusions on 2015-06-08, 2015-12-21/,
    );
    await page.getByRole('img', { name: /^Active joints:/ }).waitFor();
    await page.getByRole('table', { name: /Active joints: the charted values/ }).waitFor();

    const retreatment = page.getByRole('region', { name: 'Retreatment' });
    assert.match(
      (await retreatment.textContent()) ?? '',
      /does not qualify for a repeat infusion on 2017-12-31.*JIA-ACR 30 reached at D01-Y1.*no later visit yet/s,
    );
    await review(page, 'subject');
    await page.close();
  });

  test('an investigator acknowledges an alert: the page shows who, when and the comment', async () => {
    const page = await openSubject('ivan', HOME_SUBJECT);
    const first = page.locator('ol.alerts > li').first();
    await first.getByRole('button', { name: /^Acknowledge/ }).click();
    await first.getByLabel(/Comment/).fill('W1 visit not done: family on holiday');
    await first.getByRole('button', { name: 'Save acknowledgement' }).click();
    await first
      .getByText(/Acknowledged by Test ivan on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/)
      .waitFor();
    assert.match((await first.textContent()) ?? '', /family on holiday/);
    await page.close();
  });

  test("D02's MAS alert comes first on the day it was raised", async () => {
    const page = await openSubject('ivan', 'D02');
    await page.getByLabel('Status on (empty: today)').fill('2015-11-02');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('heading', { name: 'Status on 2015-11-02' }).waitFor();
    const alerts = page.locator('ol.alerts > li');
    assert.match((await alerts.first().textContent()) ?? '', /^Urgent MAS_CRITERIA_MET/);
    assert.match((await alerts.nth(1).textContent()) ?? '', /^Urgent SAE_REPORT_DUE/);
    // The MAS visit is marked in the timeline whatever the status's day.
    await page.getByText('Meets the 2016 MAS classification criteria', { exact: true }).waitFor();
    assert.match((await page.locator('ol.timeline').textContent()) ?? '', /Serious adverse event/);
    await review(page, 'subject-mas');
    await page.close();
  });

  test('a monitor sees signatures and queries, and neither "New visit" nor "Acknowledge"', async () => {
    const ivan = await env.server.client('ivan');
    const signed = await ivan.request('POST', `/api/v1/studies/${STUDY}/subjects/D01/signatures`, {
      visitId: 'D01-W8',
      meaning: 'approved',
      password: PASSWORD,
    });
    assert.equal(signed.status, 201, JSON.stringify(signed.body));
    const mona = await env.server.client('mona');
    const raised = await mona.request('POST', `/api/v1/studies/${STUDY}/queries`, {
      table: 'visit',
      recordKey: `${STUDY}/D01-W8`,
      field: 'esr',
      question: 'ESR 14 mm/h: please confirm against the lab report',
    });
    assert.equal(raised.status, 201, JSON.stringify(raised.body));

    const page = await openSubject('mona', HOME_SUBJECT);
    await page.getByRole('heading', { name: /^Status on/ }).waitFor();
    await page.locator('ol.alerts').waitFor();
    assert.equal(await page.getByRole('link', { name: 'New visit' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Acknowledge/ }).count(), 0);
    const signatures = page.getByRole('region', { name: 'Signatures' });
    await signatures.getByText(/Visit D01-W8/).waitFor();
    assert.match((await signatures.textContent()) ?? '', /signed by Test ivan.*Intact/s);
    const queries = page.getByRole('region', { name: 'Queries' });
    await queries.getByText('1 open, 0 answered, 0 closed.').waitFor();
    await queries.getByText(/please confirm against the lab report/).waitFor();
    await review(page, 'subject-monitor');
    await page.close();
  });

  test("a nurse is told another site's subject is not found", async () => {
    const page = await openSubject('nora', OTHER_SUBJECT);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Subject X-01 was not found/);
    await page.close();
  });
});
