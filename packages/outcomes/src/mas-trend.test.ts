import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateMasTrend,
  isMasTrendChange,
  MAS_TREND_DEFAULTS,
  type MasTrendThresholds,
} from './mas-trend.js';

describe('early warning of evolving MAS: laboratory trend (ADR 0018; not classification criteria)', () => {
  it('each default threshold on both sides: ferritin and AST up 50%, platelets and fibrinogen down 25%', () => {
    assert.equal(isMasTrendChange('ferritin', 400, 600, 50), true, '+50% exactly');
    assert.equal(isMasTrendChange('ferritin', 400, 599.99, 50), false);
    assert.equal(isMasTrendChange('ast', 30, 45, 50), true);
    assert.equal(isMasTrendChange('ast', 30, 44.9, 50), false);
    assert.equal(isMasTrendChange('platelets', 400, 300, 25), true, '-25% exactly');
    assert.equal(isMasTrendChange('platelets', 400, 300.01, 25), false);
    assert.equal(isMasTrendChange('fibrinogen', 480, 360, 25), true);
    assert.equal(isMasTrendChange('fibrinogen', 480, 361, 25), false);
  });

  it('decides exactly where binary floating point would not (0.7 x 2.8 is not 1.96 in doubles)', () => {
    // 1.96 <= (1 - 0.3) x 2.8 holds exactly; 2.8 * 0.7 is 1.9599999999999997 in doubles.
    assert.equal(isMasTrendChange('platelets', 2.8, 1.96, 30), true);
    assert.equal(isMasTrendChange('platelets', 2.8, 1.960001, 30), false);
    assert.equal(isMasTrendChange('ferritin', 300, 400, 33.3), true);
    assert.equal(isMasTrendChange('ferritin', 300, 399.89, 33.3), false);
  });

  it('moves in the MAS direction only: a falling ferritin or a rising platelet count is no warning', () => {
    assert.equal(isMasTrendChange('ferritin', 600, 300, 50), false);
    assert.equal(isMasTrendChange('platelets', 300, 450, 25), false);
  });

  it('a rise from 0 counts, a fall from 0 does not', () => {
    assert.equal(isMasTrendChange('ast', 0, 1, 50), true);
    assert.equal(isMasTrendChange('ast', 0, 0, 50), false);
    assert.equal(isMasTrendChange('fibrinogen', 0, 0, 25), false);
  });

  it('refuses a threshold that is no percentage, a fall of 100% or more, and negative values', () => {
    assert.throws(() => isMasTrendChange('ferritin', 1, 2, 0), /above 0/);
    assert.throws(() => isMasTrendChange('platelets', 1, 2, 100), /below 100/);
    assert.throws(() => isMasTrendChange('platelets', 1, 2, 12.25), /at most 1 decimal/);
    assert.throws(() => isMasTrendChange('ferritin', -1, 2, 50), /must be >= 0/);
  });

  it('reports the changes that met their threshold, with their percent, and what it could not compare', () => {
    const result = evaluateMasTrend(
      { ferritin: 300, platelets: 320, fibrinogen: 400 },
      { ferritin: 660, platelets: 230, fibrinogen: 380, ast: 40 },
    );
    assert.equal(result.value, true);
    assert.deepEqual(
      result.changes.map((c) => [c.analyte, c.direction, c.from, c.to, c.percent]),
      [
        ['ferritin', 'rise', 300, 660, 120],
        ['platelets', 'fall', 320, 230, -28.1],
      ],
    );
    assert.deepEqual(result.missing, ['ast']);
    assert.equal(result.complete, false);
  });

  it('is false only when every watched analyte was compared; null when one is missing', () => {
    const flat = { ferritin: 300, platelets: 320, ast: 30, fibrinogen: 400 };
    assert.equal(evaluateMasTrend(flat, flat).value, false);
    assert.equal(evaluateMasTrend(flat, { ...flat, ast: null }).value, null);
    const ferritinOnly: MasTrendThresholds = {
      ferritin: 50,
      platelets: null,
      ast: null,
      fibrinogen: null,
    };
    assert.equal(
      evaluateMasTrend({ ferritin: 300 }, { ferritin: 400 }, ferritinOnly).value,
      false,
      'an unwatched analyte is not missing',
    );
  });

  it('keeps its defaults as data', () => {
    assert.deepEqual(MAS_TREND_DEFAULTS, { ferritin: 50, platelets: 25, ast: 50, fibrinogen: 25 });
  });
});
