/**
 * Booleans as spreadsheets write them (issue 16, "Files from spreadsheets"): Excel writes TRUE
 * and FALSE. They are refused with the fix named, never read as false.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFieldText } from './field-rules.js';
import type { FieldDefinition } from './types.js';

const BOOLEAN = { type: 'boolean' } as FieldDefinition;

test('true and false are booleans', () => {
  assert.deepEqual(parseFieldText(BOOLEAN, 'true'), { value: true });
  assert.deepEqual(parseFieldText(BOOLEAN, 'false'), { value: false });
});

test("Excel's TRUE and FALSE (any case) are refused with a hint, not read as false", () => {
  for (const text of ['TRUE', 'FALSE', 'True', 'fAlse']) {
    const parsed = parseFieldText(BOOLEAN, text);
    assert.ok('problem' in parsed, text);
    assert.match(parsed.problem, /write it in lower case, true or false/);
    assert.match(parsed.problem, /Excel/);
  }
});

test('anything else is refused as before, without the spreadsheet hint', () => {
  const parsed = parseFieldText(BOOLEAN, 'yes');
  assert.ok('problem' in parsed);
  assert.equal(parsed.problem, '"yes" is not true or false');
});
