/**
 * Missing-data codes on a record form other than the visit's (ADR 0040, "Which fields"), in
 * Chromium against a real server: an investigator records an infusion with its volume "not
 * done" (the "why empty?" choice beside the blank field), picks "unknown" for the viability and
 * then types the value, which drops that code; the infusion is saved and read back through the
 * API with the one code. A medication's dose "asked but unknown" is saved and shown so in the
 * table of stored medications.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { planDose } from '@jia-trial/protocol';
import { MSC_JIA } from '@jia-trial/protocols';
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

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('ivo', [['investigator', HOME_SITE]]);
});
after(() => env?.close());

describe('missing-data codes on the infusion form', () => {
  test('"not done" beside the blank volume is saved; a typed viability drops its code', async () => {
    const page = await env.browser.newPage();
    await signIn(page, env.server, 'ivo', PASSWORD);
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const form = page.getByRole('form', { name: 'Record an infusion' });
    await form.waitFor();
    const intervention = MSC_JIA.intervention;
    assert.ok(intervention);
    const plan = planDose(intervention, 45);
    await form.getByLabel('Day of the infusion').fill('2017-12-22');
    await form.getByLabel('Body weight used for the dose (kg)').fill('45');
    await form.getByLabel('Dose, cells per kg (cells/kg)').fill(String(plan.total / 45));
    await form.getByLabel('Cells infused (cells)').fill(String(plan.total));
    await form.getByLabel('Product lot number').fill('LOT-MISSING');
    await form
      .getByRole('group', { name: 'An infusion reaction occurred' })
      .getByLabel('No')
      .check();

    await form.getByLabel('Why Infused volume is empty').selectOption({ label: 'not done' });
    const viabilityWhy = form.getByLabel('Why Viable cells in the product is empty');
    await viabilityWhy.selectOption({ label: 'unknown' });
    await form.getByLabel('Viable cells in the product (%)').fill('85');
    await viabilityWhy.waitFor({ state: 'detached' });
    await review(page, 'record-entry-missing-code');
    await form.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .getByText(/Record an infusion: saved/)
      .waitFor();

    const ivo = await env.server.client('ivo');
    const subject = await ivo.request('GET', `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const stored = subject.body.infusions.find(
      (i: { record: { infusionDate: string } }) => i.record.infusionDate === '2017-12-22',
    )?.record;
    assert.equal(stored?.volumeMl, null);
    assert.equal(stored?.volumeMlMissing, 'ND');
    assert.equal(stored?.viabilityPct, 85);
    assert.equal(stored?.viabilityPctMissing, null, 'the typed value dropped the code');
    await page.close();
  });

  test('a medication\'s dose "asked but unknown": saved, and shown so among the stored ones', async () => {
    const page = await env.browser.newPage();
    await signIn(page, env.server, 'ivo', PASSWORD);
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const form = page.getByRole('form', { name: 'Record a medication' });
    await form.getByLabel('Drug (generic name recommended)').fill('mefenamic acid');
    await form.getByLabel('Drug class').selectOption({ label: 'NSAID' });
    await form.getByLabel(/^First day/).fill('2016-05-01');
    await form
      .getByLabel('Why Dose per administration is empty')
      .selectOption({ label: 'asked but unknown' });
    await form.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .getByText(/Record a medication: saved/)
      .waitFor();
    await page
      .getByRole('row', { name: /mefenamic acid/ })
      .getByText('— (asked but unknown)')
      .waitFor();
    const ivo = await env.server.client('ivo');
    const subject = await ivo.request('GET', `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const stored = subject.body.medications.find(
      (m: { record: { drug: string } }) => m.record.drug === 'mefenamic acid',
    )?.record;
    assert.equal(stored?.doseMg, null);
    assert.equal(stored?.doseMgMissing, 'ASKU');
    await page.close();
  });
});
