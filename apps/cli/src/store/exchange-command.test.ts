import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { BUNDLE_FILES } from '@jia-trial/dictionary';
import { type StandardFiles, schemaDirOf, skipWithout, standardFiles } from '@jia-trial/interop';
import { fhirValidator, validateOdmFile } from '@jia-trial/interop/exchange-validators';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');
const odm = standardFiles('odm-1.3.2');
const fhir = standardFiles('fhir-r4');
useTestDatabase();

/**
 * Validates against the official schema set, or says in the test's output why it could not
 * (the schema files are not in the checkout: docs/interop.md, "Validation").
 */
async function validated(
  t: TestContext,
  files: StandardFiles,
  check: (dir: string) => Promise<void>,
): Promise<void> {
  if (skipWithout(files) !== false) {
    t.diagnostic(`schema validation NOT done: ${skipWithout(files)}`);
    return;
  }
  await check(schemaDirOf(files));
}

/** A bundle folder's files as text, by name. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    BUNDLE_FILES.map((f) => [f.file, readFileSync(join(dir, f.file), 'utf8')]),
  );
}

async function ok(...argv: string[]) {
  const run = await runCli(...argv);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

describe('jia-trial export/import --format odm and --format fhir', () => {
  for (const example of ['msc-pilot', 'msc-jia-demo'])
    test(`${example}: the ODM Snapshot imports into an empty study and exports to the same bundle`, async (t) => {
      // The demo bundle's study file names its study: it is imported under that id.
      const study = example === 'msc-jia-demo' ? example : `rt-${example}`;
      const copy = `${study}-copy`;
      const scratch = scratchDir();
      await ok('import', join(EXAMPLES, example), '--study', study);
      const file = join(scratch, 'study.xml');
      await ok('export', '--format', 'odm', '--study', study, '--out', file);
      await validated(t, odm, async (dir) =>
        assert.deepEqual((await validateOdmFile(file, dir)).errors, []),
      );
      const imported = await ok('import', '--format', 'odm', file, '--study', copy, '--json');
      assert.equal(JSON.parse(imported.stdout).createdStudy, true);
      await ok('export', '--study', study, '--out', join(scratch, 'a'));
      await ok('export', '--study', copy, '--out', join(scratch, 'b'));
      assert.deepEqual(filesOf(join(scratch, 'b')), filesOf(join(scratch, 'a')));
    });

  test('--transactional writes every change with its TransactionType and audit record, and validates', async (t) => {
    const scratch = scratchDir();
    await ok('import', join(EXAMPLES, 'msc-pilot'), '--study', 'tx');
    const file = join(scratch, 'history.xml');
    const run = await ok(
      'export',
      '--format',
      'odm',
      '--transactional',
      '--study',
      'tx',
      '--out',
      file,
      '--json',
    );
    const xml = readFileSync(file, 'utf8');
    assert.match(xml, /FileType="Transactional"/);
    assert.ok(JSON.parse(run.stdout).changes > 0);
    assert.match(xml, /<ItemGroupData ItemGroupOID="IG.SUBJECT" TransactionType="Insert">/);
    // Every UserRef and LocationRef resolves to a User and a Location of the AdminData.
    const users = new Set([...xml.matchAll(/<User OID="([^"]+)"/g)].map((m) => m[1]));
    const locations = new Set([...xml.matchAll(/<Location OID="([^"]+)"/g)].map((m) => m[1]));
    for (const [, oid] of xml.matchAll(/<UserRef UserOID="([^"]+)"/g))
      assert.ok(users.has(oid), oid);
    for (const [, oid] of xml.matchAll(/LocationOID="([^"]+)"/g))
      assert.ok(locations.has(oid), oid);
    await validated(t, odm, async (dir) =>
      assert.deepEqual((await validateOdmFile(file, dir)).errors, []),
    );
  });

  test('an ODM file that does not map is refused by OID and nothing is imported', async () => {
    const scratch = scratchDir();
    await ok('import', join(EXAMPLES, 'msc-pilot'), '--study', 'src');
    const file = join(scratch, 'study.xml');
    await ok('export', '--format', 'odm', '--study', 'src', '--out', file);
    const foreign = join(scratch, 'foreign.xml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      foreign,
      readFileSync(file, 'utf8').replaceAll(
        'ItemOID="IT.VISIT.ESR" Value',
        'ItemOID="IT.LB.ESR" Value',
      ),
    );
    const run = await runCli('import', '--format', 'odm', foreign, '--study', 'never', '--json');
    assert.equal(run.code, 1);
    assert.match(run.stderr + run.stdout, /IT\.LB\.ESR/);
    const studies = await runCli('export', '--study', 'never', '--out', join(scratch, 'none'));
    assert.notEqual(studies.code, 0, 'no study was created');
  });

  test('--format fhir writes a Bundle and NDJSON that validate', async (t) => {
    const scratch = scratchDir();
    await ok('import', join(EXAMPLES, 'msc-pilot'), '--study', 'fh');
    const file = join(scratch, 'study.json');
    const dir = join(scratch, 'ndjson');
    await ok(
      'export',
      '--format',
      'fhir',
      '--study',
      'fh',
      '--out',
      file,
      '--ndjson',
      dir,
      '--date-shift',
      '-30',
    );
    const bundle = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(bundle.type, 'collection');
    assert.ok(readdirSync(dir).includes('Patient.ndjson'));
    await validated(t, fhir, async (dir) =>
      assert.deepEqual((await fhirValidator(dir)).bundle(bundle), []),
    );
  });

  test('usage errors: an option of another format, a bad date shift', async () => {
    const a = await runCli(
      'export',
      '--format',
      'bundle',
      '--transactional',
      '--out',
      scratchDir(),
    );
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--transactional applies to --format odm only/);
    const b = await runCli(
      'export',
      '--format',
      'fhir',
      '--out',
      join(scratchDir(), 'x.json'),
      '--date-shift',
      '1.5',
    );
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--date-shift 1\.5/);
  });
});
