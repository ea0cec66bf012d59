/**
 * Visit entry in Chromium against a real server (browser-support.ts): a visit recorded on the
 * body map by mouse and keyboard, its live scores equal to the outcome library's (the server's
 * own scoring), saved and read back through the API; what was typed survives a reload; a change
 * made meanwhile through the API is shown as a conflict beside the typed values, which are kept
 * and saved only when the user chooses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { referenceVisitOf, scoreAgainstReference } from '@jia-trial/dictionary';
import type { Page } from 'playwright-core';
import { visitRecordOfJson } from '../src/visit/visit-form.js';
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
const VISIT = 'D01-E2E';

before(async () => {
  env = await startBrowserEnv();
  await env.server.addUser('ivan', [['investigator', HOME_SITE]]);
});
after(() => env?.close());

const scoreText = (page: Page, id: string) =>
  page.locator(`[data-score="${id}"] .score-value`).textContent();

describe('visit entry', () => {
  test('record a visit on the body map, see the scores, save it, meet a conflict', async () => {
    const api = await env.server.client('ivan');
    const page = await env.browser.newPage();
    await signIn(page, env.server, 'ivan', PASSWORD);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${env.server.url}/#/studies/${STUDY}/subjects/${SUBJECT}/visits/new`);
    await page.getByRole('heading', { name: `New visit of ${SUBJECT}` }).waitFor();

    await page.getByLabel('Visit identifier').fill(VISIT);
    await page.getByLabel('Visit date (YYYY-MM-DD)').fill('2017-07-01');
    await page.getByLabel(/^Physician's global assessment/).fill('3.5');
    await page.getByLabel(/^Parent's or patient's global/).fill('4');
    await page.getByLabel(/^Erythrocyte sedimentation rate/).fill('30');
    await page.getByLabel('Duration of morning stiffness (min)').fill('10');

    // Mouse: the left knee, swollen.
    await page.locator('[data-joint="knee_l"]').click();
    await page.getByRole('group', { name: /Findings: Left knee/ }).waitFor();
    await page.getByLabel('Swelling').check();
    await page.getByRole('button', { name: 'Left knee: swollen' }).waitFor();
    // Keyboard: from the left knee to the right knee (the viewer's left), tender and limited.
    await page.locator('[data-joint="knee_l"]').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('t');
    await page.keyboard.press('l');
    await page.getByRole('button', { name: 'Right knee: tender, limited' }).waitFor();
    // Tender alone is not active (definitions.md 1.2): the right wrist by Enter and the panel.
    await page.keyboard.press('ArrowUp');
    const moved = await page.locator(':focus').getAttribute('aria-label');
    assert.match(moved ?? '', /^Right /);
    await page.locator('[data-joint="wrist_r"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: /Findings: Right wrist/ }).waitFor();
    await page.getByLabel('Pain on motion or tenderness').check();

    // A CHAQ answer with an aid: the domain scores at least 2.
    await page.getByLabel('Walking, item 1', { exact: true }).selectOption('0');
    await page.getByLabel('Aid, device or help: Walking, item 1').check();

    assert.equal(await scoreText(page, 'active-joints'), '2');
    // The outcome library's scores of the same values, against the subject's baseline.
    const subject = (await api.request('GET', `/api/v1/studies/${STUDY}/subjects/${SUBJECT}`)).body;
    const stored = subject.visits.map((v: { record: Record<string, unknown> }) =>
      visitRecordOfJson(v.record),
    );
    const typed = visitRecordOfJson({
      visitId: VISIT,
      subjectId: SUBJECT,
      visitDate: '2017-07-01',
      ilarCategory: subject.subject.record.ilarCategory,
      physicianGlobal: 3.5,
      parentGlobal: 4,
      esr: 30,
      morningStiffnessMinutes: 10,
      activeJoints: 2,
      limitedJoints: 1,
      activeJointCodes: ['knee_l', 'knee_r'],
      chaqDi: null,
    });
    const expected = scoreAgainstReference(typed, referenceVisitOf(typed, stored));
    assert.equal(await scoreText(page, 'jadas71'), String(expected.jadas71));
    assert.equal(await scoreText(page, 'jadas10'), String(expected.jadas10));
    assert.equal(await scoreText(page, 'jadas27'), String(expected.jadas27));
    assert.equal(await scoreText(page, 'cjadas10'), String(expected.cjadas10));
    assert.match((await scoreText(page, 'inactive-disease')) ?? '', /not inactive/);
    await review(page, 'visit-entry');

    // What was typed survives a reload (sessionStorage), as after an expired session.
    await page.reload();
    await page.getByText('What you typed before was restored').waitFor();
    assert.equal(await page.getByLabel('Visit identifier').inputValue(), VISIT);
    await page.getByRole('button', { name: 'Right knee: tender, limited' }).waitFor();

    await page.getByRole('button', { name: 'Save visit' }).click();
    await page.getByRole('heading', { name: `Visit ${VISIT} of ${SUBJECT} (version 1)` }).waitFor();
    const after = (await api.request('GET', `/api/v1/studies/${STUDY}/subjects/${SUBJECT}`)).body;
    const saved = after.visits.find(
      (v: { record: { visitId: string } }) => v.record.visitId === VISIT,
    );
    assert.deepEqual(saved.record.activeJointCodes, ['knee_l', 'knee_r']);
    assert.equal(saved.record.physicianGlobal, 3.5);
    assert.equal(saved.scores.jadas71, expected.jadas71);
    const findings = after.jointFindings.filter(
      (f: { record: { visitId: string } }) => f.record.visitId === VISIT,
    );
    assert.equal(findings.length, 3);
    const answers = after.chaqAnswers.filter(
      (a: { record: { visitId: string } }) => a.record.visitId === VISIT,
    );
    assert.deepEqual(
      answers.map((a: { record: unknown }) => a.record),
      [{ visitId: VISIT, item: 'walking_1', score: 0, aidOrHelp: true }],
    );
    // Each stored part has its own history on the visit's page.
    const parts = page.locator('details.part-histories');
    await parts.getByText('History of its joint findings and CHAQ answers (4)').click();
    await parts.getByText('History of Joint finding: Right knee').click();
    await parts.locator('table.history').getByText('Entered').first().waitFor();

    // Someone changes the visit meanwhile, through the API.
    const { visitId: _key, ...record } = saved.record;
    const theirs = await api.request(
      'PUT',
      `/api/v1/studies/${STUDY}/visits/${VISIT}`,
      { ...record, physicianGlobal: 9, reason: 'a concurrent correction' },
      { 'if-match': '1' },
    );
    assert.equal(theirs.status, 200, JSON.stringify(theirs.body));
    await page.getByLabel(/^Physician's global assessment/).fill('4');
    await page.getByLabel('Reason for the change (kept in the audit trail)').fill('typing error');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByRole('heading', { name: 'Someone else changed this visit meanwhile' })
      .waitFor();
    const conflict = page.getByRole('table', { name: /Stored version 2/ });
    // Its own row, not that of its missing-data code (physicianGlobalMissing).
    const row = conflict.getByRole('row', { name: /^physicianGlobal / });
    assert.match((await row.textContent()) ?? '', /physicianGlobal \(differs\)\s*9\s*4/);
    assert.equal(await page.getByLabel(/^Physician's global assessment/).inputValue(), '4');
    const stillStored = (await api.request('GET', `/api/v1/studies/${STUDY}/subjects/${SUBJECT}`))
      .body;
    assert.equal(
      stillStored.visits.find((v: { record: { visitId: string } }) => v.record.visitId === VISIT)
        .record.physicianGlobal,
      9,
    );
    await review(page, 'visit-entry-conflict');
    // The user keeps their value: saved over version 2.
    await page.getByRole('button', { name: 'Keep mine: save over version 2' }).click();
    await page.getByText(`Saved: visit ${VISIT}, version 3.`).waitFor();
    const last = (await api.request('GET', `/api/v1/studies/${STUDY}/subjects/${SUBJECT}`)).body;
    assert.equal(
      last.visits.find((v: { record: { visitId: string } }) => v.record.visitId === VISIT).record
        .physicianGlobal,
      4,
    );
    await page.close();
  });
});
