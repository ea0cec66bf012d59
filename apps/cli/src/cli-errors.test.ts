import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JiaError } from '@jia-trial/errors';
import { reportError } from './cli-errors.js';
import { runCli, scratchDir } from './test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../examples/msc-pilot');

function capture() {
  const text = { stdout: '', stderr: '' };
  return {
    text,
    out: {
      stdout: { write: (s: string) => (text.stdout += s) },
      stderr: { write: (s: string) => (text.stderr += s) },
    },
  };
}

test('--json prints a data error as the error body: code, message and every issue with its place', async () => {
  const dir = join(scratchDir(), 'bad');
  cpSync(EXAMPLE, dir, { recursive: true });
  writeFileSync(
    join(dir, 'subjects.csv'),
    'subject_id,site,sex,birth_date,ilar_category,diagnosis_date\nP01,UMCU,X,2010-04,systemic,2015-01-01\n',
  );
  const run = await runCli('import', dir, '--study', 'bad', '--json');
  assert.equal(run.code, 1);
  assert.equal(run.stderr, '');
  const { error } = JSON.parse(run.stdout);
  assert.equal(error.code, 'VALIDATION_FAILED');
  const sex = error.issues.find((i: { column?: string }) => i.column === 'sex');
  assert.deepEqual(
    { path: sex.path, file: sex.file, line: sex.line },
    { path: 'subjects.csv:2:sex', file: 'subjects.csv', line: 2 },
  );
});

test('a usage error with --json: USAGE_ERROR, exit 2', async () => {
  const run = await runCli('import', join(scratchDir(), 'nowhere'), '--json');
  assert.equal(run.code, 2);
  assert.equal(JSON.parse(run.stdout).error.code, 'USAGE_ERROR');
});

test('an unreachable database is DATABASE_UNAVAILABLE (exit 1), not a fault of jia-trial', async () => {
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = 'postgres://nobody:secret@127.0.0.1:1/none';
  try {
    const run = await runCli('migrate', '--json');
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout).error.code, 'DATABASE_UNAVAILABLE');
    assert.doesNotMatch(run.stdout, /secret/);
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
});

test('an internal fault exits 70 with one line; the stack trace only with --debug', () => {
  const fault = new TypeError('cannot read properties of undefined');
  const plain = capture();
  assert.equal(reportError(fault, { ...plain.out, json: false, debug: false }), 70);
  assert.equal(plain.text.stderr, 'jia-trial: cannot read properties of undefined\n');
  const debug = capture();
  assert.equal(reportError(fault, { ...debug.out, json: false, debug: true }), 70);
  assert.match(
    debug.text.stderr,
    /^jia-trial: cannot read properties of undefined\nTypeError: .*\n\s+at /,
  );
  const json = capture();
  reportError(fault, { ...json.out, json: true, debug: false });
  assert.equal(JSON.parse(json.text.stdout).error.code, 'INTERNAL_ERROR');
});

test('each class of code exits as docs/errors.md says', () => {
  const exit = (code: JiaError['code']) =>
    reportError(new JiaError(code, 'x'), { ...capture().out, json: false, debug: false });
  assert.equal(exit('VALIDATION_FAILED'), 1);
  assert.equal(exit('VERSION_CONFLICT'), 1);
  assert.equal(exit('USAGE_ERROR'), 2);
  assert.equal(exit('ACTOR_REQUIRED'), 70);
});

test('--debug is accepted anywhere on the command line', async () => {
  const run = await runCli('--debug', 'dose', '--weight', '30', '--debug');
  assert.equal(run.code, 0, run.stderr);
});
