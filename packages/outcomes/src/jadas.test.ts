import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jadasRange, normaliseCrp, normaliseEsr, scoreJadas } from './jadas.js';

describe('JADAS (Consolaro 2009)', () => {
  it('Consolaro 2009: ESR normalisation, (clamp(ESR, 20, 120) - 20) / 10', () => {
    const rows: [number, number][] = [
      [0, 0],
      [15, 0],
      [20, 0],
      [21, 0.1],
      [45, 2.5],
      [120, 10],
      [121, 10],
      [200, 10],
    ];
    for (const [esr, expected] of rows) assert.equal(normaliseEsr(esr), expected, `ESR ${esr}`);
  });

  it('CRP normalisation, (clamp(CRP mg/L, 10, 110) - 10) / 10 (Nordal 2012; formula unconfirmed)', () => {
    const rows: [number, number][] = [
      [2, 0],
      [10, 0],
      [15, 0.5],
      [60, 5],
      [110, 10],
      [150, 10],
    ];
    for (const [crp, expected] of rows) assert.equal(normaliseCrp(crp), expected, `CRP ${crp}`);
  });

  it('Consolaro 2009 formula: PhGA 5, PGA 6, 12 active joints (9 in the 27 set), ESR 45', () => {
    const input = {
      physicianGlobal: 5,
      parentGlobal: 6,
      activeJoints: 12,
      activeJoints27: 9,
      esr: 45,
    };
    assert.equal(scoreJadas(input, { joints: 71, reactant: 'esr' }).value, 25.5);
    assert.equal(scoreJadas(input, { joints: 27, reactant: 'esr' }).value, 22.5);
    assert.equal(scoreJadas(input, { joints: 10, reactant: 'esr' }).value, 23.5);
    assert.equal(scoreJadas(input, { joints: 10, reactant: 'none' }).value, 21);
  });

  it('sums decimals without binary noise', () => {
    const result = scoreJadas(
      { physicianGlobal: 3.3, parentGlobal: 3.1, activeJoints: 0, esr: 10 },
      { joints: 10, reactant: 'esr' },
    );
    assert.equal(result.value, 6.4);
    assert.equal(String(result.value), '6.4');
  });

  it('is missing, never imputed, when a component is missing', () => {
    const result = scoreJadas(
      { physicianGlobal: 3, activeJoints: 2, esr: 10 },
      { joints: 71, reactant: 'esr' },
    );
    assert.deepEqual(result, { value: null, complete: false, missing: ['parentGlobal'] });
    const clinical = scoreJadas(
      { physicianGlobal: 3, parentGlobal: 2, activeJoints: 2 },
      { joints: 10, reactant: 'none' },
    );
    assert.equal(clinical.value, 7);
    const noJoints27 = scoreJadas(
      { physicianGlobal: 3, parentGlobal: 2, activeJoints: 2, esr: 5 },
      { joints: 27, reactant: 'esr' },
    );
    assert.deepEqual(noJoints27.missing, ['activeJoints27']);
  });

  it('reaches the published maxima 101 / 57 / 40 (Consolaro 2009)', () => {
    const worst = {
      physicianGlobal: 10,
      parentGlobal: 10,
      activeJoints: 71,
      activeJoints27: 27,
      esr: 150,
    };
    assert.equal(scoreJadas(worst, { joints: 71, reactant: 'esr' }).value, 101);
    assert.equal(scoreJadas(worst, { joints: 27, reactant: 'esr' }).value, 57);
    assert.equal(scoreJadas(worst, { joints: 10, reactant: 'esr' }).value, 40);
    assert.deepEqual(jadasRange({ joints: 71, reactant: 'esr' }), { min: 0, max: 101 });
    assert.deepEqual(jadasRange({ joints: 10, reactant: 'none' }), { min: 0, max: 30 });
  });
});
