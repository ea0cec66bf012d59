/**
 * A randomisation stratum in words (src/components/randomisation/stratum-text.ts): the subject
 * field's label, a code's label, a group's own name, and the single stratum.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stratumText } from '../src/components/randomisation/stratum-text.js';

test('a stratum names its fields and codes in words, a group by its name', () => {
  assert.equal(
    stratumText('ilar_category=systemic;sex=F'),
    'JIA category (ILAR): Systemic arthritis; Sex: Female',
  );
  assert.equal(stratumText('ilar_category=other'), 'JIA category (ILAR): other');
  assert.equal(stratumText('all'), 'all subjects (one stratum)');
});
