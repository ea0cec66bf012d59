import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateInactiveDisease, type InactiveDiseaseInput } from './inactive-disease.js';

const inactive: InactiveDiseaseInput = {
  activeJoints: 0,
  systemicFeatures: false,
  activeUveitis: false,
  esr: 8,
  physicianGlobal: 0,
  morningStiffnessMinutes: 10,
};

describe('clinical inactive disease (Wallace 2004, 2011)', () => {
  it('Wallace 2011 adds morning stiffness <= 15 min: stiffness 20 min -> CID 2004 yes, 2011 no', () => {
    const input = { ...inactive, morningStiffnessMinutes: 20 };
    assert.equal(evaluateInactiveDisease(input, 'wallace2004').value, true);
    const cid2011 = evaluateInactiveDisease(input, 'wallace2011');
    assert.equal(cid2011.value, false);
    assert.deepEqual(cid2011.failed, ['morningStiffnessMinutes']);
  });

  it('Wallace 2004 and 2011: stiffness 10 min -> yes under both', () => {
    assert.equal(evaluateInactiveDisease(inactive, 'wallace2004').value, true);
    assert.equal(evaluateInactiveDisease(inactive, 'wallace2011').value, true);
  });

  it('Wallace 2011 elevation not attributable to JIA: ESR 30 (> ULN 20) -> 2011 yes, 2004 no', () => {
    const input = { ...inactive, esr: 30, elevationAttributableToJia: false };
    assert.equal(evaluateInactiveDisease(input, 'wallace2011').value, true);
    assert.equal(evaluateInactiveDisease(input, 'wallace2004').value, false);
    // Without the clinician's statement an elevated value counts against CID.
    assert.equal(evaluateInactiveDisease({ ...inactive, esr: 30 }, 'wallace2011').value, false);
  });

  it('morning stiffness boundary: 15 min passes, 15.5 fails (2011)', () => {
    assert.equal(evaluateInactiveDisease({ ...inactive, morningStiffnessMinutes: 15 }).value, true);
    assert.equal(
      evaluateInactiveDisease({ ...inactive, morningStiffnessMinutes: 15.5 }).value,
      false,
    );
  });

  it("reactant boundary at the upper limit of normal, with the lab's own limit", () => {
    assert.equal(evaluateInactiveDisease({ ...inactive, esr: 20 }).value, true);
    assert.equal(evaluateInactiveDisease({ ...inactive, esr: 20.5 }).value, false);
    assert.equal(evaluateInactiveDisease({ ...inactive, esr: 25, esrUpperLimit: 25 }).value, true);
    assert.equal(evaluateInactiveDisease({ ...inactive, crp: 10 }).value, true);
    assert.equal(evaluateInactiveDisease({ ...inactive, crp: 10.1 }).value, false);
    assert.equal(evaluateInactiveDisease({ ...inactive, crp: 6, crpUpperLimit: 5 }).value, false);
  });

  it('needs PhGA at the best possible score: 0.5 is not inactive', () => {
    assert.equal(evaluateInactiveDisease({ ...inactive, physicianGlobal: 0.5 }).value, false);
  });

  it('any active joint, systemic feature or active uveitis fails', () => {
    for (const change of [
      { activeJoints: 1 },
      { systemicFeatures: true },
      { activeUveitis: true },
    ]) {
      assert.equal(
        evaluateInactiveDisease({ ...inactive, ...change }).value,
        false,
        JSON.stringify(change),
      );
    }
  });

  it('is undeterminable when an item is missing and none fails, false when one fails', () => {
    const noStiffness = { ...inactive, morningStiffnessMinutes: null };
    const result = evaluateInactiveDisease(noStiffness);
    assert.equal(result.value, null);
    assert.deepEqual(result.missing, ['morningStiffnessMinutes']);
    assert.equal(evaluateInactiveDisease(noStiffness, 'wallace2004').value, true);
    assert.equal(evaluateInactiveDisease({ ...noStiffness, activeJoints: 2 }).value, false);
    assert.equal(evaluateInactiveDisease({ ...inactive, esr: null }).value, null);
  });

  it('counts unrecorded systemic features as absent only for non-systemic categories', () => {
    const unrecorded = { ...inactive, systemicFeatures: null };
    assert.equal(
      evaluateInactiveDisease({ ...unrecorded, ilarCategory: 'oligoarticular_persistent' }).value,
      true,
    );
    assert.equal(evaluateInactiveDisease({ ...unrecorded, ilarCategory: 'systemic' }).value, null);
    assert.equal(evaluateInactiveDisease(unrecorded).value, null);
  });
});
