/** Test helpers shared by the tests of interop and of the command line: scratch files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One temporary root per test process, removed when the process exits. */
let scratchRoot: string | null = null;

export function scratchDir(): string {
  if (scratchRoot === null) {
    const root = mkdtempSync(join(tmpdir(), 'jia-trial-test-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    scratchRoot = root;
  }
  return mkdtempSync(join(scratchRoot, 'case-'));
}

/** Writes `content` to a new file in a fresh scratch directory and returns its path. */
export function scratchFile(name: string, content: string | Uint8Array): string {
  const path = join(scratchDir(), name);
  writeFileSync(path, content);
  return path;
}
