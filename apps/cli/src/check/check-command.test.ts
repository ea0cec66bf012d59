import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, useTestDatabase } from '../test-support.js';

describe('jia-trial check --study: the data-quality checks on demand', () => {
  useTestDatabase();
  test('stores what the rules find, finds nothing new the second time, lists the open ones', async () => {
    const demo = join(import.meta.dirname, '../../../../examples/msc-jia-demo');
    assert.equal((await runCli('import', demo, '--study', 'msc-jia-demo')).code, 0);
    // No protocol stored with an imported bundle: named on the command line.
    const first = await runCli(
      'check',
      '--study',
      'msc-jia-demo',
      '--protocol',
      'msc-jia',
      '--as-of',
      '2017-12-31',
      '--json',
    );
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout);
    assert.ok(summary.opened > 0);
    assert.equal(summary.open, summary.opened);
    assert.equal(summary.ruleSetVersion, 0);
    const second = await runCli(
      'check',
      '--study',
      'msc-jia-demo',
      '--protocol',
      'msc-jia',
      '--as-of',
      '2017-12-31',
      '--list',
    );
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stdout,
      new RegExp(`0 opened, 0 updated, 0 resolved, ${summary.open} unchanged`),
    );
    assert.match(second.stdout, /^UMCU D01$/m);
    assert.match(second.stdout, /DQ-\d+ {2}engine_deviations {2}msc-jia-demo\/D01: VISIT_MISSED/);
    // Without a protocol, the windows and deviations are not checked, and it says so.
    const without = await runCli('check', '--study', 'msc-jia-demo', '--as-of', '2017-12-31');
    assert.match(without.stderr, /has no protocol/);
    assert.match(without.stdout, /resolved/);
    assert.equal(
      (await runCli('check', '--study', 'msc-jia-demo', '--as-of', '2017-13-01')).code,
      2,
    );
    assert.equal((await runCli('check', '--study', 'nope')).code, 1);
  });
});
