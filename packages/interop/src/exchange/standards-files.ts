/**
 * Where the official schema files are for the tests (never copied into the repository: they are
 * the standards' own bytes, kept with their provenance in ../shared/standards/, see its
 * README.md): `JIA_STANDARDS_DIR` when set, else `../shared/standards` beside the checkout.
 * Each set's SHA256SUMS is checked before use, so that a test validates against the official
 * bytes or says why it cannot. A fresh clone without that folder gets a reason to skip with,
 * printed by the test runner (`# SKIP ...`), never a silent pass.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type StandardSet = 'odm-1.3.2' | 'fhir-r4';

/** The folder of the standards (it may not exist). */
export function standardsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.JIA_STANDARDS_DIR
    ? resolve(env.JIA_STANDARDS_DIR)
    : resolve(import.meta.dirname, '../../../../../shared/standards');
}

export type StandardFiles = { readonly dir: string } | { readonly missing: string };

/** A set's folder with its checksums verified, or why it cannot be used. */
export function standardFiles(
  set: StandardSet,
  env: NodeJS.ProcessEnv = process.env,
): StandardFiles {
  const dir = join(standardsDir(env), set);
  const sums = join(dir, 'SHA256SUMS');
  if (!existsSync(sums))
    return {
      missing: `the official ${set} schema set is not at ${dir} (set JIA_STANDARDS_DIR to the folder holding ${set}/; see docs/interop.md, "Validation")`,
    };
  for (const line of readFileSync(sums, 'utf8').split('\n')) {
    const match = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
    if (!match) continue;
    const [, digest, name] = match as unknown as [string, string, string];
    const path = join(dir, name);
    if (!existsSync(path)) return { missing: `${path} is listed in SHA256SUMS but missing` };
    const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (actual !== digest)
      return { missing: `${path} does not match its SHA256SUMS digest: not the official bytes` };
  }
  return { dir };
}

/**
 * A test's `skip` for a set: the reason it is missing, or false. With JIA_REQUIRE_STANDARDS=1
 * (CI where the standards are expected) it never skips: the test then fails on schemaDir().
 */
export function skipWithout(
  files: StandardFiles,
  env: NodeJS.ProcessEnv = process.env,
): string | false {
  if (!('missing' in files) || env.JIA_REQUIRE_STANDARDS === '1') return false;
  return files.missing;
}

/** The set's folder; throws the reason it is missing. */
export function schemaDirOf(files: StandardFiles): string {
  if ('missing' in files) throw new Error(files.missing);
  return files.dir;
}
