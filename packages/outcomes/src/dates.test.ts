import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayNumber, formatIsoDate, parseIsoDate } from './dates.js';

describe('calendar dates', () => {
  it('counts days between dates', () => {
    assert.equal(parseIsoDate('1970-01-01'), 0);
    const a = parseIsoDate('2024-01-01');
    const b = parseIsoDate('2024-04-01');
    assert.ok(a !== null && b !== null);
    assert.equal(b - a, 91);
  });

  it('rejects malformed and impossible dates', () => {
    for (const bad of [
      '2021-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-4-01',
      '2024-04-31',
      '24-04-01',
      '2024-04-01T00:00',
    ]) {
      assert.equal(parseIsoDate(bad), null, bad);
    }
    assert.notEqual(parseIsoDate('2024-02-29'), null);
    assert.notEqual(parseIsoDate('2000-02-29'), null);
    assert.equal(dayNumber(1900, 2, 29), null);
  });

  it('round-trips through formatting', () => {
    for (const text of ['1999-12-31', '2000-02-29', '2026-11-25', '1969-07-20']) {
      const day = parseIsoDate(text);
      assert.ok(day !== null);
      assert.equal(formatIsoDate(day), text);
    }
  });
});
