/**
 * `jia-trial audit anchor` and `verify-audit --expect-head / --anchors` (issue 15; docs/audit-trail.md,
 * "Anchors"): a head kept outside the database, plain or signed, checked later.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
useTestDatabase();

test('an anchor printed by audit anchor verifies; an edited one and a head past the end do not', async () => {
  assert.equal((await runCli('import', EXAMPLE, '--study', 'pilot')).code, 0);
  const json = await runCli('verify-audit', '--json');
  assert.equal(json.code, 0, json.stdout);
  const { head } = JSON.parse(json.stdout);
  assert.ok(Number.isInteger(head.blockSeq) && /^[0-9a-f]{64}$/.test(head.hash));

  const anchored = await runCli('audit', 'anchor');
  assert.equal(anchored.code, 0, anchored.stderr);
  const anchor = JSON.parse(anchored.stdout);
  assert.deepEqual([anchor.blockSeq, anchor.hash], [head.blockSeq, head.hash]);
  const file = join(scratchDir(), 'anchors.jsonl');
  writeFileSync(file, anchored.stdout);
  const checked = await runCli(
    'verify-audit',
    '--anchors',
    file,
    '--expect-head',
    `${head.blockSeq}:${head.hash}`,
  );
  assert.equal(checked.code, 0, checked.stdout);
  assert.match(checked.stdout, /audit trail intact/);

  writeFileSync(file, `${JSON.stringify({ ...anchor, blockSeq: anchor.blockSeq + 1 })}\n`);
  const edited = await runCli('verify-audit', '--anchors', file);
  assert.equal(edited.code, 1);
  assert.match(edited.stdout, /anchor 1: its signature does not verify/);

  const past = await runCli('verify-audit', '--expect-head', `${head.blockSeq + 5}:${head.hash}`);
  assert.equal(past.code, 1);
  assert.match(past.stdout, /BROKEN expected head \d+: the chain ends at block \d+, before it/);
});

test('a malformed --expect-head is a usage error', async () => {
  const bad = await runCli('verify-audit', '--expect-head', '12:nothex');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /expected SEQ:HASH/);
});
