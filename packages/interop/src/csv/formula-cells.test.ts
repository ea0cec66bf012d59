import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neutraliseFormula, restoreFormula } from './formula-cells.js';

test('a cell beginning with = + - @ tab CR or a quote is prefixed with a quote; any other is not', () => {
  for (const cell of ['=SUM(A1)', '+1', '-1', '@cmd', '\tx', '\rx', "'quoted"])
    assert.equal(neutraliseFormula(cell), `'${cell}`, JSON.stringify(cell));
  for (const cell of ['', 'a=b', ' =x', '1-2', 'x@y', 'plain'])
    assert.equal(neutraliseFormula(cell), cell, JSON.stringify(cell));
});

test('restoreFormula takes exactly that prefix off again', () => {
  for (const cell of [
    '=SUM(A1)',
    '+1',
    '-1',
    '@cmd',
    '\tx',
    '\rx',
    "'quoted",
    "''",
    "'",
    'plain',
    '',
  ])
    assert.equal(restoreFormula(neutraliseFormula(cell)), cell, JSON.stringify(cell));
});
