/**
 * Locks in Chromium against a real server (browser-support.ts): a data manager locks a visit
 * from its page with a reason; a nurse sees it locked (who, when, why), its fields disabled and
 * no save; the data manager unlocks it with a reason, and the nurse saves. The study page lists
 * the lock with its release.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
const VISIT = 'D01-W8';
const visitUrl = () => `${env.server.url}/#/studies/${STUDY}/subjects/${SUBJECT}/visits/${VISIT}`;

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('dora', [['data_manager', null]]);
  await env.server.addUser('nina', [['nurse', HOME_SITE]]);
});
after(() => env?.close());

describe('locking a visit', () => {
  test('locked by a data manager: the nurse cannot save; unlocked with a reason: she can', async () => {
    const dora = await env.browser.newPage();
    await signIn(dora, env.server, 'dora', PASSWORD);
    await dora.getByRole('button', { name: 'Sign out' }).waitFor();
    await dora.goto(visitUrl());
    await dora
      .getByRole('heading', { name: new RegExp(`^Visit ${VISIT} of ${SUBJECT}`) })
      .waitFor();
    assert.equal(await dora.getByRole('note', { name: 'Locked' }).count(), 0);
    await dora.getByLabel(`Lock visit ${VISIT} as`).selectOption('lock');
    await dora
      .getByLabel('Reason (kept on the lock and in the audit trail)')
      .fill('interim analysis');
    await dora.getByRole('button', { name: `Lock visit ${VISIT}`, exact: true }).click();
    const banner = dora.getByRole('note', { name: 'Locked' });
    await banner.waitFor();
    assert.match(
      (await banner.textContent()) ?? '',
      /Visit D01-W8 is locked \(L-1\) by Test dora, .* UTC: interim analysis/,
    );
    await review(dora, 'visit-locked-data-manager');

    const nina = await env.browser.newPage();
    await signIn(nina, env.server, 'nina', PASSWORD);
    await nina.getByRole('button', { name: 'Sign out' }).waitFor();
    await nina.goto(visitUrl());
    const seen = nina.getByRole('note', { name: 'Locked' });
    await seen.waitFor();
    assert.match((await seen.textContent()) ?? '', /by Test dora, .*: interim analysis/);
    const esr = nina.getByLabel(/^Erythrocyte sedimentation rate/);
    assert.equal(await esr.isDisabled(), true);
    assert.equal(await nina.getByRole('button', { name: 'Save changes' }).count(), 0);
    await nina.getByText('Read only: the visit is locked.').waitFor();
    // No control to unlock for a nurse.
    assert.equal(await nina.getByRole('button', { name: /Unlock/ }).count(), 0);
    await review(nina, 'visit-locked-nurse');

    await dora
      .getByLabel(`Reason to unlock visit ${VISIT}`)
      .fill('ESR to be corrected from the chart');
    await dora.getByRole('button', { name: `Unlock visit ${VISIT}` }).click();
    await dora.getByRole('button', { name: `Lock visit ${VISIT}`, exact: true }).waitFor();
    assert.equal(await dora.getByRole('note', { name: 'Locked' }).count(), 0);

    await nina.reload();
    await nina.getByRole('button', { name: 'Save changes' }).waitFor();
    assert.equal(await nina.getByRole('note', { name: 'Locked' }).count(), 0);
    const heading = (await nina.locator('h1').textContent()) ?? '';
    const version = Number(/version (\d+)/.exec(heading)?.[1]);
    await nina.getByLabel(/^Erythrocyte sedimentation rate/).fill('33');
    await nina.getByLabel('Reason for the change (kept in the audit trail)').fill('chart says 33');
    await nina.getByRole('button', { name: 'Save changes' }).click();
    await nina
      .getByRole('heading', { name: `Visit ${VISIT} of ${SUBJECT} (version ${version + 1})` })
      .waitFor();

    // The study page lists the lock with who released it and why.
    await dora.goto(`${env.server.url}/#/studies/${STUDY}`);
    await dora.getByRole('heading', { name: 'Locks' }).waitFor();
    const row = dora.getByRole('row', { name: /L-1/ });
    await row.waitFor();
    assert.match(
      (await row.textContent()) ?? '',
      /visit D01-W8.*locked.*interim analysis.*ESR to be corrected from the chart/,
    );
    await review(dora, 'study-locks');
  });
});
