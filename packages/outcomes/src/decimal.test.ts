import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareDecimal,
  compareProducts,
  fromMicro,
  meetsThreshold,
  roundDecimal,
  toMicro,
} from './decimal.js';

describe('decimal arithmetic (ADR 0002)', () => {
  it('represents clinical decimals exactly in micro-units', () => {
    assert.equal(toMicro(2.8), 2_800_000);
    assert.equal(toMicro(0.1 + 0.2), 300_000);
    assert.equal(toMicro(-0.0000001), 0);
    assert.ok(Object.is(toMicro(-0.0000001), 0), 'no negative zero');
    assert.equal(fromMicro(6_400_000), 6.4);
  });

  it('removes binary noise', () => {
    assert.equal(roundDecimal(6.3999999999999995), 6.4);
    assert.equal(String(roundDecimal(0.1 + 0.2)), '0.3');
  });

  it('rejects values that are not finite or too large to stay exact', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 2e9]) {
      assert.throws(() => toMicro(bad), RangeError);
    }
  });

  it('decides the exact 30% boundary that binary floating point misses', () => {
    // (2.8 - 4) / 4 is -0.30000000000000004 in doubles; as decimals it is exactly -30%.
    assert.ok((2.8 - 4) / 4 < -0.3);
    assert.equal(compareProducts(toMicro(2.8), 100, toMicro(4), 70), 0);
  });

  it('compares products beyond 2^53 exactly through BigInt', () => {
    const big = 900_000_000_000_000; // 9e14 micro-units
    assert.equal(compareProducts(big + 1, 130, big, 130), 1);
    assert.equal(compareProducts(big, 130, big, 130), 0);
    assert.equal(compareProducts(big, 112.5, big, 112.5), 0);
    assert.equal(compareProducts(big + 1, 112.5, big, 112.5), 1);
  });

  it('applies each comparator on both sides of its threshold', () => {
    const rows: [number, '<' | '<=' | '>' | '>=', number, boolean][] = [
      [684, '>', 684, false],
      [684.000001, '>', 684, true],
      [181, '<=', 181, true],
      [181.000001, '<=', 181, false],
      [15, '<', 15, false],
      [14.999999, '<', 15, true],
      [-2.1, '>=', -2.1, true],
      [-2.100001, '>=', -2.1, false],
    ];
    for (const [value, op, threshold, expected] of rows) {
      assert.equal(meetsThreshold(value, op, threshold), expected, `${value} ${op} ${threshold}`);
    }
    assert.equal(compareDecimal(0.1 + 0.2, 0.3), 0);
  });
});
