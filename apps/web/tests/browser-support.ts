/**
 * What the browser tests share (docs/web.md, "Tests"): Debian's Chromium driven by
 * playwright-core, a real server on real PostgreSQL with the demo study (the server's
 * startTestServer), axe-core in the page, and screenshots in test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import {
  startTestServer,
  type TestServer,
  type TestServerOptions,
} from '../../server/src/test-support.js';

export {
  HOME_SITE,
  HOME_SUBJECT,
  OTHER_SITE,
  OTHER_SUBJECT,
  PASSWORD,
  STUDY,
  TODAY,
} from '../../server/src/test-support.js';

const CHROMIUM = process.env.JIA_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../../test-artifacts/screenshots/', import.meta.url);
const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface BrowserEnv {
  readonly server: TestServer;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** A test server with the demo study (and the settings given) and a headless Chromium. */
export async function startBrowserEnv(options: TestServerOptions = {}): Promise<BrowserEnv> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  const server = await startTestServer(options);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Serious and critical WCAG 2.1 A/AA violations on the page, as "rule: target" lines. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })) as {
      violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }>;
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.targets.join(', ')}`);
}

/** Checks the page with axe and saves it at 1280 and 768 px as `<name>-<width>.png`. */
export async function review(page: Page, name: string): Promise<void> {
  // Real content, not a blank page, the application still loading (no page heading yet) or the
  // error boundary's apology. A part of a page may still be loading: the page is there.
  const text = ((await page.evaluate('document.body.innerText')) as string).trim();
  assert.ok(text.length > 40, `${name} shows little: ${JSON.stringify(text.slice(0, 200))}`);
  assert.doesNotMatch(text, /This page could not be shown/, `${name} is the error page`);
  assert.ok((await page.locator('h1').count()) > 0, `${name} has no page heading`);
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility of ${name}`);
  for (const width of [1280, 768]) {
    await page.setViewportSize({ width, height: 900 });
    // A tablet never scrolls the page sideways: a wide table scrolls within its own box.
    const pageWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    assert.ok(pageWidth <= width, `${name} is ${pageWidth} px wide at ${width} px`);
    await page.screenshot({
      path: new URL(`${name}-${width}.png`, SCREENSHOTS).pathname,
      fullPage: true,
    });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Signs in on the application's sign-in page. */
export async function signIn(
  page: Page,
  server: TestServer,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
