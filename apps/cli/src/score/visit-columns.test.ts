import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VisitScores } from '@jia-trial/outcomes';
import { SCORE_COLUMN_FIELDS, scoreValues } from './visit-columns.js';

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
