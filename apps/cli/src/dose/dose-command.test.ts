import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../test-support.js';

test('jia-trial dose: cells for the weight, the accepted range and the volume', async () => {
  const run = await runCli('dose', '--weight', '32.5', '--concentration', '2000000');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /32\.5 kg x 2,000,000 cells\/kg = 65,000,000 cells/);
  assert.match(run.stdout, /accepted \(10%\): 58,500,000 to 71,500,000 cells/);
  assert.match(run.stdout, /volume: 32\.5 mL/);
  const json = JSON.parse((await runCli('dose', '--weight', '40', '--json')).stdout);
  assert.deepEqual([json.total, json.allowedRange, json.volumeMl], [8e7, [7.2e7, 8.8e7], null]);
});

test('a requested dose outside the tolerance is refused; bad input is a usage error', async () => {
  assert.equal((await runCli('dose', '--weight', '40', '--requested', '88000000')).code, 0);
  const refused = await runCli('dose', '--weight', '40', '--requested', '88000001');
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /dose refused: 88,000,001 cells is outside the protocol's 10% tolerance/,
  );
  assert.equal((await runCli('dose', '--weight', '0')).code, 2);
  assert.equal((await runCli('dose', '--weight', '40', '--protocol', 'jia-cohort')).code, 2);
});

test('a requested dose that passes is confirmed, at the limit too; --json says so', async () => {
  for (const requested of ['80000000', '88000000', '72000000']) {
    const run = await runCli('dose', '--weight', '40', '--requested', requested);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `requested ${Number(requested).toLocaleString('en-US')} cells: within the accepted range, confirmed`,
      ),
    );
  }
  const json = JSON.parse(
    (await runCli('dose', '--weight', '40', '--requested', '80000000', '--json')).stdout,
  );
  assert.equal(json.requestedConfirmed, true);
  const plain = await runCli('dose', '--weight', '40');
  assert.doesNotMatch(plain.stdout, /requested/);
});
