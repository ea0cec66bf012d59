/**
 * Randomisation in Chromium against a real server (browser-support.ts) on the withdrawal-design
 * example (examples/jia-withdrawal; everyone but the administrator and the DSMB blinded, the
 * investigator may unblind): a data manager generates the list on the study's Randomisation page
 * (digests and strata shown, no arm); a nurse randomises a due subject from its page after a
 * confirmation and sees "blinded", never the arm; the investigator unblinds it with a reason and
 * sees the arm; the nurse still does not, and sees the unblinding recorded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { protocolById } from '@jia-trial/protocols';
import type { Page } from 'playwright-core';
import { exampleBundle } from '../../server/src/test-support.js';
import { type BrowserEnv, PASSWORD, review, signIn, startBrowserEnv } from './browser-support.js';

const W = 'jia-withdrawal-demo';
const SPEC = protocolById('jia-withdrawal').randomisation;
const ARM_TEXTS = (SPEC?.arms ?? []).flatMap((a) => [a.id, a.label]);

let env: BrowserEnv;
const subjectUrl = (id: string) => `${env.server.url}/#/studies/${W}/subjects/${id}`;

async function signedIn(username: string): Promise<Page> {
  const page = await env.browser.newPage();
  await signIn(page, env.server, username, PASSWORD);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

/** The page's text, outside the protocol's own words, holds no arm id or label. */
async function assertNoArm(page: Page, what: string) {
  const text = (await page.evaluate('document.body.innerText')) as string;
  for (const arm of ARM_TEXTS)
    assert.ok(!new RegExp(`(^|[^A-Za-z_-])${arm}($|[^A-Za-z_-])`).test(text), `${what}: ${arm}`);
}

before(async () => {
  env = await startBrowserEnv({
    today: '2024-12-16',
    studies: [{ studyId: W, bundle: exampleBundle('jia-withdrawal'), protocol: 'jia-withdrawal' }],
  });
  await env.server.addUser('rita', [['data_manager', null]], W);
  await env.server.addUser('nils', [['nurse', 'AMS']], W);
  await env.server.addUser('ivo', [['investigator', 'AMS']], W);
});
after(() => env?.close());

describe('randomisation in the browser', () => {
  test('generate, randomise a due subject (blinded), unblind with a reason', async () => {
    const rita = await signedIn('rita');
    await rita.goto(`${env.server.url}/#/studies/${W}`);
    await rita.getByRole('link', { name: 'Randomisation', exact: true }).click();
    await rita.getByRole('heading', { name: 'Randomisation', level: 1 }).waitFor();
    await rita.getByText('No allocation list yet').waitFor();
    await rita.getByRole('button', { name: 'Generate allocation list' }).click();
    await rita.getByRole('button', { name: 'Confirm: generate the list' }).click();
    const digest = rita.getByTestId('list-digest');
    await digest.waitFor();
    assert.match((await digest.textContent()) ?? '', /^[0-9a-f]{64}$/);
    await rita.getByRole('cell', { name: '0' }).first().waitFor();
    await review(rita, 'randomisation-study-page');

    const nils = await signedIn('nils');
    await nils.goto(subjectUrl('W02'));
    await nils.getByRole('heading', { name: 'Randomisation' }).waitFor();
    await nils.getByText(/Due for randomisation/).waitFor();
    await nils.getByRole('button', { name: 'Randomise' }).click();
    await nils.getByRole('button', { name: 'Confirm randomisation' }).click();
    const arm = nils.getByTestId('randomisation-arm');
    await arm.waitFor();
    assert.equal(await arm.textContent(), 'blinded');
    await assertNoArm(nils, "the nurse's subject page");
    assert.equal(await nils.getByRole('button', { name: 'Randomise' }).count(), 0);
    await review(nils, 'randomisation-subject-blinded');

    const ivo = await signedIn('ivo');
    await ivo.goto(subjectUrl('W02'));
    await ivo.getByRole('heading', { name: 'Emergency unblinding' }).waitFor();
    assert.equal(await ivo.getByTestId('randomisation-arm').textContent(), 'blinded');
    const unblind = ivo.getByRole('button', { name: 'Unblind' });
    assert.equal(await unblind.isDisabled(), true, 'no reason, no unblinding');
    await ivo.getByLabel('Reason for unblinding').fill('suspected anaphylaxis');
    await unblind.click();
    const revealed = ivo.getByRole('status');
    await revealed.waitFor();
    const labels = (SPEC?.arms ?? []).map((a) => a.label);
    const shown = (await revealed.textContent()) ?? '';
    assert.ok(
      labels.some((label) => shown.includes(label)),
      shown,
    );
    await ivo.getByText(/Test ivo \(investigator\): suspected anaphylaxis/).waitFor();
    await review(ivo, 'randomisation-subject-unblinded');

    await nils.reload();
    await nils.getByText(/Test ivo \(investigator\): suspected anaphylaxis/).waitFor();
    assert.equal(await nils.getByTestId('randomisation-arm').textContent(), 'blinded');
    await assertNoArm(nils, "the nurse's subject page after the unblinding");
  });
});
