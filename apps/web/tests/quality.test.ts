/**
 * The data-quality page in Chromium against a real server with the demo study
 * (browser-support.ts; docs/data-management.md, "Data-quality checks"): a visit stored without
 * two core-set values, as an import stores it (no check after a save), is found only once the
 * data manager runs the checks from the page; one discrepancy is excluded with a reason (who,
 * when, why shown), the exclusion taken back and made again, the other turned into a data query
 * whose link leads to the field marked on the visit's page; the filters; an investigator reads
 * the list without the steps; the DSMB has no link to the page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withTransaction } from '@jia-trial/store';
import type { Locator, Page } from 'playwright-core';
import {
  type BrowserEnv,
  HOME_SITE,
  OTHER_SITE,
  OTHER_SUBJECT,
  PASSWORD,
  review,
  STUDY,
  signIn,
  startBrowserEnv,
} from './browser-support.js';

let env: BrowserEnv;
const VISIT = `${OTHER_SUBJECT}-V1`;

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('dana', [['data_manager', null]]);
  await env.server.addUser('ivan', [['investigator', HOME_SITE]]);
  await env.server.addUser('dora', [['dsmb', null]]);
  // Stored past the API, as a bundle or ODM import stores it: no check runs after this "save",
  // so the discrepancies appear only when the checks are run (docs/data-management.md).
  await withTransaction(
    env.server.db.store,
    { id: 'test:setup', name: 'test setup' },
    'test setup: a visit without ESR and parent global',
    (tx) =>
      tx.client.query(
        `INSERT INTO visit (study_id, visit_id, subject_id, visit_date, physician_global,
                            chaq_di, active_joints, limited_joints)
         VALUES ($1, $2, $3, '2017-02-01', 2, 0.5, 1, 1)`,
        [STUDY, VISIT, OTHER_SUBJECT],
      ),
  );
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

const TITLE = `Data quality of study ${STUDY}`;

/** The row of the discrepancy whose finding reads `finding`. */
const rowOf = (page: Page, finding: RegExp): Locator =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: finding }) });

describe('data quality', () => {
  test('the data manager runs the checks, excludes one discrepancy and raises a query on another', async () => {
    let page = await open('dana', '', `Study ${STUDY}`);
    await page.getByRole('link', { name: /^Data quality/ }).click();
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    // Nothing has been checked yet: the demo and the visit were stored by import.
    await page.getByText('No discrepancy matches this filter.').waitFor();

    await page.getByRole('button', { name: 'Run checks' }).click();
    await page
      .getByRole('status')
      .getByText(/^Checked 7 subject\(s\) as of 2017-12-31 against the default rules: \d+ opened/)
      .waitFor();
    await page.getByLabel('Subject', { exact: true }).selectOption(OTHER_SUBJECT);
    // The list read for the subject alone: the demo's site is gone from it.
    await page.getByRole('heading', { name: `Site ${HOME_SITE}` }).waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: `Site ${OTHER_SITE}`, level: 2 }).waitFor();
    const esr = rowOf(page, /Erythrocyte sedimentation rate.* is not recorded/);
    const parent = rowOf(page, /Parent's or patient's global .* is not recorded/);
    await esr.waitFor();
    const esrText = (await esr.textContent()) ?? '';
    assert.match(esrText, /core_set_recorded/);
    assert.match(esrText, /Expected but missing/);
    assert.match(esrText, new RegExp(`Visit ${VISIT}, field Erythrocyte sedimentation rate`));
    assert.match(esrText, /Erythrocyte sedimentation rate \(Westergren\): empty/);
    assert.match(esrText, /Open/);
    // What the rule is for, with its source, is one disclosure away.
    await esr.getByText('Why').click();
    await esr.getByText(/definitions\.md/).waitFor();
    const totals = page.getByRole('region', { name: 'Totals for this filter' });
    // The totals read Open, Excluded, Resolved, Listed, in that order.
    const openCount = async () => Number(await totals.locator('dd').first().textContent());
    // The totals are read again after a step's status shows: wait for them (at most 10 s).
    const openCountBecomes = async (expected: number) => {
      for (let tries = 0; tries < 100 && (await openCount()) !== expected; tries++)
        await page.waitForTimeout(100);
      assert.equal(await openCount(), expected);
    };
    const before = await openCount();
    assert.ok(before >= 2, `at least the two empty values are open, not ${before}`);

    // Exclude with a reason: who, when and why are shown.
    await parent.getByRole('button', { name: /^Exclude on DQ-/ }).click();
    const form = page.locator('form.discrepancy-step');
    await form.getByLabel('Reason (why it needs no correction)').fill('Parent absent at the visit');
    await form.getByRole('button', { name: /^Exclude DQ-/ }).click();
    await page
      .getByRole('status')
      .getByText(/^DQ-\d+ excluded\.$/)
      .waitFor();
    await parent.getByText(/Excluded by Test dana on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/).waitFor();
    assert.match((await parent.textContent()) ?? '', /Parent absent at the visit/);
    await openCountBecomes(before - 1);
    assert.equal(await parent.getByRole('button', { name: /^Raise a query/ }).count(), 0);

    // Taken back with a reason: open again; then excluded again.
    await parent.getByRole('button', { name: /^Take back the exclusion on DQ-/ }).click();
    await form.getByLabel('Reason for taking the exclusion back').fill('Excluded by mistake');
    await form.getByRole('button', { name: /^Take back the exclusion DQ-/ }).click();
    await page
      .getByRole('status')
      .getByText(/^DQ-\d+ open again\.$/)
      .waitFor();
    await openCountBecomes(before);
    await parent.getByRole('button', { name: /^Exclude on DQ-/ }).click();
    await form.getByLabel('Reason (why it needs no correction)').fill('Parent absent at the visit');
    await form.getByRole('button', { name: /^Exclude DQ-/ }).click();
    await parent.getByText(/^Excluded by Test dana/).waitFor();

    // The status filter lists the excluded one alone.
    await page.getByLabel('Status', { exact: true }).selectOption('excluded');
    await page.getByRole('region', { name: `Discrepancies of subject ${OTHER_SUBJECT}` }).waitFor();
    await esr.waitFor({ state: 'detached' });
    assert.equal(await parent.count(), 1);
    await page.getByLabel('Status', { exact: true }).selectOption('');

    // A query in one step, its question the finding unless changed.
    await esr.getByRole('button', { name: /^Raise a query on DQ-/ }).click();
    const question = form.getByLabel('Question to the site');
    assert.match(await question.inputValue(), /Erythrocyte sedimentation rate.* is not recorded/);
    await question.fill('ESR not recorded at this visit: was it taken?');
    await form.getByRole('button', { name: /^Raise the query/ }).click();
    await page
      .getByRole('status')
      .getByText(/^DQ-\d+ turned into a data query\.$/)
      .waitFor();
    const link = esr.getByRole('link', { name: `See it on visit ${VISIT}` });
    await esr.getByText(/^Query Q-\d+: open\. See it on visit/).waitFor();
    assert.equal(await esr.getByRole('button', { name: /^Raise a query/ }).count(), 0);
    assert.equal(await esr.getByRole('button', { name: /^Exclude/ }).count(), 1);
    await review(page, 'quality');

    // The query lives on the visit: its page marks the field.
    await link.click();
    await page.getByRole('heading', { name: new RegExp(`^Visit ${VISIT}`), level: 1 }).waitFor();
    await page.getByText('Open query on this field').waitFor();
    assert.match(
      (await page.getByLabel(/^Erythrocyte sedimentation rate/).getAttribute('aria-describedby')) ??
        '',
      /visit-esr-query/,
    );
    await page.close();

    // A stale step is refused in words (the exclusion made meanwhile by another client).
    page = await open('dana', '/quality', TITLE);
    await page.getByLabel('Subject', { exact: true }).selectOption(OTHER_SUBJECT);
    await page.getByRole('heading', { name: `Site ${HOME_SITE}` }).waitFor({ state: 'detached' });
    const stale = rowOf(page, /Erythrocyte sedimentation rate.* is not recorded/);
    await stale.getByRole('button', { name: /^Exclude on DQ-/ }).click();
    const id = /DQ-\d+/.exec((await stale.getByRole('rowheader').textContent()) ?? '')?.[0];
    const dana = await env.server.client('dana');
    const current = await dana.request('GET', `/api/v1/studies/${STUDY}/discrepancies/${id}`);
    const changed = await dana.request(
      'POST',
      `/api/v1/studies/${STUDY}/discrepancies/${id}/exclusion`,
      { reason: 'excluded by another client' },
      { 'if-match': String(current.body.version) },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    await page.getByLabel('Reason (why it needs no correction)').fill('too late');
    await page.getByRole('button', { name: /^Exclude DQ-/ }).click();
    const staleForm = page.locator('form.discrepancy-step');
    await staleForm
      .getByRole('alert')
      .getByText(/^Not done: DQ-\d+ was changed meanwhile/)
      .waitFor();
    await stale.getByText(/excluded by another client/).waitFor();
    // What was typed stays in the form.
    assert.equal(
      await page.getByLabel('Reason (why it needs no correction)').inputValue(),
      'too late',
    );
    await page.close();
  });

  test('an investigator reads the discrepancies without the steps; the DSMB has no link', async () => {
    let page = await open('ivan', '', `Study ${STUDY}`);
    await page.getByRole('link', { name: /^Data quality/ }).click();
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Totals for this filter' }).waitFor();
    // Only the investigator's site: the other site's subject is neither listed nor offered.
    assert.equal(await page.getByRole('heading', { name: `Site ${OTHER_SITE}` }).count(), 0);
    assert.equal(
      await page
        .getByLabel('Subject', { exact: true })
        .locator(`option[value="${OTHER_SUBJECT}"]`)
        .count(),
      0,
    );
    for (const name of [/^Run checks/, /^Exclude/, /^Take back/, /^Raise a query/])
      assert.equal(await page.getByRole('button', { name }).count(), 0, String(name));
    await page.close();

    page = await open('dora', '', `Study ${STUDY}`);
    await page.getByRole('link', { name: "The study's report" }).waitFor();
    assert.equal(await page.getByRole('link', { name: /^Data quality/ }).count(), 0);
    await page.close();
  });
});
