import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreSet } from './core-set.js';
import { evaluateFlare } from './flare.js';

/** PhGA, PGA, CHAQ, AJC, LOM, ESR. */
function visit(values: readonly (number | null)[]): CoreSet {
  const [physicianGlobal, parentGlobal, chaqDi, activeJoints, limitedJoints, esr] = values;
  return { physicianGlobal, parentGlobal, chaqDi, activeJoints, limitedJoints, esr };
}

describe('flare, withdrawal-trial definition (NCT00095173; Ruperto 2008)', () => {
  const reference = visit([2, 2, 0.5, 2, 2, 10]);

  it('flares with 3 variables worse by >30% and their absolute minima met', () => {
    const result = evaluateFlare(reference, visit([4, 4, 1, 2, 2, 10]));
    assert.deepEqual(result.worsened, ['physicianGlobal', 'parentGlobal', 'chaqDi']);
    assert.equal(result.value, true);
  });

  it('needs a global assessment to rise by at least 2 cm (1.9 does not, 2.0 does)', () => {
    assert.equal(evaluateFlare(reference, visit([3.9, 4, 1, 2, 2, 10])).value, false);
    assert.equal(evaluateFlare(reference, visit([4.0, 4, 1, 2, 2, 10])).value, true);
  });

  it('needs a joint count to rise by at least 2 joints', () => {
    // AJC 2 -> 3 is +50% but only one joint: not a worsening under this definition.
    const oneJoint = evaluateFlare(reference, visit([2, 2, 1, 3, 3, 20]));
    assert.deepEqual(oneJoint.worsened, ['chaqDi', 'acutePhaseReactant']);
    assert.equal(oneJoint.value, false);
    const twoJoints = evaluateFlare(reference, visit([2, 2, 1, 4, 3, 20]));
    assert.deepEqual(twoJoints.worsened, ['chaqDi', 'activeJoints', 'acutePhaseReactant']);
    assert.equal(twoJoints.value, true);
  });

  it('reads ">30%" strictly by default: exactly +30% is not a worsening', () => {
    const base = visit([10, 10, 1, 10, 10, 10]);
    const exactly30 = visit([13, 13, 1.3, 10, 10, 10]);
    assert.equal(evaluateFlare(base, exactly30).value, false);
    assert.equal(evaluateFlare(base, exactly30, { strict: false }).value, true);
  });

  it('no flare when more than 1 variable improved by >30%', () => {
    const result = evaluateFlare(visit([2, 2, 0.5, 2, 2, 30]), visit([4, 4, 0.2, 4, 1, 10]));
    assert.deepEqual(result.improved, ['chaqDi', 'limitedJoints', 'acutePhaseReactant']);
    assert.equal(result.value, false);
  });

  it('counts a rise from zero as a worsening when its minimum is met', () => {
    const result = evaluateFlare(visit([0, 0, 0, 0, 0, 5]), visit([2, 1, 0.125, 2, 1, 5]));
    assert.deepEqual(result.worsened, ['physicianGlobal', 'chaqDi', 'activeJoints']);
    assert.equal(result.value, true);
  });

  it('decides despite missing variables only when they cannot change the verdict', () => {
    const partial = visit([2, 2, 0.5, 2, 2, null]);
    assert.equal(evaluateFlare(partial, visit([4, 4, 1, 2, 2, 10])).value, true);
    // Two unknowns could both be improvements by >30%, which would rule the flare out.
    assert.equal(
      evaluateFlare(visit([2, 2, 0.5, 2, null, null]), visit([4, 4, 1, 2, 2, 10])).value,
      null,
    );
    assert.equal(evaluateFlare(partial, visit([4, 4, 0.5, 2, 2, 10])).value, null);
    assert.equal(evaluateFlare(partial, visit([2, 2, 0.5, 2, 2, 10])).value, false);
    assert.equal(
      evaluateFlare(visit([2, 2, 0.5, null, null, null]), visit([9, 9, 3, 9, 9, 90])).value,
      null,
    );
  });
});

describe('flare, Brunner 2002 alternatives', () => {
  const reference = visit([5, 5, 1, 10, 10, 20]);

  it('F-B1: worsening >= 40% in >= 2 variables, improvement >= 30% in no more than 1', () => {
    const options = { definition: 'brunner2002_f1' } as const;
    assert.equal(evaluateFlare(reference, visit([7, 7, 1, 10, 10, 20]), options).value, true);
    assert.equal(evaluateFlare(reference, visit([6.9, 7, 1, 10, 10, 20]), options).value, false);
    assert.equal(evaluateFlare(reference, visit([7, 7, 0.7, 7, 10, 20]), options).value, false);
  });

  it('F-B2: worsening >= 30% in >= 3 variables, no absolute minimum', () => {
    const options = { definition: 'brunner2002_f2' } as const;
    assert.equal(evaluateFlare(reference, visit([6.5, 6.5, 1.3, 1, 1, 1]), options).value, true);
    assert.equal(
      evaluateFlare(reference, visit([6.5, 6.5, 1.29, 10, 10, 20]), options).value,
      false,
    );
  });

  it('F-B3: any CHAQ worsening, ESR >= 30% and active joints >= 10%', () => {
    const options = { definition: 'brunner2002_f3' } as const;
    assert.equal(evaluateFlare(reference, visit([5, 5, 1.125, 11, 10, 26]), options).value, true);
    assert.equal(evaluateFlare(reference, visit([5, 5, 1, 11, 10, 26]), options).value, false);
    assert.equal(
      evaluateFlare(reference, visit([5, 5, 1.125, 11, 10, 25.9]), options).value,
      false,
    );
    assert.equal(evaluateFlare(reference, visit([5, 5, 1.125, 11, 10, null]), options).value, null);
  });
});
