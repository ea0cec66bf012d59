/**
 * The temporary files of export and backup are created exclusively and private: a planted
 * `<file>.partial` symbolic link is never written through, an existing `<dir>.partial` is never
 * reused with its mode; either is refused with TARGET_EXISTS and left as it was.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');

useTestDatabase();

describe('export and backup: temporary files created exclusively, private', () => {
  test('setup: the example study', async () => {
    const dir = join(scratchDir(), 'pilot');
    cpSync(EXAMPLE, dir, { recursive: true });
    const imported = await runCli('import', dir, '--study', 'pilot');
    assert.equal(imported.code, 0, imported.stderr);
  });

  test('export does not write through a planted <file>.partial link, and says so', async () => {
    const out = join(scratchDir(), 'export');
    mkdirSync(out);
    const victim = join(scratchDir(), 'victim.txt');
    writeFileSync(victim, 'keep me\n');
    symlinkSync(victim, join(out, 'visits.csv.partial'));
    const result = await runCli('export', '--out', out, '--study', 'pilot', '--json');
    assert.equal(result.code, 1, result.stdout);
    const error = JSON.parse(result.stdout).error;
    assert.equal(error.code, 'TARGET_EXISTS');
    assert.match(error.message, /visits\.csv\.partial exists/);
    assert.equal(readFileSync(victim, 'utf8'), 'keep me\n', 'the link target is untouched');
    assert.ok(lstatSync(join(out, 'visits.csv.partial')).isSymbolicLink());
  });

  test('export writes its files private (0600), through a temporary file it created itself', async () => {
    const out = join(scratchDir(), 'export');
    const result = await runCli('export', '--out', out, '--study', 'pilot');
    assert.equal(result.code, 0, result.stderr);
    const mode = statSync(join(out, 'visits.csv')).mode & 0o777;
    assert.equal(mode, 0o600, mode.toString(8));
    assert.equal(existsSync(join(out, 'visits.csv.partial')), false);
  });

  test('backup refuses an existing <dir>.partial instead of reusing it with its mode', async () => {
    const backup = join(scratchDir(), 'backup');
    mkdirSync(`${backup}.partial`, { mode: 0o777 });
    const result = await runCli('backup', backup, '--json');
    assert.equal(result.code, 1, result.stdout);
    const error = JSON.parse(result.stdout).error;
    assert.equal(error.code, 'TARGET_EXISTS');
    assert.match(error.message, /backup\.partial exists/);
    assert.equal(existsSync(backup), false);
  });

  test('backup refuses a <dir>.partial that is a link to another directory', async () => {
    const backup = join(scratchDir(), 'backup');
    const elsewhere = join(scratchDir(), 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, `${backup}.partial`);
    const result = await runCli('backup', backup, '--json');
    assert.equal(result.code, 1, result.stdout);
    assert.equal(JSON.parse(result.stdout).error.code, 'TARGET_EXISTS');
    assert.equal(existsSync(join(elsewhere, 'manifest.json')), false);
  });

  test('backup makes its directory private (0700)', async () => {
    const backup = join(scratchDir(), 'backup');
    const result = await runCli('backup', backup);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(statSync(backup).mode & 0o777, 0o700);
  });
});
