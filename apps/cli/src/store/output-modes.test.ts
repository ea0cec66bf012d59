/**
 * Every file the commands write that holds subject data is private (0600) and every folder they
 * make for it 0700, whatever the umask (issue 16, "Data safety"; docs/security.md, "Files"): the
 * tests run under umask 022, with which a file made the ordinary way is 0644, readable by all.
 * And a restore of a backup that is not there, or a command that fails in a new data directory,
 * leaves no data directory behind.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');
useTestDatabase();

let umask: number;
before(() => {
  umask = process.umask(0o022);
});
after(() => {
  process.umask(umask);
});

const mode = (path: string) => statSync(path).mode & 0o777;

/** Every file below `dir` is 0600 and every folder (`dir` too) 0700. */
function assertPrivateTree(dir: string): void {
  assert.equal(mode(dir), 0o700, `${dir}: ${mode(dir).toString(8)}`);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) assertPrivateTree(path);
    else assert.equal(mode(path), 0o600, `${path}: ${mode(path).toString(8)}`);
  }
}

async function ok(...argv: string[]) {
  const run = await runCli(...argv);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return run;
}

describe('files of subject data are private (umask 022)', () => {
  test('setup: a study', async () => {
    await ok('import', join(EXAMPLES, 'msc-pilot'), '--study', 'modes');
  });

  test('score --out', async () => {
    const out = join(scratchDir(), 'scores.csv');
    await ok('score', join(EXAMPLES, 'visits.csv'), '--out', out);
    assert.equal(mode(out), 0o600);
  });

  test('report: report.html, report.json, report.pdf and the plots, in private folders', async () => {
    const out = join(scratchDir(), 'report');
    // Chromium, when installed, prints report.pdf; without it the rest is written and checked.
    await ok('report', join(EXAMPLES, 'msc-jia-demo'), '--out', out, '--as-of', '2017-12-31');
    assertPrivateTree(out);
    const written = readdirSync(out);
    for (const name of ['report.html', 'report.json', 'plots']) assert.ok(written.includes(name));
    assert.ok(readdirSync(join(out, 'plots')).length > 0);
    if (existsSync(process.env.JIA_CHROMIUM ?? '/usr/bin/chromium'))
      assert.ok(written.includes('report.pdf'), 'the PDF, private too');
  });

  test('export: the bundle folder, ODM, FHIR and its NDJSON folder', async () => {
    const dir = scratchDir();
    await ok('export', '--study', 'modes', '--out', join(dir, 'bundle'));
    assertPrivateTree(join(dir, 'bundle'));
    await ok('export', '--format', 'odm', '--study', 'modes', '--out', join(dir, 'study.xml'));
    assert.equal(mode(join(dir, 'study.xml')), 0o600);
    const history = join(dir, 'history.xml');
    await ok('export', '--format', 'odm', '--transactional', '--study', 'modes', '--out', history);
    assert.equal(mode(history), 0o600);
    await ok(
      'export',
      '--format',
      'fhir',
      '--study',
      'modes',
      '--out',
      join(dir, 'study.json'),
      '--ndjson',
      join(dir, 'ndjson'),
    );
    assert.equal(mode(join(dir, 'study.json')), 0o600);
    assertPrivateTree(join(dir, 'ndjson'));
  });

  test('backup: its folder and files', async () => {
    const backup = join(scratchDir(), 'backup');
    await ok('backup', backup);
    assertPrivateTree(backup);
  });
});

describe('a failed command leaves no data directory', () => {
  let parent: string;
  let saved: NodeJS.ProcessEnv;
  before(() => {
    saved = { ...process.env };
    // Reachable by the postgres user that runs the embedded server when the tests run as root.
    parent = mkdtempSync(join(tmpdir(), 'jia-fresh-data-'));
    chmodSync(parent, 0o711);
    delete process.env.DATABASE_URL;
    delete process.env.JIA_OWNER_DATABASE_URL;
  });
  after(() => {
    process.env = saved;
    rmSync(parent, { recursive: true, force: true });
  });

  test('restore of a backup that is not there: refused before any database is made', async () => {
    process.env.JIA_DATA_DIR = join(parent, 'restored');
    const run = await runCli('restore', join(parent, 'no-such-backup'), '--json');
    assert.equal(run.code, 1, run.stderr);
    const error = JSON.parse(run.stdout).error;
    assert.equal(error.code, 'BACKUP_INVALID');
    assert.match(error.message, /no such directory/);
    assert.equal(existsSync(process.env.JIA_DATA_DIR), false, 'no data directory');
  });

  test('restore of a folder that is no backup: refused the same way', async () => {
    process.env.JIA_DATA_DIR = join(parent, 'restored-2');
    const run = await runCli('restore', scratchDir(), '--json');
    assert.equal(run.code, 1, run.stderr);
    assert.equal(JSON.parse(run.stdout).error.code, 'BACKUP_INVALID');
    assert.equal(existsSync(process.env.JIA_DATA_DIR), false);
  });

  test('a command that fails in a new data directory removes the directory it made', async () => {
    process.env.JIA_DATA_DIR = join(parent, 'fresh');
    const run = await runCli('export', '--study', 'nothere', '--out', join(parent, 'out'));
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /there is no study nothere/);
    assert.equal(existsSync(process.env.JIA_DATA_DIR), false, 'no empty data directory');
    assert.equal(existsSync(join(parent, 'out')), false);
  });
});
