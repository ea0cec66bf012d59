/**
 * `jia-trial lock`, `unlock` and `locks`, and the two import paths of the command line (a bundle,
 * an ODM file) against a lock: refused with the locked records named and nothing written, then
 * accepted once the lock is released.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');

async function ok(...argv: string[]) {
  const run = await runCli(...argv);
  assert.equal(run.code, 0, `${argv.join(' ')}: ${run.stderr}${run.stdout}`);
  return run;
}

/** Every file of a bundle folder, by name. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/** Asserts RECORD_LOCKED (exit 1) naming the lock and the locked visit, nothing else. */
function assertRefused(run: { code: number; stdout: string }, lockId: string) {
  assert.equal(run.code, 1, run.stdout);
  const error = JSON.parse(run.stdout).error;
  assert.equal(error.code, 'RECORD_LOCKED');
  assert.equal(error.details.lock.lockId, lockId);
  assert.deepEqual(
    error.issues.map((i: { record: string }) => i.record),
    ['pilot/P01-V1'],
  );
  assert.match(error.issues[0].message, /frozen by .* interim analysis/);
}

describe('jia-trial lock, unlock, locks; import and ODM import refused while locked', () => {
  useTestDatabase();
  let edited: string;
  let odmFile: string;

  before(async () => {
    await ok('import', EXAMPLE, '--study', 'pilot', '--actor', 'nurse-a');
    // The bundle with two visits changed: P01-V1 (to be locked) and a visit of P02 (not).
    edited = join(scratchDir(), 'edited');
    cpSync(EXAMPLE, edited, { recursive: true });
    const visits = join(edited, 'visits.csv');
    const text = readFileSync(visits, 'utf8');
    const changed = text
      .replace(/^(P01,P01-V1,2019-03-04,,polyarticular_rf_negative,6\.2,5\.0,1\.5,)9,/m, '$17,')
      .replace(
        /^(P02,P02-V0,[^\n]*?,)(\d+),(\d+),,/m,
        (_, head, a, b) => `${head}${Number(a) + 1},${b},,`,
      );
    assert.equal(changed.split('\n').filter((l, i) => l !== text.split('\n')[i]).length, 2);
    writeFileSync(visits, changed);
    // The same change as an ODM file: the edited bundle stored as another study, exported.
    await ok('import', edited, '--study', 'edited');
    odmFile = join(scratchDir(), 'edited.xml');
    await ok('export', '--format', 'odm', '--study', 'edited', '--out', odmFile);
  });

  test('lock: a freeze of a visit, printed with who, when and why', async () => {
    const run = await ok(
      'lock',
      '--study',
      'pilot',
      '--scope',
      'visit',
      '--key',
      'P01-V1',
      '--kind',
      'freeze',
      '--reason',
      'interim analysis',
      '--actor',
      'dm-dora',
      '--json',
    );
    const lock = JSON.parse(run.stdout);
    assert.equal(lock.lockId, 'L-1');
    assert.equal(lock.kind, 'freeze');
    assert.equal(lock.locked.by.name, 'dm-dora');
    assert.equal(lock.reason, 'interim analysis');
    const listed = await ok('locks', '--study', 'pilot', '--in-force');
    assert.match(
      listed.stdout,
      /^L-1 {2}visit P01-V1 {2}freeze {2}by dm-dora at .*: interim analysis {2}\(in force\)$/m,
    );
  });

  test('a bundle import and an ODM import that change the frozen visit are refused, naming it; nothing is written', async () => {
    const before = join(scratchDir(), 'before');
    await ok('export', '--study', 'pilot', '--out', before);
    assertRefused(
      await runCli(
        'import',
        edited,
        '--study',
        'pilot',
        '--reason',
        'corrections',
        '--replace',
        '--json',
      ),
      'L-1',
    );
    assertRefused(
      await runCli(
        'import',
        '--format',
        'odm',
        odmFile,
        '--study',
        'pilot',
        '--reason',
        'corrections',
        '--replace',
        '--json',
      ),
      'L-1',
    );
    const after = join(scratchDir(), 'after');
    await ok('export', '--study', 'pilot', '--out', after);
    assert.deepEqual(filesOf(after), filesOf(before));
  });

  test('a lock is refused for a visit the study does not have; unlock without a reason is a usage error', async () => {
    const unknown = await runCli(
      'lock',
      '--study',
      'pilot',
      '--scope',
      'visit',
      '--key',
      'NOPE',
      '--reason',
      'x',
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no visit NOPE/);
    const missingReason = await runCli('unlock', 'L-1', '--study', 'pilot');
    assert.equal(missingReason.code, 2);
  });

  test('unlocked with a reason: the ODM import, then the bundle import, are accepted', async () => {
    const run = await ok(
      'unlock',
      'L-1',
      '--study',
      'pilot',
      '--reason',
      'corrections agreed',
      '--actor',
      'dm-dora',
    );
    assert.match(run.stdout, /released by dm-dora at .*: corrections agreed/);
    const odm = await ok(
      'import',
      '--format',
      'odm',
      odmFile,
      '--study',
      'pilot',
      '--reason',
      'corrections',
      '--replace',
      '--json',
    );
    const visits = JSON.parse(odm.stdout).files.find(
      (f: { file: string }) => f.file === 'visits.csv',
    );
    assert.equal(visits.updated, 2);
    const again = await ok(
      'import',
      edited,
      '--study',
      'pilot',
      '--reason',
      'corrections',
      '--replace',
      '--json',
    );
    assert.equal(
      JSON.parse(again.stdout).files.find((f: { file: string }) => f.file === 'visits.csv').updated,
      0,
    );
    const listed = await ok('locks', '--study', 'pilot', '--json');
    assert.equal(JSON.parse(listed.stdout)[0].released.reason, 'corrections agreed');
  });
});
