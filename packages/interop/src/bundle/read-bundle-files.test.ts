/**
 * What readBundle opens: regular files of the bundle folder only, never through a symbolic link
 * (a link to /etc/shadow must not have its first line printed in an error), never a FIFO (which
 * would block the reading forever), and a header of any width without a stack overflow.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { JiaError } from '@jia-trial/errors';
import { scratchDir } from '../test-support.js';
import { isUtf8File, openBundleFile } from './bundle-file.js';
import { readBundle, readValidBundle } from './read-bundle.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
const SECRET = 'root:$6$secret-hash-of-the-machine:19000:0:99999:7:::';

function bundle(): string {
  const dir = join(scratchDir(), 'pilot');
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

/** A file outside the bundle whose first line must never be shown. */
function secretFile(): string {
  const path = join(scratchDir(), 'shadow');
  writeFileSync(path, `${SECRET}\nsecond line\n`);
  return path;
}

function validationError(dir: string): JiaError {
  try {
    readValidBundle(dir, 100);
  } catch (error) {
    assert.ok(error instanceof JiaError, String(error));
    return error;
  }
  assert.fail('the bundle was accepted');
}

describe('bundle files: regular files only, never through a link', () => {
  for (const file of ['eligibility.csv', 'visits.csv', 'subjects.csv']) {
    test(`${file} as a symbolic link is refused, and the linked file is not read`, () => {
      const dir = bundle();
      rmSync(join(dir, file));
      symlinkSync(secretFile(), join(dir, file));
      const error = validationError(dir);
      assert.equal(error.code, 'VALIDATION_FAILED');
      const issue = error.issues.find((i) => i.file === file);
      assert.ok(issue, JSON.stringify(error.issues));
      assert.equal(issue.line, 0);
      assert.match(issue.message, /symbolic link/);
      const everything = JSON.stringify({ message: error.message, issues: error.issues });
      assert.doesNotMatch(everything, /secret-hash|root:/);
    });
  }

  test('a link to a valid bundle file is refused too (links are never followed)', () => {
    const dir = bundle();
    const elsewhere = join(scratchDir(), 'eligibility.csv');
    cpSync(join(dir, 'eligibility.csv'), elsewhere);
    rmSync(join(dir, 'eligibility.csv'));
    symlinkSync(elsewhere, join(dir, 'eligibility.csv'));
    const issues = readBundle(dir, 100).problems.problems;
    assert.deepEqual(
      issues.map((i) => [i.file, /symbolic link/.test(i.message)]),
      [['eligibility.csv', true]],
    );
  });

  test('a dangling link is a link, not a missing file', () => {
    const dir = bundle();
    rmSync(join(dir, 'subjects.csv'));
    symlinkSync(join(scratchDir(), 'nothing-here.csv'), join(dir, 'subjects.csv'));
    const issue = readBundle(dir, 100).problems.problems.find((i) => i.file === 'subjects.csv');
    assert.match(issue?.message ?? '', /symbolic link/);
  });

  test('a directory in place of a file is not a regular file', () => {
    const dir = bundle();
    rmSync(join(dir, 'joints.csv'));
    cpSync(EXAMPLE, join(dir, 'joints.csv'), { recursive: true });
    const issue = readBundle(dir, 100).problems.problems.find((i) => i.file === 'joints.csv');
    assert.match(issue?.message ?? '', /not a regular file/);
  });

  for (const file of ['eligibility.csv', 'visits.csv']) {
    test(`${file} as a FIFO is refused at once, not read (a reader would block forever)`, () => {
      const dir = bundle();
      rmSync(join(dir, file));
      const made = spawnSync('mkfifo', [join(dir, file)]);
      assert.equal(made.status, 0, String(made.stderr));
      // In a child process with a deadline: a blocking open would hang this process, and the
      // test runner's own timeout cannot interrupt a synchronous read.
      const script = `import { readBundle } from ${JSON.stringify(join(import.meta.dirname, 'read-bundle.ts'))};
        process.stdout.write(JSON.stringify(readBundle(process.argv[1], 100).problems.problems));`;
      const child = spawnSync(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script, dir],
        { timeout: 20_000, encoding: 'utf8' },
      );
      assert.equal(child.signal, null, 'readBundle blocked on the FIFO (killed at the deadline)');
      assert.equal(child.status, 0, child.stderr);
      const issues = JSON.parse(child.stdout) as Array<{ file: string; message: string }>;
      assert.deepEqual(
        issues.map((i) => [i.file, /not a regular file/.test(i.message)]),
        [[file, true]],
      );
    });
  }
});

describe('bundle headers of any width', () => {
  // 520,000 empty column names: a header of ~520 KB, under the 1 MiB record limit.
  const wide = `${','.repeat(519_999)}\n`;
  for (const file of ['subjects.csv', 'visits.csv', 'eligibility.csv']) {
    test(`${file} with a 520,000-column header gives problems, not a stack overflow`, () => {
      const dir = bundle();
      writeFileSync(join(dir, file), wide);
      const error = validationError(dir);
      assert.equal(error.code, 'VALIDATION_FAILED');
      const issues = error.issues.filter((i) => i.file === file);
      assert.ok(issues.length > 0);
      assert.ok(issues.every((i) => i.line === 1));
    });
  }
});

describe('the import validates visits.csv without keeping its values', () => {
  /** Problems and counts of a reading, comparable. */
  function outcome(dir: string, keepRows: boolean) {
    const reading = readBundle(dir, 100, { keepRows });
    return {
      problems: reading.problems.problems.map((i) => [i.file, i.line, i.column, i.message]),
      counts: [...reading.counts],
    };
  }

  test('a valid bundle: the same counts, no problems, either way', () => {
    const dir = bundle();
    const kept = outcome(dir, true);
    assert.deepEqual(kept.problems, []);
    assert.deepEqual(outcome(dir, false), kept);
  });

  test('every kind of visit problem is found the same way without the values', () => {
    const dir = bundle();
    const path = join(dir, 'visits.csv');
    const lines = readFileSync(path, 'utf8').split('\n');
    const edit = (line: number, from: string, to: string) => {
      assert.ok(lines[line - 1]?.includes(from), `line ${line} has ${from}`);
      lines[line - 1] = (lines[line - 1] as string).replace(from, to);
    };
    edit(2, '6.8,5.6,1.75,10,8,', '11.5,5.6,1.75,10,8,'); // physician_global out of range
    edit(3, 'polyarticular_rf_negative', 'polyarticular'); // not a category
    edit(4, ',false,false,', ',maybe,false,'); // not a boolean
    writeFileSync(path, lines.join('\n'));
    const kept = outcome(dir, true);
    assert.equal(kept.problems.length, 3, JSON.stringify(kept.problems));
    assert.deepEqual(outcome(dir, false), kept);
  });
});

describe('visits.csv is UTF-8 throughout, checked without decoding the file', () => {
  const SUBJECTS = ['P01', 'P02', 'P03', 'P04', 'P05', 'P06'];
  const day = (n: number) => new Date(Date.UTC(2005, 0, 1 + n)).toISOString().slice(0, 10);

  /** visits.csv whose byte 4 MiB (the check's chunk) falls inside a 3-byte character. */
  function visitsAcrossTheChunk(): Buffer {
    const rows = ['subject_id,visit_id,visit_date'];
    for (let i = 0; i < 24_000; i++)
      rows.push(`${SUBJECTS[i % 6]},V${i}-${'€'.repeat(55)},${day(Math.floor(i / 6))}`);
    // The first `crlf` records end in CRLF: each moves the rest of the file by one byte.
    for (let crlf = 0; crlf < 300; crlf++) {
      const text = rows.map((row, i) => `${row}${i < crlf ? '\r\n' : '\n'}`).join('');
      const bytes = Buffer.from(text);
      if (((bytes[4 * 1024 * 1024] as number) & 0xc0) === 0x80) return bytes;
    }
    assert.fail('no layout put a character across the chunk boundary');
  }

  /** isUtf8File of `bytes`, with its chunk of `chunk` bytes. */
  function check(bytes: Uint8Array, chunk?: number): boolean {
    const path = join(scratchDir(), 'visits.csv');
    writeFileSync(path, bytes);
    const opened = openBundleFile(path);
    assert.equal(opened.kind, 'file');
    if (opened.kind !== 'file') return false;
    try {
      return isUtf8File(opened.fd, chunk);
    } finally {
      closeSync(opened.fd);
    }
  }

  test('a character across the 4 MiB chunk boundary is valid, and the bundle has no problem', () => {
    const bytes = visitsAcrossTheChunk();
    assert.equal(check(bytes), true);
    const dir = bundle();
    writeFileSync(join(dir, 'visits.csv'), bytes);
    for (const file of ['joints.csv', 'chaq.csv']) rmSync(join(dir, file));
    assert.deepEqual(readBundle(dir, 100, { keepRows: false }).problems.problems, []);
  });

  test('every cut of 2-, 3- and 4-byte characters by a small chunk: valid; a broken byte or a cut end: not', () => {
    const text = Buffer.from('aé€😀b'.repeat(5));
    for (let chunk = 4; chunk <= 13; chunk++)
      assert.equal(check(text, chunk), true, `chunk ${chunk}`);
    const broken = Buffer.concat([text, Buffer.from([0xff]), text]);
    assert.equal(check(broken, 7), false);
    assert.equal(check(text.subarray(0, text.length - 2), 7), false, 'the file ends inside 😀b');
    assert.equal(check(Buffer.from([0x61, 0xe2, 0x82]), 2), false, 'the file ends inside €');
  });
});
