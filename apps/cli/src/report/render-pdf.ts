/**
 * report.pdf from report.html with Debian's Chromium, headless, driven by playwright-core (no
 * browser download: the system's /usr/bin/chromium, or JIA_CHROMIUM). Without a Chromium the
 * report is still written and the reason is returned to be shown.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function renderPdf(
  html: string,
  path: string,
  env: NodeJS.ProcessEnv,
): Promise<{ written: true } | { written: false; why: string }> {
  const executable = env.JIA_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executable))
    return {
      written: false,
      why: `no Chromium at ${executable} (install Debian's chromium, or set JIA_CHROMIUM)`,
    };
  const browser = await chromium.launch({ executablePath: executable, args: FLAGS });
  try {
    const page = await browser.newPage();
    // The page is self-contained: nothing to load from the network.
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({
      path,
      format: 'A4',
      printBackground: true,
      margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
    });
    return { written: true };
  } finally {
    await browser.close();
  }
}
