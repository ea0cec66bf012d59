import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
const [file, ...rest] = process.argv.slice(2);
const seg = 1300;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 800, height: seg } });
await page.setContent(`<body style="margin:0"><img style="display:block" src="data:image/png;base64,${readFileSync(file).toString('base64')}"></body>`);
await page.waitForFunction(() => document.images[0]?.complete);
const h = await page.evaluate(() => document.images[0]?.naturalHeight ?? document.body.scrollHeight);
const w = await page.evaluate(() => document.images[0]?.naturalWidth ?? 800);
await page.setViewportSize({ width: w, height: seg });
const name = file.split('/').pop().replace('.png', '');
let n = 0;
for (let y = 0; y < h; y += seg) {
  await page.screenshot({ path: `/tmp/crops/${name}-${n++}.png`, clip: { x: 0, y, width: w, height: Math.min(seg, h - y) }, fullPage: true });
}
console.log(name, h, n);
await browser.close();
