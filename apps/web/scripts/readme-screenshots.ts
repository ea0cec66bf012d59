/**
 * The README's screenshots (docs/images/): the study dashboard, and visit entry on the body map
 * with its live scores, taken from the application on the demo study as the browser tests run
 * it (apps/web/tests/browser-support.ts). Build the application first.
 *
 * Usage: node --conditions=source --import tsx apps/web/scripts/readme-screenshots.ts
 */
import { fileURLToPath } from 'node:url';
import { PASSWORD, signIn, startBrowserEnv } from '../tests/browser-support.js';

const OUT = fileURLToPath(new URL('../../../docs/images/', import.meta.url));

const env = await startBrowserEnv();
try {
  await env.server.addUser('ines', [['investigator', 'UMCU']]);
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 860 } });
  await signIn(page, env.server, 'ines', PASSWORD);
  await page.goto(`${env.server.url}/#/studies/demo`);
  await page.locator('#alerts-title').waitFor();
  await page.screenshot({ path: `${OUT}dashboard.png` });

  await page.goto(`${env.server.url}/#/studies/demo/subjects/D01/visits/new`);
  await page.getByLabel('Visit identifier').fill('D01-EXAMPLE');
  await page.getByLabel('Visit date (YYYY-MM-DD)').fill('2017-07-01');
  await page.getByLabel(/^Physician's global assessment/).fill('3.5');
  await page.getByLabel(/^Parent's or patient's global/).fill('4');
  await page.getByLabel(/^Erythrocyte sedimentation rate/).fill('30');
  for (const joint of ['knee_l', 'ankle_r', 'wrist_r']) {
    await page.locator(`[data-joint="${joint}"]`).click();
    await page.getByLabel('Swelling').check();
  }
  await page.locator('[data-score="jadas10"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${OUT}visit-entry.png` });
  console.error(`wrote ${OUT}dashboard.png and ${OUT}visit-entry.png`);
} finally {
  await env.close();
}
