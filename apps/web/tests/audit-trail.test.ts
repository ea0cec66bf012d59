/**
 * The audit trail page (issue 18, "Audit review") in Chromium against a real server with the
 * demo study (browser-support.ts): a change made through the API shows with its fields old ->
 * new and its reason; filtering by subject and by what happened narrows the list, is kept in
 * the location and undone by the back button; a failed sign-in shows as a security event; the
 * whole trail and the filtered view download; a nurse (no `audit.review`) has no link and is
 * refused. The page passes review(): heading, axe, 768 px.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
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
const VISIT = 'D01-AUDIT';
const REASON = 'transcription error in the audit test';

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('dana', [['data_manager', null]]);
  await env.server.addUser('nora', [['nurse', HOME_SITE]]);
  // A visit entered, then its ESR corrected with a reason, through the API.
  const nora = await env.server.client('nora');
  const path = `/api/v1/studies/${STUDY}/visits/${VISIT}`;
  const visit = { subjectId: HOME_SUBJECT, visitDate: '2017-06-01', esr: 12 };
  const created = await nora.request('PUT', path, visit);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const changed = await nora.request(
    'PUT',
    path,
    { ...visit, esr: 14, reason: REASON },
    { 'if-match': '1' },
  );
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
});
after(() => env?.close());

async function signedIn(username: string): Promise<Page> {
  const page = await env.browser.newPage();
  await signIn(page, env.server, username, PASSWORD);
  await page.getByRole('heading', { name: 'Your studies' }).waitFor();
  return page;
}

/** The list's heading read: the total the filter keeps. */
async function total(page: Page): Promise<number> {
  const heading = page.getByRole('heading', { name: /^(Events \d+–\d+ of \d+|No event)/ });
  await heading.waitFor();
  const [, n] = /of (\d+)/.exec((await heading.textContent()) ?? '') ?? [];
  return Number(n ?? 0);
}

/** The list's rows, each its cells' text. */
async function rows(page: Page): Promise<string[][]> {
  return page
    .getByRole('region', { name: 'Audit events' })
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
}

async function show(page: Page, before: number): Promise<number> {
  await page.getByRole('button', { name: 'Show' }).click();
  // The list is read again: wait until its heading says something else.
  await page
    .getByRole('heading', { name: new RegExp(`^Events \\d+–\\d+ of (?!${before}\\b)\\d+`) })
    .or(page.getByRole('heading', { name: 'No event matches this filter' }))
    .waitFor();
  return total(page);
}

test('the data manager filters the trail by subject and operation; the back button undoes it', async () => {
  const page = await signedIn('dana');
  await page
    .getByRole('link', { name: new RegExp(STUDY) })
    .first()
    .click();
  await page.getByRole('link', { name: 'Audit trail' }).click();
  await page.getByRole('heading', { name: `Audit trail of study ${STUDY}`, level: 1 }).waitFor();
  const all = await total(page);
  assert.ok(all > 50, `the demo study's trail holds ${all} events`);
  // A full page of 50 events (inserts list every field) is too tall to screenshot in time on a
  // busy machine: its width is checked here, review() runs on the filtered view below.
  await page.setViewportSize({ width: 768, height: 900 });
  assert.ok(((await page.evaluate('document.documentElement.scrollWidth')) as number) <= 768);
  await page.setViewportSize({ width: 1280, height: 900 });
  // The API's pages, 50 events each, forward by its cursor and back.
  const pages = page.getByRole('navigation', { name: 'Pages of the audit trail' });
  await pages.getByRole('button', { name: 'Next page' }).click();
  await page.getByRole('heading', { name: new RegExp(`^Events 51–\\d+ of ${all},`) }).waitFor();
  assert.match((await pages.textContent()) ?? '', new RegExp(`Page 2 of ${Math.ceil(all / 50)}`));
  await pages.getByRole('button', { name: 'Previous page' }).click();
  await page.getByRole('heading', { name: `Events 1–50 of ${all}, oldest first` }).waitFor();

  await page.getByLabel('Subject').fill(HOME_SUBJECT);
  await page.getByLabel('What happened').selectOption({ label: 'Changed (update)' });
  const narrowed = await show(page, all);
  assert.ok(narrowed >= 1 && narrowed < all, `${narrowed} of ${all}`);
  assert.match(
    page.url(),
    new RegExp(`#/studies/${STUDY}/audit\\?subject=${HOME_SUBJECT}&what=update$`),
  );
  const listed = await rows(page);
  assert.equal(listed.length, narrowed);
  for (const [, , , subject, , what] of listed)
    assert.deepEqual([subject, what], [HOME_SUBJECT, 'Changed']);
  const change = listed.find((r) => r.at(-1) === REASON);
  assert.ok(change, `the correction is listed:\n${listed.map((r) => r.join(' | ')).join('\n')}`);
  assert.equal(change[1], 'Test nora');
  assert.match(change[4] ?? '', /Visit/);
  assert.match(change[6] ?? '', /Erythrocyte sedimentation rate.*: 12 → 14/);
  await review(page, 'audit-trail');

  // The back button returns to the whole trail, and the form with it.
  await page.goBack();
  await page.getByRole('heading', { name: `Events 1–50 of ${all}` }).waitFor();
  assert.equal(await page.getByLabel('Subject').inputValue(), '');
  await page.goForward();
  await page.getByRole('heading', { name: `Events 1–${narrowed} of ${narrowed}` }).waitFor();
  assert.equal(await page.getByLabel('Subject').inputValue(), HOME_SUBJECT);
  await page.close();
});

test('a failed sign-in is a security event; the whole trail and the view download', async () => {
  const page = await env.browser.newPage();
  await signIn(page, env.server, 'dana', 'not the password at all');
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your studies' }).waitFor();
  // A shared view's address opens it with its filter.
  await page.goto(`${env.server.url}/#/studies/${STUDY}/audit?what=sign_in_failed`);
  await page.getByRole('heading', { name: `Audit trail of study ${STUDY}`, level: 1 }).waitFor();
  assert.equal(await total(page), 1);
  assert.equal(await page.getByLabel('What happened').inputValue(), 'sign_in_failed');
  const [failure] = await rows(page);
  assert.equal(failure?.[5], 'Failed sign-in');
  assert.match(failure?.[6] ?? '', /username: \(empty\) → dana/);
  await review(page, 'audit-trail-security');

  const [whole] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Whole trail (CSV)' }).click(),
  ]);
  assert.equal(whole.suggestedFilename(), `${STUDY}-audit-trail.csv`);
  const csv = parse(await readFile(await whole.path(), 'utf8'), { columns: true }) as Array<
    Record<string, string>
  >;
  assert.ok(csv.length > 50, `${csv.length} events in the CSV`);
  assert.ok(
    csv.some((r) => r.reason === REASON),
    'the correction is in the whole trail',
  );

  const [view] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'This view (JSON)' }).click(),
  ]);
  const events = JSON.parse(await readFile(await view.path(), 'utf8')) as Array<{
    table: string;
    newValues: { kind: string };
  }>;
  assert.deepEqual(
    events.map((e) => [e.table, e.newValues.kind]),
    [['security_event', 'sign_in_failed']],
  );
  await page.close();
});

test('a nurse has no link to the trail and is refused it', async () => {
  const page = await signedIn('nora');
  await page
    .getByRole('link', { name: new RegExp(STUDY) })
    .first()
    .click();
  await page.getByRole('link', { name: 'Form status by subject and visit' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Audit trail' }).count(), 0);
  await page.goto(`${env.server.url}/#/studies/${STUDY}/audit`);
  const refusal = page.getByRole('alert');
  await refusal.waitFor();
  assert.match(
    (await refusal.textContent()) ?? '',
    /^The audit trail could not be read: your roles in demo do not allow audit.review/,
  );
  assert.equal(await page.getByRole('region', { name: 'Audit events' }).count(), 0);
  await page.close();
});
