/**
 * The bundle export neutralises text a spreadsheet would read as a formula, and the import
 * reverses it exactly (docs/bundle-format.md, "Text that looks like a formula"; the rule in
 * packages/dictionary/src/csv-formula.ts): a bundle with such text in free-text fields, ids and
 * references exports with a quote before each, stores the text as it was, and the export
 * imported into a new study exports to the same bytes. Numbers are never changed.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUNDLE_FILES, STUDY_FILE } from '@jia-trial/dictionary';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
const database = useTestDatabase();

async function ok(...argv: string[]) {
  const run = await runCli(...argv);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return run;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

const filesOf = (dir: string) =>
  Object.fromEntries(BUNDLE_FILES.map((f) => [f.file, readFileSync(join(dir, f.file), 'utf8')]));

describe('bundle export: formula injection neutralised, reversed exactly on import', () => {
  test('text, ids and references beginning with = + - @ or a quote round-trip byte for byte (a stored text never begins with a tab or CR: refused as a leading space)', async () => {
    const source = join(scratchDir(), 'formulas');
    cpSync(EXAMPLE, source, { recursive: true });
    // A visit id (referenced by joints.csv and chaq.csv), free text, a lot number (an id).
    for (const file of ['visits.csv', 'joints.csv', 'chaq.csv'])
      edit(source, file, (t) =>
        t.replaceAll(/^P01-V0,/gm, '=P01-V0,').replace(',P01-V0,', ',=P01-V0,'),
      );
    edit(source, 'adverse_events.csv', (t) =>
      t.replace('Macrophage activation syndrome', '"=HYPERLINK(""http://example.org"",""x"")"'),
    );
    edit(source, 'medications.csv', (t) => t.replace('P01,methotrexate,', 'P01,@methotrexate,'));
    edit(source, 'infusions.csv', (t) =>
      t.replace('MSC-19-001', "'MSC-19-001").replace('D-101', '+D-101'),
    );
    edit(source, 'adverse_events.csv', (t) => t.replace(',Infusion related', ',-Infusion related'));
    await ok('import', source, '--study', 'formulas');

    const { store } = database();
    const stored = await store.pool.query<{ term: string }>(
      "SELECT term FROM adverse_event WHERE study_id = 'formulas' AND ae_id = 'AE-001'",
    );
    assert.equal(stored.rows[0]?.term, '=HYPERLINK("http://example.org","x")', 'stored as typed');

    const a = join(scratchDir(), 'a');
    await ok('export', '--study', 'formulas', '--out', a);
    const exported = filesOf(a);
    assert.match(exported['adverse_events.csv'] as string, /,"'=HYPERLINK\(""http/);
    assert.match(exported['medications.csv'] as string, /^P01,'@methotrexate,/m);
    assert.match(exported['infusions.csv'] as string, /,''MSC-19-001,/);
    assert.match(exported['infusions.csv'] as string, /,'\+D-101,/);
    assert.match(exported['visits.csv'] as string, /^P01,'=P01-V0,/m);
    assert.match(exported['joints.csv'] as string, /^'=P01-V0,knee_l,/m);
    assert.match(exported['adverse_events.csv'] as string, /,'-Infusion related reaction,/);
    // The other side: numbers are never changed (a negative one would stay as it is too).
    assert.match(exported['infusions.csv'] as string, /,48\.5,2000000,97000000,/);
    for (const text of Object.values(exported))
      for (const line of (text as string).split('\n'))
        for (const cell of line.split(','))
          assert.doesNotMatch(cell, /^"?[=+@\t\r]/, `a cell a spreadsheet would run: ${cell}`);

    // The copy goes into another study: its study file says so (issue 16: a mismatch is refused).
    const studyFile = readFileSync(join(a, STUDY_FILE), 'utf8');
    writeFileSync(join(a, STUDY_FILE), studyFile.replace(/^formulas,/m, 'formulas-copy,'));
    await ok('import', a, '--study', 'formulas-copy');
    const copied = await store.pool.query<{ term: string }>(
      "SELECT term FROM adverse_event WHERE study_id = 'formulas-copy' AND ae_id = 'AE-001'",
    );
    assert.equal(copied.rows[0]?.term, '=HYPERLINK("http://example.org","x")', 'no quote added');
    const lot = await store.pool.query<{ product_lot: string; donor_code: string }>(
      "SELECT product_lot, donor_code FROM infusion WHERE study_id = 'formulas-copy' AND subject_id = 'P01' ORDER BY infusion_date LIMIT 1",
    );
    assert.deepEqual(lot.rows[0], { product_lot: "'MSC-19-001", donor_code: '+D-101' });
    const b = join(scratchDir(), 'b');
    await ok('export', '--study', 'formulas-copy', '--out', b);
    assert.deepEqual(filesOf(b), exported, 'byte-identical round trip');
  });
});
