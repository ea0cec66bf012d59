import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRange, checkRanges } from './input-ranges.js';

describe('input ranges', () => {
  it('accepts both ends of each scale and refuses what lies beyond', () => {
    assert.equal(checkRange('physicianGlobal', 0), null);
    assert.equal(checkRange('physicianGlobal', 10), null);
    assert.match(checkRange('physicianGlobal', 75) ?? '', /75 is outside 0-10/);
    assert.match(checkRange('chaqDi', -0.125) ?? '', /outside 0-3/);
    assert.equal(checkRange('activeJoints', 71), null);
    assert.match(checkRange('activeJoints', 72) ?? '', /outside 0-71/);
    assert.match(checkRange('limitedJoints', 2.5) ?? '', /not a whole number/);
    assert.match(checkRange('esr', Number.NaN) ?? '', /outside/);
  });

  it('lists every present value out of range, and ignores missing ones', () => {
    const problems = checkRanges({ physicianGlobal: -1, parentGlobal: null, esr: 250, crp: 5 });
    assert.deepEqual(
      problems.map((p) => p.field),
      ['physicianGlobal', 'esr'],
    );
  });
});
