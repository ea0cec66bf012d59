/** Test helpers: run the CLI in-process with captured output, and write scratch files. */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before } from 'node:test';
import { openTestDatabase, type TestDatabase } from '@jia-trial/store/test-support';
import { main } from './main.js';

// The audit anchor key (backup, audit anchor) of the commands under test: never the user's own,
// and removed when the test process ends (the processes it starts share it).
if (process.env.JIA_KEY_DIR === undefined) {
  const keys = mkdtempSync(join(tmpdir(), 'jia-test-keys-'));
  process.env.JIA_KEY_DIR = keys;
  process.once('exit', () => rmSync(keys, { recursive: true, force: true }));
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export async function runCli(...argv: string[]): Promise<CliRun> {
  return runCliWithInput(null, ...argv);
}

/** Runs the CLI with `input` as its standard input (null: none). */
export async function runCliWithInput(input: string | null, ...argv: string[]): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = Readable.from(input === null ? [] : [Buffer.from(input)]);
  const code = await main(argv, { stdout, stderr, stdin });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export { scratchDir, scratchFile } from '@jia-trial/interop/test-support';

/**
 * Fails, saying why, when the Chromium that writes report.pdf is missing: a test that checks the
 * PDF would otherwise fail on the absent file. `bash .ci/run` installs Debian's chromium.
 */
export function assertChromium(env: NodeJS.ProcessEnv = process.env): void {
  const executable = env.JIA_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executable))
    assert.fail(
      `Chromium is missing (no ${executable}): this test checks report.pdf, which jia-trial writes with Chromium. Install Debian's chromium (apt-get install chromium; .ci/run does) or set JIA_CHROMIUM to a Chromium`,
    );
}

/** Parses simple CSV output (no quoted fields) into objects keyed by header. */
export function parseSimpleCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\n');
  const names = (head ?? '').split(',');
  return lines.map((line) =>
    Object.fromEntries(line.split(',').map((value, i) => [names[i], value])),
  );
}

/**
 * A fresh test database for the tests of the current file or suite, set as DATABASE_URL for
 * the commands they run (before/after hooks); the returned function gives it once open.
 */
export function useTestDatabase(): () => TestDatabase {
  let db: TestDatabase | null = null;
  before(async () => {
    db = await openTestDatabase();
    process.env.DATABASE_URL = db.url;
  });
  after(async () => {
    delete process.env.DATABASE_URL;
    await db?.close();
  });
  return () => db ?? assert.fail('the test database is opened by the before hook');
}
