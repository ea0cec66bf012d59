import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { INPUT_RANGES, type VisitScores } from '@jia-trial/outcomes';
import { SCORE_COLUMN_FIELDS, scoreValues, VISIT_COLUMNS } from './visit-columns.js';

describe('score columns', () => {
  it('prints each VisitScores field under its own column, in the declared order', () => {
    // A distinct value per field, so that any two fields swapped would show.
    const scores = Object.fromEntries(
      SCORE_COLUMN_FIELDS.map(([, field], i) => [field, i]),
    ) as unknown as VisitScores;
    assert.deepEqual(
      scoreValues(scores),
      SCORE_COLUMN_FIELDS.map((_, i) => i),
    );
  });
});

describe('docs/score-command.md', () => {
  it('documents every input column with the range the command enforces', () => {
    const doc = readFileSync(new URL('../../../../docs/score-command.md', import.meta.url), 'utf8');
    for (const column of VISIT_COLUMNS) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${column.name}\` |`));
      assert.ok(row, `docs/score-command.md has no row for ${column.name}`);
      if (column.field) {
        const { min, max } = INPUT_RANGES[column.field];
        assert.ok(
          row.replace(/,(?=\d{3})/g, '').includes(`${min}-${max}`),
          `${column.name}: ${min}-${max} in "${row}"`,
        );
      }
    }
  });
});
