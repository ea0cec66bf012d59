/**
 * docs/errors.md lists every error code, as generated from the registry; and every code the
 * source raises is in it (a JiaError's code is typed, but a code can also be written as text,
 * in a test or a map of database codes).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES } from '@jia-trial/errors';
import { ERRORS_DOC, renderErrorsDoc } from './render-error-codes.js';

const ROOT = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'dist') return [];
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('docs/errors.md is generated from the registry (scripts/render-error-codes.ts)', () => {
  assert.equal(
    readFileSync(ERRORS_DOC, 'utf8'),
    renderErrorsDoc(),
    'run: node --conditions=source --import tsx scripts/render-error-codes.ts',
  );
});

test('every code raised or tested in the source is listed in docs/errors.md', () => {
  const doc = readFileSync(ERRORS_DOC, 'utf8');
  const listed = new Set([...doc.matchAll(/^### ([A-Z_]+)$/gm)].map((m) => m[1]));
  assert.deepEqual([...listed].sort(), Object.keys(ERROR_CODES).sort());
  let found = 0;
  for (const dir of ['packages', 'protocols', 'apps', 'scripts', 'bench'])
    for (const file of files(join(ROOT, dir))) {
      const text = readFileSync(file, 'utf8');
      const raised = [
        ...text.matchAll(/new JiaError\(\s*'([A-Z_]+)'/g),
        ...text.matchAll(/isJiaError\([^,)]+,\s*'([A-Z_]+)'/g),
        ...text.matchAll(/code,? ['"]([A-Z][A-Z_]+)['"]\)/g),
      ].map((m) => m[1] as string);
      for (const code of raised) {
        found++;
        assert.ok(
          listed.has(code),
          `${relative(ROOT, file)} raises ${code}, not in docs/errors.md`,
        );
      }
    }
  assert.ok(found > 40, `found ${found} raised codes`);
});
