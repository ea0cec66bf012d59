import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUNDLE_FILES, bundleFile } from '@jia-trial/dictionary';
import { VISIT_COLUMNS } from '../visits-csv/visit-columns.js';

const DOC = readFileSync(join(import.meta.dirname, '../../../../docs/bundle-format.md'), 'utf8');

function section(file: string): string {
  const start = DOC.indexOf(`## ${file}`);
  assert.ok(start >= 0, `docs/bundle-format.md has no section for ${file}`);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

test('visits.csv of a bundle has exactly the columns of jia-trial score, with the same required ones', () => {
  const spec = bundleFile('visits.csv');
  assert.deepEqual(
    spec.columns.map((c) => [c.name, c.required]),
    VISIT_COLUMNS.map((c) => [c.name, c.required]),
  );
});

test('docs/bundle-format.md documents every file, column, requirement and key', () => {
  for (const file of BUNDLE_FILES) {
    const text = section(file.file);
    assert.match(text, new RegExp(`\\(${file.optional ? 'optional' : 'required'}`), file.file);
    if (file.file !== 'visits.csv')
      assert.ok(
        text.includes(`Key: ${file.key.map((k) => `\`${k}\``).join(' + ')}`),
        `${file.file} key`,
      );
    for (const column of file.columns) {
      if (file.file === 'visits.csv') {
        assert.ok(text.includes(`\`${column.name}\``), `${file.file}: ${column.name}`);
        continue;
      }
      const row = text
        .split('\n')
        .find((line) => line.startsWith('|') && line.split('|')[1]?.includes(`\`${column.name}\``));
      assert.ok(row, `${file.file}: no row for ${column.name}`);
      assert.equal(
        row.split('|')[2]?.trim(),
        column.required ? 'yes' : 'no',
        `${file.file}: ${column.name}`,
      );
      for (const value of column.values ?? [])
        if (column.values && column.values.length < 20)
          assert.ok(row.includes(`\`${value}\``), `${file.file}: ${column.name} value ${value}`);
    }
  }
});
