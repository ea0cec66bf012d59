/**
 * The command line as a new user meets it (issue 16, "Command line"): --version, and every
 * required option marked as required in --help.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from './main.js';
import { runCli } from './test-support.js';

const version = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

test('--version and -V print the version and exit 0', async () => {
  for (const flag of ['--version', '-V']) {
    const run = await runCli(flag);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), version);
  }
});

test('--help marks each required option as required', async () => {
  const dose = await runCli('dose', '--help');
  assert.match(dose.stdout, /--weight <kg>\s+body weight on the infusion day, kg \(required\)/);
  assert.doesNotMatch(dose.stdout, /--concentration <n>[^\n]*\(required\)/);
  const report = await runCli('report', '--help');
  assert.match(report.stdout, /--out <dir>\s+folder for report\.html[^\n]*\n?[^\n]*\(required\)/);
});

test('every required option of every command says so in its help', () => {
  const program = buildProgram({ stdout: process.stdout, stderr: process.stderr }, () => {});
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  const required = all(program).flatMap((c) =>
    c.options.filter((o) => o.mandatory).map((o) => [c.name(), o.long, o.description] as const),
  );
  assert.ok(required.length >= 3, 'dose --weight, report --out and others');
  for (const [command, flag, description] of required)
    assert.match(description, /\(required\)$/, `${command} ${flag}`);
});
