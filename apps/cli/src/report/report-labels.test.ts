/**
 * What `jia-trial report` says about its own input (issue 16, "Report honesty"): a bundle that
 * says it is synthetic is reported as synthetic, whichever command reports it; the AE window's
 * limits as the option accepts them; a window equal to the sensitivity window reported once;
 * a custom read-out with a readable title.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, scratchDir } from '../test-support.js';
import { DEMO_AS_OF } from './demo.js';
import { demoBundle } from './report-command.js';
import { bundleSaysSynthetic } from './synthetic-bundle.js';

// The PDF is not what these tests check: without it each report is written in a moment.
before(() => {
  process.env.JIA_CHROMIUM = '/nonexistent/chromium';
});
after(() => {
  delete process.env.JIA_CHROMIUM;
});

async function report(bundle: string, ...options: string[]) {
  const out = join(scratchDir(), 'report');
  const run = await runCli('report', bundle, '--out', out, '--as-of', DEMO_AS_OF, ...options);
  assert.equal(run.code, 0, run.stderr);
  return {
    html: readFileSync(join(out, 'report.html'), 'utf8'),
    json: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')),
    stderr: run.stderr,
  };
}

describe('a synthetic bundle is reported as synthetic', () => {
  test("`report examples/msc-jia-demo` (the README's example) says so in the title, a banner and report.json", async () => {
    const { html, json } = await report(demoBundle());
    assert.match(html, /<h1>SYNTHETIC DATA: /);
    // Its study file says so (issue 16, "Data safety"), not only its README.
    assert.match(
      html,
      /class="banner">SYNTHETIC DATA: the study file \(study\.csv\) of this study says/,
    );
    assert.equal(json.synthetic, true);
    assert.match(json.note, /invented/);
  });
  test('examples/msc-pilot, whose README says "**Synthetic data**", too', async () => {
    const pilot = join(import.meta.dirname, '../../../../examples/msc-pilot');
    const { html, json } = await report(pilot, '--as-of', '2020-06-01');
    assert.match(html, /<h1>SYNTHETIC DATA: /);
    assert.equal(json.synthetic, true);
  });
  test('a README that only mentions synthetic data in passing does not mark the bundle', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'README.md'), '# A real study\n\nNo **synthetic data** here.\n');
    assert.equal(bundleSaysSynthetic(dir), false);
    writeFileSync(join(dir, 'README.md'), '# A demo\n\n**SYNTHETIC DATA.** Invented.\n');
    assert.equal(bundleSaysSynthetic(dir), true);
  });
  test('without its README the demo bundle is synthetic by its study file; without both, not', async () => {
    const copy = join(scratchDir(), 'no-readme');
    cpSync(demoBundle(), copy, { recursive: true });
    rmSync(join(copy, 'README.md'));
    const byStudyFile = await report(copy);
    assert.match(byStudyFile.html, /<h1>SYNTHETIC DATA: /);
    assert.equal(byStudyFile.json.synthetic, true);
    writeFileSync(join(copy, 'study.csv'), 'study_id,synthetic\nmsc-jia-demo,false\n');
    const { html, json } = await report(copy);
    assert.doesNotMatch(html, /SYNTHETIC/);
    assert.equal(json.synthetic, false);
    rmSync(join(copy, 'study.csv'));
    assert.equal((await report(copy)).json.synthetic, false);
  });
  test('`demo` keeps its own note, and the title says synthetic too', async () => {
    const out = join(scratchDir(), 'demo');
    assert.equal((await runCli('demo', '--out', out)).code, 0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<h1>SYNTHETIC DATA: /);
    assert.match(html, /SYNTHETIC DEMONSTRATION DATA: six invented patients/);
  });
});

describe('--ae-window-months', () => {
  test('0 is refused saying what is accepted: more than 0, at most 120', async () => {
    for (const value of ['0', '-1', '121', 'x']) {
      const run = await runCli(
        'report',
        demoBundle(),
        '--out',
        scratchDir(),
        '--ae-window-months',
        value,
      );
      assert.equal(run.code, 2, value);
      assert.match(run.stderr, /must be a number of months greater than 0 and at most 120/);
      assert.doesNotMatch(run.stderr, /between 0 and 120/);
    }
  });
  test('120 and 0.5 are accepted (both sides of each limit)', async () => {
    assert.equal(
      (await report(demoBundle(), '--ae-window-months', '120')).json.adverseEvents.windowMonths,
      120,
    );
    assert.equal(
      (await report(demoBundle(), '--ae-window-months', '0.5')).json.adverseEvents.windowMonths,
      0.5,
    );
  });
  test('12, the sensitivity window: the 12-month analysis is printed once, not again as sensitivity', async () => {
    const { html, json } = await report(demoBundle(), '--ae-window-months', '12');
    assert.equal(json.adverseEvents.windowMonths, 12);
    assert.doesNotMatch(html, /<h3>Sensitivity: 12 months/);
    assert.match(
      html,
      /Sensitivity: the 12-month window is the primary window here; it is not repeated/,
    );
    assert.equal(
      json.multiplicity.families.some(
        (f: { family: string; tests: number }) =>
          f.family === 'adverseEvents.sensitivity' && f.tests > 0,
      ),
      false,
      'its tests are not counted twice',
    );
  });
  test('3 (the protocol default): the 12-month sensitivity analysis is there', async () => {
    const { html } = await report(demoBundle());
    assert.match(html, /<h3>Sensitivity: 12 months from the first infusion/);
  });
});

test('a custom read-out gets a readable title', async () => {
  const { html, json } = await report(
    demoBundle(),
    '--readout',
    'month6=182:21',
    '--readout',
    'visitX=100:10',
  );
  assert.equal(json.efficacy.month6.label, 'Month 6');
  assert.equal(json.efficacy.visitX.label, 'Read-out visitX (day 100)');
  assert.match(html, /<h3>Month 6 \(the visit nearest day 182/);
});
