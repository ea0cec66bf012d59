import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allOf, anyOf, atLeast, atMost, not } from './verdict.js';

describe('three-valued logic (ADR 0003)', () => {
  it('decides "at least k" only when the unknown items cannot change it', () => {
    assert.equal(atLeast(3, 3, 2), true);
    assert.equal(atLeast(3, 2, 1), null);
    assert.equal(atLeast(3, 1, 1), false);
  });

  it('decides "at most k" only when the unknown items cannot change it', () => {
    assert.equal(atMost(1, 0, 1), true);
    assert.equal(atMost(1, 1, 1), null);
    assert.equal(atMost(1, 2, 0), false);
  });

  it('combines verdicts with Kleene logic', () => {
    assert.equal(allOf(true, null, false), false);
    assert.equal(allOf(true, null), null);
    assert.equal(allOf(true, true), true);
    assert.equal(anyOf(false, null, true), true);
    assert.equal(anyOf(false, null), null);
    assert.equal(anyOf(false, false), false);
    assert.equal(not(null), null);
    assert.equal(not(true), false);
  });
});
