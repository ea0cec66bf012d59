import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { scoreVisitsFile } from '@jia-trial/interop';
import { writeVisitsFile } from './generate-visits.js';

const dir = mkdtempSync(join(tmpdir(), 'jia-bench-visits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the benchmark visits file scores without a problem (the benchmark would fail on it otherwise)', async () => {
  const file = join(dir, 'visits.csv');
  await writeVisitsFile(file, { visits: 2000, seed: 1, force: true });
  const chunks: Uint8Array[] = [];
  await scoreVisitsFile(
    file,
    { format: 'csv', scoring: {}, maxProblems: 10, threads: 1 },
    (write) => write((bytes) => void chunks.push(bytes.slice())),
  );
  const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
  assert.equal(lines.length, 2001, 'a header and one scored row per visit');
  assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 2001);
});
