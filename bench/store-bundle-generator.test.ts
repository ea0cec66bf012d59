import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readBundle } from '@jia-trial/interop';
import { writeStoreBundle } from './store-bundle-generator.js';

const dir = mkdtempSync(join(tmpdir(), 'jia-bench-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the benchmark bundle is a valid bundle of the requested size (the benchmark would fail on it otherwise)', async () => {
  const written = await writeStoreBundle(join(dir, 'b'), {
    subjects: 50,
    visitsPerSubject: 4,
    seed: 1,
  });
  const reading = readBundle(written.dir, 10);
  assert.deepEqual(reading.problems.sorted([]), []);
  assert.equal(reading.counts.get('subjects.csv'), 50);
  assert.equal(reading.counts.get('visits.csv'), 200);
});
