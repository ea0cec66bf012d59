/**
 * Record entry on the subject page in Chromium against a real server with the demo study
 * (browser-support.ts): an infusion with the protocol engine's computed dose; a dose outside
 * the protocol's tolerance refused with the engine's reason under its field and the typed values
 * kept; a serious AE that shows SAE_REPORT_DUE among the alerts; a correction that meets a
 * change made meanwhile and shows the stored record beside the typed one; a medication typed
 * when the session has ended, kept and restored after signing in again; a nurse, who may not
 * record infusions, sees no infusion form.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatCount, planDose } from '@jia-trial/protocol';
import { MSC_JIA } from '@jia-trial/protocols';
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
const AE = 'D01-AE-E2E';

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('ivan', [['investigator', HOME_SITE]]);
  await env.server.addUser('nora', [['nurse', HOME_SITE]]);
});
after(() => env?.close());

async function openSubject(username: string): Promise<Page> {
  const page = await env.browser.newPage();
  await signIn(page, env.server, username, PASSWORD);
  await page.getByRole('heading', { name: 'Your studies' }).waitFor();
  await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
  await page.getByRole('heading', { name: /^Status on 2017-12-31$/ }).waitFor();
  return page;
}

/** A stored AE as its correction's body: the id is in the path. */
const withoutKey = ({ aeId: _, ...rest }: Record<string, unknown>) => rest;

async function storedSubject() {
  const ivan = await env.server.client('ivan');
  const answer = await ivan.request('GET', `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
  assert.equal(answer.status, 200);
  return answer.body as {
    infusions: Array<{ record: Record<string, unknown> }>;
    adverseEvents: Array<{ record: Record<string, unknown>; version: number }>;
  };
}

describe('record entry on the subject page', () => {
  test('an infusion: the computed dose, an out-of-tolerance dose refused with the reason, then saved', async () => {
    const page = await openSubject('ivan');
    const form = page.getByRole('form', { name: 'Record an infusion' });
    await form.getByLabel('Day of the infusion').fill('2017-12-20');
    await form.getByLabel('Body weight used for the dose (kg)').fill('45');
    // The engine's own plan, as `jia-trial dose --weight 45 --protocol msc-jia` computes it.
    const intervention = MSC_JIA.intervention;
    assert.ok(intervention);
    const plan = planDose(intervention, 45);
    const calculator = form.getByRole('region', { name: /^Dose calculator/ });
    await calculator.getByText(`${formatCount(plan.total)} cells`, { exact: true }).waitFor();
    assert.match(
      (await calculator.textContent()) ?? '',
      new RegExp(`${formatCount(plan.allowedRange[0])} to ${formatCount(plan.allowedRange[1])}`),
    );

    await form.getByLabel('Dose, cells per kg (cells/kg)').fill('2000000');
    await form.getByLabel('Cells infused (cells)').fill('120000000');
    await form.getByLabel('Product lot number').fill('LOT-E2E');
    await form
      .getByRole('group', { name: 'An infusion reaction occurred' })
      .getByLabel('No')
      .check();
    await form.getByRole('button', { name: 'Save' }).click();

    const cells = form.getByLabel('Cells infused (cells)');
    const error = form.locator('#infusion-new-totalCells-error');
    await error.waitFor();
    assert.match(
      (await error.textContent()) ?? '',
      new RegExp(
        `total 120,000,000 outside ${formatCount(plan.allowedRange[0])}-${formatCount(plan.allowedRange[1])}`,
      ),
    );
    assert.equal(await cells.getAttribute('aria-invalid'), 'true');
    assert.equal(await cells.inputValue(), '120000000');
    assert.equal(await form.getByLabel('Body weight used for the dose (kg)').inputValue(), '45');
    assert.equal(await form.getByLabel('Product lot number').inputValue(), 'LOT-E2E');
    await review(page, 'record-entry-refused');

    await calculator.getByRole('button', { name: 'Use this dose' }).click();
    assert.equal(await cells.inputValue(), String(plan.total));
    await form.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .getByText(/Record an infusion: saved/)
      .waitFor();
    const stored = (await storedSubject()).infusions.find(
      (i) => i.record.infusionDate === '2017-12-20',
    );
    assert.equal(stored?.record.totalCells, plan.total);
    assert.equal(stored?.record.productLot, 'LOT-E2E');
    await page.close();
  });

  test('a serious AE: saved with its criteria as codes, SAE_REPORT_DUE among the alerts', async () => {
    const page = await openSubject('ivan');
    const form = page.getByRole('form', { name: 'Record an adverse event' });
    await form.getByLabel("The adverse event's identifier").fill(AE);
    await form.getByLabel('Verbatim or preferred term').fill('Pneumonia');
    await form.getByLabel('Onset', { exact: true }).fill('2017-12-29');
    await form.getByLabel('When the team learnt of it (empty: the onset)').fill('2017-12-30');
    // The grade's meaning in words, from the dictionary's CTCAE list.
    await form
      .getByLabel('CTCAE grade')
      .selectOption({ label: 'Grade 3: severe or medically significant' });
    const serious = form.getByRole('group', { name: 'Serious adverse event (ICH E2A)' });
    await serious.getByLabel('Yes').check();
    await form.getByLabel('Requires or prolongs hospitalisation').check();
    await form.getByLabel('Relatedness to the study treatment').selectOption({ label: 'Possible' });
    await form.getByLabel('Outcome').selectOption({ label: 'Recovering/resolving' });
    await form.getByRole('button', { name: 'Save' }).click();

    const alerts = page.locator('ol.alerts > li');
    await alerts.filter({ hasText: AE }).first().waitFor();
    assert.match((await alerts.first().textContent()) ?? '', new RegExp(`SAE_REPORT_DUE.*${AE}`));
    const ae = (await storedSubject()).adverseEvents.find((a) => a.record.aeId === AE);
    assert.deepEqual(ae?.record.seriousnessCriteria, ['hospitalisation']);
    await page
      .getByRole('table', { name: 'Adverse events recorded' })
      .getByRole('cell', { name: AE, exact: true })
      .waitFor();
    // The page's timeline is read again after the save: the AE is in it without a reload.
    await page
      .locator('ol.timeline li', { hasText: `Adverse event ${AE}` })
      .first()
      .waitFor();
    await review(page, 'record-entry');
    await page.close();
  });

  test('a correction that meets a change made meanwhile shows the stored record beside the typed one', async () => {
    const page = await openSubject('ivan');
    await page.getByRole('button', { name: `Correct ${AE}` }).click();
    const form = page.getByRole('form', { name: `Correct adverse event ${AE}` });
    await form.getByLabel('Verbatim or preferred term').fill('Lobar pneumonia');
    await form
      .getByLabel('Reason for the change (audit trail)')
      .fill('term from the discharge letter');

    // Meanwhile, through the API, someone records the outcome.
    const ivan = await env.server.client('ivan');
    const before = (await storedSubject()).adverseEvents.find((a) => a.record.aeId === AE);
    assert.ok(before);
    const changed = await ivan.request(
      'PUT',
      `/api/v1/studies/${STUDY}/adverse-events/${AE}`,
      {
        ...withoutKey(before.record),
        outcome: 'recovered',
        resolutionDate: '2017-12-31',
        reason: 'resolved',
      },
      { 'if-match': String(before.version) },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));

    await form.getByRole('button', { name: 'Save the correction' }).click();
    const conflict = form.getByRole('alert').filter({ hasText: 'changed this record meanwhile' });
    await conflict.waitFor();
    const table = conflict.getByRole('table');
    assert.match(
      (await table.textContent()) ?? '',
      /Outcome \(differs\)Recovered\/resolvedRecovering\/resolving/,
    );
    assert.match(
      (await table.textContent()) ?? '',
      /Verbatim or preferred term \(differs\)PneumoniaLobar pneumonia/,
    );
    assert.equal(
      await form.getByLabel('Verbatim or preferred term').inputValue(),
      'Lobar pneumonia',
    );
    await conflict.getByRole('button', { name: /^Take the stored values/ }).click();
    assert.equal(await form.getByLabel('Verbatim or preferred term').inputValue(), 'Pneumonia');
    await form.getByLabel('Verbatim or preferred term').fill('Lobar pneumonia');
    await form.getByRole('button', { name: 'Save the correction' }).click();
    await page
      .getByRole('status')
      .getByText(/Correct adverse event .*: saved \(version 3\)/)
      .waitFor();
    const after = (await storedSubject()).adverseEvents.find((a) => a.record.aeId === AE);
    assert.equal(after?.record.term, 'Lobar pneumonia');
    assert.equal(after?.record.outcome, 'recovered');
    await page.close();
  });

  test('a medication typed when the session has ended is kept, and restored after signing in again', async () => {
    const page = await openSubject('nora');
    const form = page.getByRole('form', { name: 'Record a medication' });
    await form.getByLabel('Drug (generic name recommended)').fill('naproxen');
    await form.getByLabel('Drug class').selectOption({ label: 'NSAID' });
    await form.getByLabel(/^First day/).fill('2017-12-20');
    // The session ends (expired, or signed out elsewhere): the cookie is gone.
    await page.context().clearCookies();
    await form.getByRole('button', { name: 'Save' }).click();
    await form
      .getByRole('alert')
      .getByText(/Your session has ended/)
      .waitFor();
    assert.equal(await form.getByLabel('Drug (generic name recommended)').inputValue(), 'naproxen');

    await page.reload();
    await signIn(page, env.server, 'nora', PASSWORD);
    await page.getByRole('heading', { name: 'Your studies' }).waitFor();
    await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const again = page.getByRole('form', { name: 'Record a medication' });
    await again.getByText('What you typed before was restored').waitFor();
    assert.equal(
      await again.getByLabel('Drug (generic name recommended)').inputValue(),
      'naproxen',
    );
    assert.equal(await again.getByLabel(/^First day/).inputValue(), '2017-12-20');
    await again.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .getByText(/Record a medication: saved/)
      .waitFor();
    // Saved: the draft is gone, and a reload shows an empty form.
    await page.reload();
    const fresh = page.getByRole('form', { name: 'Record a medication' });
    await fresh.waitFor();
    assert.equal(await fresh.getByLabel('Drug (generic name recommended)').inputValue(), '');
    assert.equal(await fresh.getByText('What you typed before was restored').count(), 0);
    await page.close();
  });

  test('a correction restored after a reload keeps the version it was typed against: a change made meanwhile is a conflict, not overwritten', async () => {
    const ivan = await env.server.client('ivan');
    const aeId = 'D01-AE-DRAFT';
    const body = {
      subjectId: HOME_SUBJECT,
      aeId,
      term: 'Rash',
      onsetDate: '2017-12-10',
      grade: 1,
      serious: false,
      related: 'unlikely',
      outcome: 'recovering',
    };
    const created = await ivan.request('POST', `/api/v1/studies/${STUDY}/adverse-events`, body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const page = await openSubject('ivan');
    await page.getByRole('button', { name: `Correct ${aeId}` }).click();
    const form = page.getByRole('form', { name: `Correct adverse event ${aeId}` });
    await form.getByLabel('Verbatim or preferred term').fill('Urticaria');
    await form.getByLabel('Reason for the change (audit trail)').fill('term from the letter');

    // Meanwhile someone records the outcome; then this tab reloads (as after signing in again).
    const { aeId: _, ...rest } = body;
    const changed = await ivan.request(
      'PUT',
      `/api/v1/studies/${STUDY}/adverse-events/${aeId}`,
      { ...rest, outcome: 'recovered', resolutionDate: '2017-12-20', reason: 'resolved' },
      { 'if-match': '1' },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await page.reload();
    const again = page.getByRole('form', { name: `Correct adverse event ${aeId}` });
    await again.getByText('What you typed before was restored').waitFor();
    await again.getByRole('button', { name: 'Save the correction' }).click();
    await again.getByRole('alert').filter({ hasText: 'changed this record meanwhile' }).waitFor();
    const stored = (await storedSubject()).adverseEvents.find((a) => a.record.aeId === aeId);
    assert.equal(stored?.record.outcome, 'recovered', 'the change made meanwhile is kept');
    assert.equal(stored?.record.term, 'Rash', 'nothing saved over it unseen');
    await page.close();
  });

  test('an intra-articular injection: the joints are asked only then, and stored as codes', async () => {
    const page = await openSubject('nora');
    const form = page.getByRole('form', { name: 'Record a medication' });
    await form.getByLabel('Drug (generic name recommended)').fill('triamcinolone hexacetonide');
    await form.getByLabel('Drug class').selectOption({ label: 'Corticosteroid' });
    assert.equal(await form.getByRole('group', { name: /^Joints injected/ }).count(), 0);
    await form
      .getByLabel('Route of administration', { exact: true })
      .selectOption({ label: 'Intra-articular injection' });
    const joints = form.getByRole('group', { name: /^Joints injected/ });
    await joints.getByLabel('Knee (left)').check();
    await form.getByLabel(/^Dose per administration/).fill('40');
    await form.getByLabel(/^First day/).fill('2017-12-22');
    await form.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .getByText(/Record a medication: saved/)
      .waitFor();
    const ivan = await env.server.client('ivan');
    const answer = await ivan.request('GET', `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const stored = answer.body.medications.find(
      (m: { record: { drug: string } }) => m.record.drug === 'triamcinolone hexacetonide',
    );
    assert.deepEqual(
      [stored?.record.route, stored?.record.jointCodes, stored?.record.doseMg],
      ['intra_articular', ['knee_l'], 40],
    );
    await review(page, 'record-entry-injection');
    await page.close();
  });

  test('a nurse may record AEs and medications, and sees no infusion form', async () => {
    const page = await openSubject('nora');
    await page.getByRole('heading', { name: 'Record entry' }).waitFor();
    await page.getByRole('form', { name: 'Record an adverse event' }).waitFor();
    await page.getByRole('form', { name: 'Record a medication' }).waitFor();
    assert.equal(await page.getByRole('form', { name: 'Record an infusion' }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: 'Infusions' }).count(), 0);
    await page.close();
  });
});
