/**
 * Review in Chromium against a real server with the demo study (browser-support.ts): a query
 * raised by a monitor, answered by the investigator on the visit's page, closed by the monitor;
 * a wrong password refused and a visit signed, then changed through the API and the signature
 * shown broken; a record's history; the DSMB's pseudonymised report and no edit controls; the
 * data manager's export.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('ivan', [['investigator', HOME_SITE]]);
  await env.server.addUser('mona', [['monitor', HOME_SITE]]);
  await env.server.addUser('dora', [['dsmb', null]]);
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

const subjectPath = `/subjects/${HOME_SUBJECT}`;

describe('review', () => {
  test('a query raised by the monitor, answered by the investigator, closed by the monitor', async () => {
    let page = await open('mona', subjectPath, `Subject ${HOME_SUBJECT}`);
    const queries = page.getByRole('region', { name: 'Queries' });
    await queries.getByText('0 open, 0 answered, 0 closed.').waitFor();
    assert.equal(
      await page.getByRole('button', { name: /^Sign (visit|the casebook)/ }).count(),
      0,
      'a monitor signs not',
    );
    await queries.getByRole('button', { name: 'Raise a query' }).click();
    await queries.getByLabel('Record').selectOption({ label: 'Visit D01-W8 (2015-08-03)' });
    await queries.getByLabel('Field').selectOption({ value: 'esr' });
    await queries.getByLabel('Question').fill('ESR 14 mm/h with CRP 4: please confirm.');
    await queries.getByRole('button', { name: 'Raise query' }).click();
    await queries.getByText('1 open, 0 answered, 0 closed.').waitFor();
    const thread = queries.getByRole('article', { name: /^Query / });
    assert.match(
      (await thread.textContent()) ?? '',
      /Open.*Visit demo\/D01-W8, field Erythrocyte sedimentation rate.*Raised by Test mona.*please confirm/s,
    );
    assert.equal(
      await thread.getByRole('button', { name: /^Answer/ }).count(),
      0,
      'a monitor answers not',
    );
    await page.close();

    // The investigator sees the marker on the visit's page and answers there.
    page = await open('ivan', `${subjectPath}/visits/D01-W8`, /^Visit D01-W8 of D01/);
    const marker = page.locator('.query-marker');
    // The field the query names carries its own worded marker, which its input's description reads.
    await page.getByText('Open query on this field').waitFor();
    const esr = page.getByLabel(/^Erythrocyte sedimentation rate/);
    assert.match((await esr.getAttribute('aria-describedby')) ?? '', /visit-esr-query/);
    assert.equal(await page.locator('.query-flag').count(), 1, 'only the field queried is marked');
    await marker.getByText('1 query(ies) on this visit not closed').click();
    await marker.getByRole('button', { name: /^Answer/ }).click();
    await marker.getByLabel(/^Answer to query/).fill('Confirmed against the lab report.');
    await marker.getByRole('button', { name: 'Send answer' }).click();
    await marker.getByText(/Answered by Test ivan/).waitFor();
    assert.equal(
      await marker.getByRole('button', { name: /^Close/ }).count(),
      0,
      'an investigator closes not',
    );
    await page.close();

    page = await open('mona', subjectPath, `Subject ${HOME_SUBJECT}`);
    const list = page.getByRole('region', { name: 'Queries' });
    await list.getByText('0 open, 1 answered, 0 closed.').waitFor();
    await list.getByRole('button', { name: /^Close query/ }).click();
    await list.getByText('0 open, 0 answered, 1 closed.').waitFor();
    await review(page, 'review');
    await page.close();
  });

  test('a wrong password signs nothing; a signed visit changed since is shown broken', async () => {
    const page = await open('ivan', subjectPath, `Subject ${HOME_SUBJECT}`);
    const signatures = page.getByRole('region', { name: 'Signatures' });
    await signatures.getByText('No signature yet.').waitFor();
    await signatures.getByLabel('What to sign').selectOption({ label: 'Visit D01-W26' });
    assert.match(
      (await signatures.locator('.sign-statement').textContent()) ?? '',
      /By signing visit D01-W26 you state: Approved as accurate and complete/,
    );
    await signatures.getByLabel('Your password (to sign)').fill('not my password');
    await signatures.getByRole('button', { name: 'Sign visit D01-W26' }).click();
    assert.match(
      (await signatures.getByRole('alert').textContent()) ?? '',
      /Not signed: the password is wrong/,
    );
    assert.equal(await signatures.getByText('No signature yet.').count(), 1);

    await signatures.getByLabel('Your password (to sign)').fill(PASSWORD);
    await signatures.getByRole('button', { name: 'Sign visit D01-W26' }).click();
    await signatures.getByText(/Intact: no signed record changed since/).waitFor();
    assert.match(
      (await signatures.locator('ul.signatures').textContent()) ?? '',
      /Visit D01-W26.*Approved as accurate and complete.*signed by Test ivan on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/s,
    );

    // Changed through the API, as another client would (api.test.ts's body: the stored record).
    const ivan = await env.server.client('ivan');
    const subject = await ivan.request('GET', `/api/v1/studies/${STUDY}/subjects/${HOME_SUBJECT}`);
    const w26 = subject.body.visits.find(
      (v: { record: { visitId: string } }) => v.record.visitId === 'D01-W26',
    );
    const { visitId: _, ...fields } = w26.record;
    const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
    const changed = await ivan.request(
      'PUT',
      `/api/v1/studies/${STUDY}/visits/D01-W26`,
      { ...clean, esr: 11, reason: 'lab report re-read after signing' },
      { 'if-match': String(w26.version) },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));

    await page.reload();
    await page
      .getByRole('region', { name: 'Signatures' })
      .getByText(/^Broken:/)
      .waitFor();
    assert.match(
      (await page.getByRole('region', { name: 'Signatures' }).textContent()) ?? '',
      /Broken: 1 record\(s\) changed since the signing \(visit demo\/D01-W26 changed\)/,
    );

    // The visit's history: who, when, old and new values and the reason.
    const history = page.getByRole('region', { name: 'Record history' });
    await history.getByText('History of Visit D01-W26 (', { exact: false }).click();
    const table = history.locator('table.history');
    await table.getByText('lab report re-read after signing').waitFor();
    const text = (await table.textContent()) ?? '';
    assert.match(text, /Changed/);
    assert.match(text, /Test ivan/);
    assert.match(text, /Erythrocyte sedimentation rate[^:]*: 31 → 11/);
    assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await page.close();
  });

  test('a query raised on the visit page; the history of a medication and an eligibility answer', async () => {
    let page = await open('mona', `${subjectPath}/visits/D01-Y1`, /^Visit D01-Y1 of D01/);
    assert.equal(await page.locator('.query-flag').count(), 0);
    // A monitor reads the visit: no save, and the fields cannot be typed into.
    await page.getByText('Read only: your role does not change visits at site').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Save/ }).count(), 0);
    assert.equal(await page.getByLabel(/^C-reactive protein/).isDisabled(), true);
    await page.getByRole('button', { name: 'Raise a query' }).click();
    const raise = page.locator('form.raise-query');
    assert.equal(
      await raise.getByLabel('Record').locator('option').count(),
      1,
      'the visit only: the demo visit has no joint findings or CHAQ answers stored',
    );
    await raise.getByLabel('Field').selectOption({ value: 'crp' });
    await raise.getByLabel('Question').fill('CRP unit: mg/L or mg/dL?');
    await raise.getByRole('button', { name: 'Raise query' }).click();
    await page.getByText('Open query on this field').waitFor();
    assert.match(
      (await page.getByLabel(/^C-reactive protein/).getAttribute('aria-describedby')) ?? '',
      /visit-crp-query/,
    );
    await page
      .locator('.query-marker')
      .getByText('1 query(ies) on this visit not closed')
      .waitFor();
    await review(page, 'visit-query');
    await page.close();

    page = await open('ivan', subjectPath, `Subject ${HOME_SUBJECT}`);
    const history = page.getByRole('region', { name: 'Record history' });
    await history.getByText('History of Medication etanercept from 2011-01-29').click();
    await history.locator('table.history').getByText('Entered').first().waitFor();
    await history.getByText('History of Eligibility answer: infection or malignancy').click();
    await history.locator('table.history').nth(1).getByText('Entered').first().waitFor();
    // Raising may also name the subject's medications and eligibility answers (a monitor's task).
    await page.close();
    page = await open('mona', subjectPath, `Subject ${HOME_SUBJECT}`);
    const queries = page.getByRole('region', { name: 'Queries' });
    await queries.getByRole('button', { name: 'Raise a query' }).click();
    await queries
      .getByLabel('Record')
      .selectOption({ label: 'Medication etanercept from 2011-01-29' });
    await queries.getByLabel('Field').selectOption({ label: 'Last day (empty: ongoing)' });
    await queries.getByLabel('Question').fill('Stop day from the pharmacy record?');
    await queries.getByRole('button', { name: 'Raise query' }).click();
    await queries
      .getByText(/Medication demo\/D01\/etanercept\/2011-01-29, field Last day/)
      .waitFor();
    await page.close();
  });

  test('the DSMB reads the report pseudonymised, and has no subject page nor edit controls', async () => {
    const page = await open('dora', '', `Study ${STUDY}`);
    await page.getByRole('link', { name: "The study's report" }).click();
    await page.getByRole('heading', { name: `Report of study ${STUDY}`, level: 1 }).waitFor();
    await page.getByText('Pseudonymised:', { exact: false }).waitFor();
    await page.getByRole('table', { name: /^Baseline/ }).waitFor();
    await page.getByRole('table', { name: /^All adverse events, primary window/ }).waitFor();
    const week8 = page.getByRole('table', { name: /^Week 8.*each measure against baseline/ });
    await week8.waitFor();
    // Effect sizes and both p conventions (ADR 0014, 0015), and the tests counted.
    const week8Text = (await week8.textContent()) ?? '';
    assert.match(week8Text, /Median change \(exact CI\).*SPSS-style p/);
    assert.match(week8Text, /Active joints6.*-3\.5 \(-8–1; 96\.9% CI\)0\.125exact permutation/);
    await page
      .getByText(/Rate ratio .*\(central p, twice the smaller one-sided p/)
      .first()
      .waitFor();
    await page
      .getByText(/non-responders imputed/)
      .first()
      .waitFor();
    await page.getByText(/^Multiplicity: \d+ tests in this report/).waitFor();
    await page.getByRole('table', { name: /^Retreatment at the data cut/ }).waitFor();
    await page.getByRole('table', { name: /^The MSC product of each infusion/ }).waitFor();
    // The AE comparison's limits in words, its per-patient analysis and tables (ADR 0020, 0021).
    await page.getByText(/^Single arm: there is no control group/).waitFor();
    await page.getByText(/^Per patient \(AEs per patient-year\): median change -6/).waitFor();
    await page.getByRole('table', { name: 'By relatedness' }).waitFor();
    await page
      .getByText(/^Intercurrent events \(treatment-policy strategy/)
      .first()
      .waitFor();
    const infusions = (await page.getByRole('table', { name: /^Infusions/ }).textContent()) ?? '';
    assert.match(infusions, /day \d+/);
    assert.doesNotMatch(infusions, /\d{4}-\d{2}-\d{2}/, 'no calendar date of a subject');
    assert.equal(await page.getByRole('link', { name: /export/ }).count(), 0, 'no export');
    await review(page, 'report');

    await page.goto(`${env.server.url}/#/studies/${STUDY}${subjectPath}`);
    await page.getByRole('alert').waitFor();
    for (const name of [/^Sign (visit|the)/, /^Raise/, /^Answer/, /^Close/, /^Acknowledge/])
      assert.equal(await page.getByRole('button', { name }).count(), 0);
    assert.equal(await page.getByRole('link', { name: 'New visit' }).count(), 0);
    await page.close();
  });

  test('the data manager downloads the export; the report is identified', async () => {
    const page = await open('dana', '/report', `Report of study ${STUDY}`);
    const link = page.getByRole('link', { name: /Download the study export/ });
    await link.waitFor();
    assert.equal(await page.getByText('Pseudonymised:', { exact: false }).count(), 0);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), `${STUDY}-bundle.zip`);
    await page.close();
  });
});
