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

/** The PDF of `html`, or why it could not be made (the caller writes it: private, atomically). */
export async function renderPdf(
  html: string,
  env: NodeJS.ProcessEnv,
): Promise<{ written: true; pdf: Uint8Array } | { written: false; why: string }> {
  const executable = env.JIA_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executable))
    return {
      written: false,
      why: `no Chromium at ${executable} (install Debian's chromium, or set JIA_CHROMIUM)`,
    };
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath: executable, args: FLAGS });
  } catch (error) {
    return { written: false, why: `Chromium at ${executable} did not start: ${firstLine(error)}` };
  }
  try {
    const page = await browser.newPage();
    // The page is self-contained: nothing to load from the network.
    await page.setContent(html, { waitUntil: 'load' });
    // No `path`: Chromium would create the file with the umask's mode (0644), readable by all.
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
    });
    return { written: true, pdf };
  } catch (error) {
    return { written: false, why: `Chromium failed to print: ${firstLine(error)}` };
  } finally {
    await browser.close().catch(() => {});
  }
}

/** Playwright's messages run over many lines (a call log): the first says what happened. */
function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? 'unknown error';
}
