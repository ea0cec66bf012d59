import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JADI_A_MAX,
  JADI_A_UNITS,
  JADI_E_DOMAINS,
  JADI_E_POINTS_LIMIT,
  jadiItemProblem,
  scoreJadi,
} from './jadi.js';
import { isJointCode } from './joints/catalogue.js';

/** Every JADI-A unit at `points`, and every JADI-E domain at `e`. */
function all(points: number, e = 0): Map<string, number> {
  return new Map([
    ...JADI_A_UNITS.map((u): [string, number] => [u.code, points]),
    ...JADI_E_DOMAINS.map((d): [string, number] => [d.code, e]),
  ]);
}

describe('JADI-A units (Sarma 2008 restating Viola 2005: 36 units)', () => {
  it('has 36 units and a maximum of 72', () => {
    assert.equal(JADI_A_UNITS.length, 36);
    assert.equal(JADI_A_MAX, 72);
    assert.equal(new Set(JADI_A_UNITS.map((u) => u.code)).size, 36);
  });

  it('scores MCP and PIP joints one by one and groups TMJ, ankle+subtalar and MTPs', () => {
    const joints = (code: string) => JADI_A_UNITS.find((u) => u.code === code)?.joints;
    assert.deepEqual(joints('jadi_a_mcp3_l'), ['mcp3_l']);
    assert.deepEqual(joints('jadi_a_temporomandibular'), [
      'temporomandibular_l',
      'temporomandibular_r',
    ]);
    assert.deepEqual(joints('jadi_a_ankle_subtalar_r'), ['ankle_r', 'subtalar_r']);
    assert.equal(joints('jadi_a_mtp_l')?.length, 5);
  });

  it('has 10 MCP and 10 PIP units (derived: 36 less the 26 others), PIP 1 the thumb IP', () => {
    const digitUnits = (kind: string) =>
      JADI_A_UNITS.filter((u) => new RegExp(`^jadi_a_${kind}[1-5]_[lr]$`).test(u.code));
    assert.equal(digitUnits('mcp').length, 10);
    assert.equal(digitUnits('pip').length, 10);
    assert.deepEqual(JADI_A_UNITS.find((u) => u.code === 'jadi_a_pip1_r')?.joints, ['pip1_r']);
    assert.equal(
      JADI_A_UNITS.some((u) => u.joints.some((j) => j.startsWith('dip'))),
      false,
      'no DIP joint is a JADI-A unit',
    );
  });

  it('names only joints of the 71-joint catalogue, each in at most one unit', () => {
    const seen = new Set<string>();
    for (const unit of JADI_A_UNITS)
      for (const joint of unit.joints) {
        assert.ok(isJointCode(joint), `${unit.code}: ${joint}`);
        assert.ok(!seen.has(joint), `${joint} in two units`);
        seen.add(joint);
      }
  });
});

describe('JADI item values: both sides of each limit', () => {
  it('accepts 0, 1 and 2 for a JADI-A unit and refuses 3, -1 and 1.5', () => {
    for (const ok of [0, 1, 2]) assert.equal(jadiItemProblem('jadi_a_knee_l', ok), null);
    for (const bad of [3, -1, 1.5])
      assert.match(jadiItemProblem('jadi_a_knee_l', bad) ?? '', /scores 0 .* 1 .* or 2/);
  });

  it(`accepts a JADI-E domain up to ${JADI_E_POINTS_LIMIT} and refuses ${JADI_E_POINTS_LIMIT + 1}`, () => {
    assert.equal(jadiItemProblem('jadi_e_ocular', JADI_E_POINTS_LIMIT), null);
    assert.match(
      jadiItemProblem('jadi_e_ocular', JADI_E_POINTS_LIMIT + 1) ?? '',
      /JADI-E points .* 0 to 17/,
    );
    assert.match(jadiItemProblem('jadi_e_ocular', -1) ?? '', /JADI-E/);
  });

  it('accepts 0 for a JADI-E domain and refuses a fraction of a point', () => {
    assert.equal(jadiItemProblem('jadi_e_amyloidosis', 0), null);
    assert.match(jadiItemProblem('jadi_e_amyloidosis', 1.5) ?? '', /whole number from 0 to 17/);
  });

  it('refuses an unknown item by name', () => {
    assert.equal(jadiItemProblem('jadi_a_dip2_l', 1), 'jadi_a_dip2_l is not a JADI item');
  });
});

describe('scoreJadi', () => {
  it('sums a complete assessment: none, some and maximal damage', () => {
    assert.equal(scoreJadi(all(0)).articular.value, 0);
    assert.equal(scoreJadi(all(2)).articular.value, 72);
    const some = all(0);
    some.set('jadi_a_knee_l', 2);
    some.set('jadi_a_wrist_r', 1);
    some.set('jadi_e_endocrine', 1);
    const result = scoreJadi(some);
    assert.equal(result.articular.value, 3);
    assert.deepEqual(result.articular.damagedItems, ['jadi_a_wrist_r', 'jadi_a_knee_l']);
    assert.equal(result.extraArticular.value, 1);
    assert.equal(result.articular.evidence, 'S');
    assert.equal(result.extraArticular.evidence, 'M');
  });

  it('reports a JADI-A with one unit missing as incomplete, never as the partial sum', () => {
    const partial = all(1);
    partial.delete('jadi_a_hip_r');
    const { articular, extraArticular } = scoreJadi(partial);
    assert.equal(articular.value, null);
    assert.equal(articular.complete, false);
    assert.deepEqual(articular.missing, ['jadi_a_hip_r']);
    assert.equal(articular.recordedSum, 35);
    assert.equal(extraArticular.value, 0);
  });

  it('gives no JADI-E without its domains, and no recorded sum when nothing was recorded', () => {
    const result = scoreJadi({});
    assert.equal(result.extraArticular.value, null);
    assert.equal(result.extraArticular.recordedSum, null);
    assert.equal(result.extraArticular.missing.length, 5);
  });

  it('refuses to score an invalid value, naming the item', () => {
    assert.throws(() => scoreJadi({ jadi_a_knee_l: 3 }), /jadi_a_knee_l: a JADI-A unit scores/);
  });
});
