import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BUNDLE_FILES } from './bundle-spec.js';
import { CODE_LISTS } from './code-lists.js';
import {
  FORMULA_TRIGGERS,
  isNeutralisedField,
  NEUTRALISED_FIRST_CHARACTERS,
  neutraliseCell,
  restoreCell,
  restoredStart,
} from './csv-formula.js';

describe('CSV formula neutralisation (OWASP: a single quote before = + - @ tab CR)', () => {
  test('a text beginning with each trigger is written after a quote, and read back as it was', () => {
    for (const first of FORMULA_TRIGGERS) {
      const text = `${first}HYPERLINK("http://example.org")`;
      assert.equal(neutraliseCell(text), `'${text}`, JSON.stringify(first));
      assert.equal(restoreCell(neutraliseCell(text)), text);
    }
    assert.deepEqual([...FORMULA_TRIGGERS], ['=', '+', '-', '@', '\t', '\r']);
  });

  test('a text beginning with a quote gets one more, so that it comes back with its own', () => {
    assert.equal(neutraliseCell("'=1"), "''=1");
    assert.equal(restoreCell("''=1"), "'=1");
    assert.equal(neutraliseCell("'abc"), "''abc");
    assert.equal(restoreCell("''abc"), "'abc");
    assert.equal(neutraliseCell("'"), "''");
    assert.equal(restoreCell("''"), "'");
  });

  test('the other side: other texts are written and read unchanged', () => {
    for (const text of ['', 'a=1', ' =1', '1-2', 'methotrexate', '5', 'é=', "a'", '\n=1'])
      assert.equal(neutraliseCell(text), text, JSON.stringify(text));
    // A hand-made cell with a quote before anything else is read as it stands.
    for (const cell of ["'abc", "'", "' =1", "'5"]) assert.equal(restoreCell(cell), cell);
  });

  test('any text survives the round trip exactly; a written cell never begins with a trigger', () => {
    const text = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.constantFrom(...NEUTRALISED_FIRST_CHARACTERS, "''", "'="), fc.string())
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(text, (t) => {
        const cell = neutraliseCell(t);
        assert.equal(restoreCell(cell), t);
        assert.ok(!FORMULA_TRIGGERS.includes(cell[0] ?? ''));
      }),
      { numRuns: 2000 },
    );
  });

  test('restoredStart on UTF-8 bytes agrees with restoreCell', () => {
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    fc.assert(
      fc.property(
        fc.constantFrom('', "'", "''", "'=x", "'-1", "'a", "'é", '=x', "'@", "'\t", "'\r", 'abc'),
        fc.string(),
        (head, tail) => {
          const bytes = encoder.encode(`xx${head}${tail}`);
          const start = restoredStart(bytes, 2, bytes.length);
          assert.equal(
            decoder.decode(bytes.subarray(start)),
            restoreCell(decoder.decode(bytes.subarray(2))),
          );
        },
      ),
    );
  });

  test('chosen by the field type: text fields are neutralised, numbers, dates and booleans never', () => {
    const columns = BUNDLE_FILES.flatMap((f) => f.columns);
    for (const c of columns) {
      const text = ['id', 'text', 'code', 'codes', 'partial_date'].includes(c.field.type);
      assert.equal(isNeutralisedField(c.field), text, `${c.name} (${c.field.type})`);
    }
    // A negative number is a number: its field is not neutralised, so `-1.5` is written as is.
    const decimal = columns.find((c) => c.field.type === 'decimal');
    assert.ok(decimal && !isNeutralisedField(decimal.field));
    const integer = columns.find((c) => c.field.type === 'integer');
    assert.ok(integer && !isNeutralisedField(integer.field));
  });

  test('no code of any code list begins with a neutralised character (codes are never changed)', () => {
    for (const [list, { codes }] of Object.entries(CODE_LISTS))
      for (const { code } of codes)
        assert.ok(!NEUTRALISED_FIRST_CHARACTERS.includes(code[0] ?? ''), `${list}: ${code}`);
  });
});
