import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CsvReader } from './csv-reader.js';
import { CsvWriter } from './csv-writer.js';

const RUNS = { numRuns: 300 };
const utf8 = new TextEncoder();

/** A writer whose output is collected; `text()` flushes and decodes it all. */
function collect(bufferBytes?: number) {
  const chunks: Uint8Array[] = [];
  const copies: Uint8Array[] = [];
  const writer = new CsvWriter(
    (bytes) => {
      chunks.push(bytes);
      copies.push(bytes.slice());
    },
    bufferBytes === undefined ? undefined : { bufferBytes },
  );
  const bytes = (): Uint8Array => {
    writer.flush();
    // The writer must never touch a buffer after handing it over.
    assert.deepEqual(chunks, copies);
    return Buffer.concat(chunks);
  };
  return { writer, chunks, bytes, text: () => new TextDecoder().decode(bytes()) };
}

function numberText(value: number): string {
  const out = collect(64);
  out.writer.number(value);
  out.writer.endRecord();
  return out.text().slice(0, -1);
}

describe('CsvWriter', () => {
  const fields: [string, string][] = [
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rhere', '"cr\rhere"'],
    ['crlf\r\n', '"crlf\r\n"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['\ttab', '"\ttab"'],
    ['in side', 'in side'],
    ['\uFEFFbom', '"\uFEFFbom"'],
    ['naïve €5 😀', 'naïve €5 😀'],
    ['😀,', '"😀,"'],
  ];
  for (const [input, output] of fields) {
    it(`field(${JSON.stringify(input)}) writes ${JSON.stringify(output)}`, () => {
      const out = collect();
      out.writer.field('x');
      out.writer.field(input);
      out.writer.endRecord();
      assert.equal(out.text(), `x,${output}\n`);
    });
  }

  it('writes every kind of field with separators', () => {
    const out = collect();
    const w = out.writer;
    w.field('id');
    w.number(6.4);
    w.boolean(true);
    w.boolean(false);
    w.empty();
    w.number(-0);
    w.endRecord();
    w.empty();
    w.empty();
    w.endRecord();
    assert.equal(out.text(), 'id,6.4,true,false,,0\n,\n');
  });

  it('raw() echoes bytes, and the next field gets a separator', () => {
    const out = collect();
    const w = out.writer;
    w.raw(utf8.encode('a,"b,c"'));
    w.number(1);
    w.field('z');
    w.endRecord();
    w.raw(new Uint8Array(0)); // nothing: the record is still empty
    w.field('first');
    w.endRecord();
    assert.equal(out.text(), 'a,"b,c",1,z\nfirst\n');
  });

  it('writes a record of one empty field as "" (an empty line would be skipped)', () => {
    const out = collect();
    out.writer.field('h');
    out.writer.endRecord();
    out.writer.empty();
    out.writer.endRecord();
    out.writer.field('');
    out.writer.endRecord();
    assert.equal(out.text(), 'h\n""\n""\n');
  });

  it('rejects what CSV cannot hold', () => {
    const w = collect().writer;
    assert.throws(() => w.endRecord(), /no field/);
    assert.throws(() => w.number(Number.NaN), RangeError);
    assert.throws(() => w.number(Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => w.number(Number.NEGATIVE_INFINITY), RangeError);
    assert.throws(() => w.field('a\uD800b'), /lone surrogate/);
    assert.throws(() => w.field('\uDC00'), /lone surrogate/);
    assert.throws(() => w.field('a\uD83D'), /lone surrogate/);
    assert.throws(() => new CsvWriter(() => {}, { bufferBytes: 10 }), RangeError);
  });

  it('a failed field() leaves the record as it was', () => {
    const out = collect();
    out.writer.field('a');
    assert.throws(() => out.writer.field('b\uD800'));
    out.writer.field('c');
    out.writer.endRecord();
    assert.equal(out.text(), 'a,c\n');
  });

  it('flushes full buffers as fresh arrays, and handles fields larger than the buffer', () => {
    const out = collect(64);
    const big = 'é'.repeat(100);
    for (let k = 0; k < 20; k++) {
      out.writer.field(`row${k}`);
      out.writer.number(k / 8);
      out.writer.endRecord();
    }
    out.writer.field(big);
    out.writer.raw(utf8.encode(`,${'r'.repeat(200)}`));
    out.writer.endRecord();
    const text = out.text();
    assert.ok(out.chunks.length > 5, `${out.chunks.length} chunks`);
    assert.ok(new Set(out.chunks.map((c) => c.buffer)).size === out.chunks.length, 'fresh buffers');
    const expected = Array.from({ length: 20 }, (_, k) => `row${k},${k / 8}\n`).join('');
    assert.equal(text, `${expected}${big},${'r'.repeat(200)}\n`);
  });

  it('does not flush by itself until the buffer is full', () => {
    const out = collect();
    out.writer.field('a');
    out.writer.endRecord();
    assert.equal(out.chunks.length, 0);
    out.writer.flush();
    out.writer.flush();
    assert.equal(out.chunks.length, 1);
  });

  const numbers = [
    0,
    -0,
    1,
    -1,
    7,
    10,
    100,
    123456789,
    2 ** 31,
    2 ** 32,
    2 ** 32 + 0.5,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 60,
    1e21,
    1e22,
    123e300,
    6.4,
    -6.4,
    0.1,
    0.2,
    0.1 + 0.2,
    0.000001,
    0.0000015,
    1e-7,
    5e-324,
    1.7976931348623157e308,
    4294967295.999999,
    4294967295.5,
    123456789.123456,
    0.30000000000000004,
    1 / 3,
    -2 / 3,
    12.5,
    3.25,
    1.000001,
    999999.999999,
  ];
  for (const value of numbers) {
    it(`number(${Object.is(value, -0) ? '-0' : value}) writes String(value)`, () => {
      assert.equal(numberText(value), String(value));
    });
  }
});

describe('CsvWriter: properties', () => {
  it('number(v) === String(v) for any finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        assert.equal(numberText(v), String(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('number(v) === String(v) for decimals with few digits', () => {
    const decimal = fc.oneof(
      fc.integer().map((n) => n / 1e6),
      fc.integer().map((n) => n / 1e3),
      fc.integer({ min: -1e15, max: 1e15 }).map((n) => n / 1e6),
      fc.integer({ min: -1e15, max: 1e15 }).map((n) => n / 1e7),
      fc.maxSafeInteger(),
      fc.integer({ min: 0, max: 4e9 }).map((n) => n + 0.5),
    );
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 1, maxLength: 50 }), (values) => {
        const out = collect(64);
        for (const v of values) out.writer.number(v);
        out.writer.endRecord();
        assert.equal(out.text(), `${values.map(String).join(',')}\n`);
      }),
      RUNS,
    );
  });

  const text = fc.oneof(
    fc.string({
      unit: fc.constantFrom(
        'a',
        'z',
        '0',
        ',',
        '"',
        '\r',
        '\n',
        ' ',
        '\t',
        'é',
        '€',
        '😀',
        '\uFEFF',
      ),
      maxLength: 8,
    }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
  );
  type Cell =
    | { kind: 'text'; value: string }
    | { kind: 'number'; value: number }
    | { kind: 'boolean'; value: boolean }
    | { kind: 'empty' };
  const cell: fc.Arbitrary<Cell> = fc.oneof(
    text.map((value) => ({ kind: 'text' as const, value })),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .map((value) => ({ kind: 'number' as const, value })),
    fc.integer().map((n) => ({ kind: 'number' as const, value: n / 100 })),
    fc.boolean().map((value) => ({ kind: 'boolean' as const, value })),
    fc.constant({ kind: 'empty' as const }),
  );
  const table = fc.integer({ min: 1, max: 5 }).chain((columns) =>
    fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), {
      minLength: 1,
      maxLength: 8,
    }),
  );
  const expectedText = (c: Cell): string => (c.kind === 'empty' ? '' : String(c.value));

  it('whatever is written, csv-parse and CsvReader read back identically', () => {
    fc.assert(
      fc.property(table, fc.integer({ min: 64, max: 300 }), (rows, bufferBytes) => {
        const out = collect(bufferBytes);
        for (const row of rows) {
          for (const c of row) {
            if (c.kind === 'text') out.writer.field(c.value);
            else if (c.kind === 'number') out.writer.number(c.value);
            else if (c.kind === 'boolean') out.writer.boolean(c.value);
            else out.writer.empty();
          }
          out.writer.endRecord();
        }
        const bytes = out.bytes();
        const expected = rows.map((row) => row.map(expectedText));
        const parsed = parse(Buffer.from(bytes), {
          relax_quotes: false,
          relax_column_count: false,
          skip_empty_lines: true,
          bom: true,
        }) as string[][];
        assert.deepEqual(parsed, expected);
        const read: string[][] = [];
        const reader = new CsvReader((r) =>
          read.push(Array.from({ length: r.fieldCount }, (_, i) => r.text(i))),
        );
        reader.push(bytes);
        reader.end();
        assert.deepEqual(read, expected);
      }),
      RUNS,
    );
  });
});
