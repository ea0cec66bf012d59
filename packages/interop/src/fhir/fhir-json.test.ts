import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonNumber, jsonString } from './fhir-json.js';

test('jsonString writes what JSON.stringify writes', () => {
  for (const text of [
    '',
    'plain',
    'quote "q"',
    'back\\slash',
    'tab\tnl\ncr\r',
    '\u0000\u001f\u007f',
    'é ß 😀 東京',
    '\ud800 lone',
    'lone \udfff',
    '\u2028\u2029',
    '</script>',
  ])
    assert.equal(jsonString(text), JSON.stringify(text), JSON.stringify(text));
});

test('jsonNumber writes JSON.stringify(Number(text)) on edge cases', () => {
  const texts = [
    '0',
    '-0',
    '0.0',
    '-0.0',
    '00',
    '05',
    '5.',
    '.5',
    '-.5',
    '1.50',
    '7.90',
    '-2.50',
    '100',
    '1e3',
    '1E3',
    '1e21',
    '1e-7',
    '0.000001',
    '0.0000001',
    '0.00000123',
    '-0.000001',
    '123456789012345',
    '1234567890123456',
    '123456789012345678',
    '12.345678901234567',
    '0.30000000000000004',
    '9.999999999999999999',
    '999999999999999',
    '0.1',
    '-0.1',
    'abc',
    '',
    ' 1',
    '1 ',
    '+1',
    'Infinity',
    '-Infinity',
    'NaN',
    '0x10',
    '1_000',
    '1,5',
    '--1',
    '-',
    '2.25',
    '114',
    '4537',
  ];
  for (const text of texts) assert.equal(jsonNumber(text), JSON.stringify(Number(text)), text);
});

test('jsonNumber agrees with JSON.stringify(Number()) on random decimal texts', () => {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const digits = (n: number) => Array.from({ length: n }, () => String(next() % 10)).join('');
  for (let n = 0; n < 20000; n++) {
    const sign = next() % 4 === 0 ? '-' : '';
    const int = next() % 5 === 0 ? '0' : digits(1 + (next() % 17));
    const frac =
      next() % 3 === 0
        ? ''
        : `.${next() % 4 === 0 ? '0'.repeat(next() % 8) : ''}${digits(next() % 17)}`;
    const text = `${sign}${int}${frac}`;
    assert.equal(jsonNumber(text), JSON.stringify(Number(text)), text);
  }
});
