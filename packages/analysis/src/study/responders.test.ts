import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countTests } from './multiplicity.js';
import { responderProportions } from './responders.js';

describe('responder proportions: completers and non-responder imputation', () => {
  test('an undetermined verdict leaves the completers and counts as non-response under imputation', () => {
    const r = responderProportions([true, true, false, null], 6);
    assert.deepEqual([r.responders, r.evaluable, r.due], [2, 3, 6]);
    assert.deepEqual([r.completers?.x, r.completers?.n], [2, 3]);
    assert.deepEqual([r.nonResponderImputation?.x, r.nonResponderImputation?.n], [2, 6]);
    // binom.test(2, 6)$conf.int = 0.04327187 0.77722190
    assert.equal(r.nonResponderImputation?.ci[0].toFixed(5), '0.04327');
  });
  test('nobody evaluable or due: no proportion; fewer due than evaluable: refused', () => {
    const none = responderProportions([null], 1);
    assert.equal(none.completers, null);
    assert.equal(none.nonResponderImputation?.estimate, 0);
    assert.equal(responderProportions([], 0).nonResponderImputation, null);
    assert.throws(() => responderProportions([true, false], 1), /cannot hold/);
  });
});

describe('the number of tests and the multiplicity note', () => {
  test('counts the p-values made, below 0.05 and below 0.05/m, each on both sides of its bound', () => {
    const m = countTests([
      { family: 'a', p: [0.0099, 0.01, 0.049, 0.05, null] },
      { family: 'b', p: [0.3] },
    ]);
    assert.equal(m.tests, 5, 'a test that could not be made (null) is not counted');
    assert.equal(m.bonferroniLevel, 0.01);
    assert.equal(m.belowLevel, 3, '0.05 itself is not below 0.05');
    assert.equal(m.belowBonferroni, 1, '0.0099 is below 0.01, 0.01 is not');
    assert.equal(m.expectedByChance, 0.25);
    assert.deepEqual(
      m.families.map((f) => [f.family, f.tests, f.belowLevel]),
      [
        ['a', 4, 3],
        ['b', 1, 0],
      ],
    );
    assert.equal(m.adjustment, 'none');
  });
  test('no test: no Bonferroni level; a level outside (0, 1) is refused', () => {
    assert.equal(countTests([]).bonferroniLevel, null);
    assert.throws(() => countTests([], 0), /between 0 and 1/);
  });
});
