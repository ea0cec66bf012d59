import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Options, parse } from 'csv-parse/sync';
import fc from 'fast-check';
import {
  CsvReader,
  type CsvReaderOptions,
  type CsvRecordView,
  CsvSyntaxError,
} from './csv-reader.js';

const utf8 = new TextEncoder();
const RUNS = { numRuns: 300 };

/** What a test sees of one record (copied out of the reused view). */
interface Seen {
  line: number;
  index: number;
  offset: number;
  byteLength: number;
  raw: string;
  fields: string[];
  quoted: boolean[];
}

type Outcome = { records: Seen[] } | { error: string; line: number; field: number | null };

function bytesOf(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? utf8.encode(input) : input;
}

function latin1(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
}

function see(r: CsvRecordView): Seen {
  const fields: string[] = [];
  const quoted: boolean[] = [];
  for (let i = 0; i < r.fieldCount; i++) {
    fields.push(r.text(i));
    quoted.push(r.isQuoted(i));
  }
  return {
    line: r.line,
    index: r.index,
    offset: r.offset,
    byteLength: r.byteLength,
    raw: latin1(r.raw()),
    fields,
    quoted,
  };
}

/** Splits `bytes` into chunks whose sizes cycle through `sizes`. */
function chunk(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const size = sizes[k % sizes.length] ?? 1;
    chunks.push(bytes.slice(at, at + size)); // copies: the reader must not rely on old chunks
    at += size;
  }
  return chunks;
}

/** Reads `chunks` with `onRecord` (default: collects every record as Seen). */
function run(chunks: Uint8Array[], options?: CsvReaderOptions): Outcome {
  const records: Seen[] = [];
  const reader = new CsvReader((r) => records.push(see(r)), options);
  try {
    for (const c of chunks) reader.push(c);
    reader.end();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    assert.ok(error.message.startsWith(`line ${error.line}`), error.message);
    return { error: error.message, line: error.line, field: error.field };
  }
  return { records };
}

/**
 * Reads the input whole, in 1-, 2-, 3- and 5-byte chunks, and split in two at every position;
 * asserts that every way gives the same outcome, and returns it.
 */
function read(input: string | Uint8Array, options?: CsvReaderOptions): Outcome {
  const bytes = bytesOf(input);
  const expected = run([bytes], options);
  for (const sizes of [[1], [2], [3], [5], [1, 4, 2]]) {
    assert.deepEqual(run(chunk(bytes, sizes), options), expected, `chunks of ${sizes}`);
  }
  for (let k = 1; k < bytes.length; k++) {
    const split = [bytes.slice(0, k), bytes.slice(k)];
    assert.deepEqual(run(split, options), expected, `split at ${k}`);
  }
  return expected;
}

function records(input: string | Uint8Array, options?: CsvReaderOptions): string[][] {
  const outcome = read(input, options);
  if ('error' in outcome) assert.fail(`unexpected error: ${outcome.error}`);
  return outcome.records.map((r) => r.fields);
}

function error(input: string | Uint8Array, options?: CsvReaderOptions): string {
  const outcome = read(input, options);
  if (!('error' in outcome)) assert.fail(`expected an error, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

/** Calls `check` with the single data record of `input` (after its header). */
function withRecord(input: string | Uint8Array, check: (r: CsvRecordView) => void): void {
  let calls = 0;
  const reader = new CsvReader((r) => {
    if (r.index === 1) {
      calls++;
      check(r);
    }
  });
  reader.push(bytesOf(input));
  reader.end();
  assert.equal(calls, 1);
}

describe('CsvReader: records', () => {
  const cases: [string, string, string[][]][] = [
    [
      'LF terminators',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'CRLF terminators',
      'a,b\r\n1,2\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'mixed terminators',
      'a,b\r\n1,2\n3,4\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
      ],
    ],
    [
      'no final terminator',
      'a,b\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['header only', 'a,b\n', [['a', 'b']]],
    ['empty input', '', []],
    ['only terminators', '\n\r\n\n', []],
    [
      'empty lines skipped',
      '\na,b\n\n1,2\r\n\r\n\n3,4\n\n',
      [
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
      ],
    ],
    [
      'empty fields',
      'a,b,c\n,,\n1,,\n,,3',
      [
        ['a', 'b', 'c'],
        ['', '', ''],
        ['1', '', ''],
        ['', '', '3'],
      ],
    ],
    ['single column', 'a\n1\n""\n2', [['a'], ['1'], [''], ['2']]],
    [
      'quoted plain',
      '"a","b"\n"1",2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'quoted comma',
      'a,b\n"1,5",2\n',
      [
        ['a', 'b'],
        ['1,5', '2'],
      ],
    ],
    [
      'quoted LF and CRLF',
      'a,b\n"x\ny","p\r\nq"\n',
      [
        ['a', 'b'],
        ['x\ny', 'p\r\nq'],
      ],
    ],
    ['quoted bare CR', 'a\n"x\ry"\n', [['a'], ['x\ry']]],
    [
      'escaped quotes',
      'a,b\n"say ""hi""",""""\n',
      [
        ['a', 'b'],
        ['say "hi"', '"'],
      ],
    ],
    [
      'quoted empty',
      'a,b\n"",""\r\n',
      [
        ['a', 'b'],
        ['', ''],
      ],
    ],
    [
      'quoted then CRLF',
      'a,b\r\n1,"2"\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'quoted at end of input',
      'a,b\n1,"2"',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'trailing comma at end of input',
      'a,b\n1,',
      [
        ['a', 'b'],
        ['1', ''],
      ],
    ],
    [
      'spaces kept',
      ' a , b \n 1 ,2',
      [
        [' a ', ' b '],
        [' 1 ', '2'],
      ],
    ],
    ['other bytes below comma', 'a#b,c!+\t\n', [['a#b', 'c!+\t']]],
    [
      'multibyte UTF-8',
      'é,€\n😀,"ü,ß"\n',
      [
        ['é', '€'],
        ['😀', 'ü,ß'],
      ],
    ],
    [
      'BOM skipped',
      '\uFEFFa,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['only a BOM', '\uFEFF', []],
    ['U+FEFF after the first byte is data', 'a,\uFEFFb\n', [['a', '\uFEFFb']]],
    ['a quoted U+FEFF at the start is data', '"\uFEFFa"\n', [['\uFEFFa']]],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.deepEqual(records(input), expected));
  }

  it('two BOMs: the second is data', () => {
    assert.deepEqual(records('\uFEFF\uFEFFa\n'), [['\uFEFFa']]);
  });

  it('a partial BOM is data', () => {
    // EF BB 'A' LF: a record of invalid UTF-8, whatever the chunking.
    for (const sizes of [[1], [2], [4]]) {
      const raws: string[] = [];
      const offsets: number[] = [];
      const reader = new CsvReader((r) => {
        raws.push(latin1(r.raw()));
        offsets.push(r.offset);
      });
      for (const c of chunk(new Uint8Array([0xef, 0xbb, 0x41, 0x0a, 0x42]), sizes)) reader.push(c);
      reader.end();
      assert.deepEqual(raws, ['\xef\xbbA', 'B']);
      assert.deepEqual(offsets, [0, 4]);
    }
    assert.equal(error(new Uint8Array([0xef, 0xbb, 0x41, 0x0a])), 'line 1, field 1: invalid UTF-8');
    assert.equal(error(new Uint8Array([0xef])), 'line 1, field 1: invalid UTF-8');
    assert.equal(error(new Uint8Array([0xef, 0xbb])), 'line 1, field 1: invalid UTF-8');
  });

  it('reports line, index, offset, byteLength and raw', () => {
    const input = '\uFEFFid,note\r\n\r\n1,"a\nb"\n\n2,"x\r\n""y"""\r\n3,z';
    const outcome = read(input);
    assert.ok('records' in outcome, 'expected records');
    const bytes = utf8.encode(input);
    const meta = outcome.records.map(({ line, index, offset, byteLength, raw }) => ({
      line,
      index,
      offset,
      byteLength,
      raw,
    }));
    const at = (s: string) => utf8.encode(input.slice(0, input.indexOf(s))).length;
    assert.deepEqual(meta, [
      { line: 1, index: 0, offset: 3, byteLength: 7, raw: 'id,note' },
      { line: 3, index: 1, offset: at('1,'), byteLength: 7, raw: '1,"a\nb"' },
      { line: 6, index: 2, offset: at('2,'), byteLength: 12, raw: '2,"x\r\n""y"""' },
      { line: 8, index: 3, offset: at('3,'), byteLength: 3, raw: '3,z' },
    ]);
    for (const r of outcome.records) {
      assert.equal(latin1(bytes.subarray(r.offset, r.offset + r.byteLength)), r.raw);
    }
  });

  it('nextLine: the line where the next record would start', () => {
    const lines = (input: string) => {
      const reader = new CsvReader(() => {});
      const seen = [reader.nextLine];
      for (const c of chunk(utf8.encode(input), [1])) {
        reader.push(c);
        seen.push(reader.nextLine);
      }
      reader.end();
      return [...seen, reader.nextLine];
    };
    assert.deepEqual(lines('a\n"b\n"\r\n\n'), [1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 5]);
    assert.deepEqual(lines('a\nb'), [1, 1, 2, 2, 2]);
  });

  it('accepts Buffers and plain Uint8Arrays alike', () => {
    const seen: string[] = [];
    const reader = new CsvReader((r) => seen.push(r.text(0)));
    reader.push(Buffer.from('a\nb'));
    reader.push(new Uint8Array([0x63, 0x0a])); // "c\n"
    reader.push(Buffer.from('d\n'));
    reader.end();
    assert.deepEqual(seen, ['a', 'bc', 'd']);
  });

  it('carries a record over many chunks without keeping old chunks', () => {
    const long = 'x'.repeat(10_000);
    const input = utf8.encode(`a,b\n"${long}\n${long}",${long}\n1,2\n`);
    for (const size of [1, 7, 4096]) {
      const chunks = chunk(input, [size]);
      const texts: string[][] = [];
      const reader = new CsvReader((r) => texts.push([r.text(0), r.text(1)]));
      for (const c of chunks) {
        reader.push(c);
        c.fill(0x21); // the reader must have copied what it needs
      }
      reader.end();
      assert.deepEqual(texts, [
        ['a', 'b'],
        [`${long}\n${long}`, long],
        ['1', '2'],
      ]);
    }
  });
});

describe('CsvReader: errors', () => {
  const cases: [string, string, string][] = [
    [
      'unclosed quote',
      'a,b\n1,"x\ny\n',
      'line 4, field 2: unclosed quoted field (opened at line 2)',
    ],
    [
      'unclosed quote, last line',
      'a,b\n1,"x',
      'line 2, field 2: unclosed quoted field (opened at line 2)',
    ],
    [
      'quote in unquoted field',
      'a,b,c,d\n1,2,3,4\n1,2,3,4"\n',
      'line 3, field 4: a quote inside an unquoted field',
    ],
    ['quote in the middle', 'a,b\nx"y,1\n', 'line 2, field 1: a quote inside an unquoted field'],
    [
      'quote after a quoted line break',
      'a,b\n"x\ny",1"\n',
      'line 3, field 2: a quote inside an unquoted field',
    ],
    [
      'text after closing quote',
      'a,b\n1,"x"y\n',
      'line 2, field 2: characters after a closing quote',
    ],
    [
      'space after closing quote',
      'a,b\n"x" ,1\n',
      'line 2, field 1: characters after a closing quote',
    ],
    [
      'quote after closing quote pair',
      'a\n"x"""y"\n',
      'line 2, field 1: characters after a closing quote',
    ],
    ['too few fields', 'a,b,c\n1,2,3\n1,2\n', 'line 3: 2 fields, but the header has 3'],
    ['one field', 'a,b\n1\n', 'line 2: 1 field, but the header has 2'],
    ['too many fields', 'a,b\n1,2,3\n', 'line 2: 3 fields, but the header has 2'],
    ['wrong count, last line', 'a,b\n1,2\n\n\n1', 'line 5: 1 field, but the header has 2'],
    [
      'wrong count after quoted LF',
      'a,b\n"x\ny",1\n"p\nq"\n',
      'line 4: 1 field, but the header has 2',
    ],
    [
      'bare CR ends a record',
      'a,b\r1,2\n',
      'line 1: a carriage return not followed by a line feed',
    ],
    [
      'bare CR in a field',
      'a,b\n1\r2,3\n',
      'line 2: a carriage return not followed by a line feed',
    ],
    [
      'bare CR after a quote',
      'a\n"x"\ry\n',
      'line 2: a carriage return not followed by a line feed',
    ],
    [
      'bare CR on an empty line',
      'a\n\r\rb\n',
      'line 2: a carriage return not followed by a line feed',
    ],
    ['CR CR LF', 'a\r\r\n', 'line 1: a carriage return not followed by a line feed'],
    ['CR at end of input', 'a,b\n1,2\r', 'line 2: a carriage return not followed by a line feed'],
    ['CR alone at end', 'a\n\r', 'line 2: a carriage return not followed by a line feed'],
  ];
  for (const [name, input, message] of cases) {
    it(name, () => assert.equal(error(input), message));
  }

  it('sets line and field on the error', () => {
    const outcome = read('a,b,c,d\n1,2,3,4\n1,2,3,4"\n');
    assert.deepEqual(outcome, {
      error: 'line 3, field 4: a quote inside an unquoted field',
      line: 3,
      field: 4,
    });
    const count = read('a,b\n1\n');
    assert.deepEqual(count, {
      error: 'line 2: 1 field, but the header has 2',
      line: 2,
      field: null,
    });
  });

  it('rejects records longer than maxRecordBytes, the same for any chunking', () => {
    const options = { maxRecordBytes: 5 };
    const tooLong = 'line 2: a record longer than 5 bytes (is a closing quote missing?)';
    assert.deepEqual(records('"a,b"\nabcde\r\n12345', options), [['a,b'], ['abcde'], ['12345']]);
    assert.equal(error('a\nabcdef\n', options), tooLong);
    assert.equal(error('a\nabcdef\r\n', options), tooLong);
    assert.equal(error('a\nabcdef', options), tooLong);
    assert.equal(error('a\n"abcdefghijk', options), tooLong);
    assert.equal(error('a\n"abc\n\nefghijk\n\n', options), tooLong);
    // A syntax error within the limit is reported as such; beyond it, the length is.
    assert.equal(
      error('a\nab"cdefgh\n', options),
      'line 2, field 1: a quote inside an unquoted field',
    );
    assert.equal(error('a\nabcdefg"h\n', options), tooLong);
    assert.equal(
      error('a\n"abc', options),
      'line 2, field 1: unclosed quoted field (opened at line 2)',
    );
    assert.equal(
      error('a\nabcde\r', options),
      'line 2: a carriage return not followed by a line feed',
    );
    assert.equal(error('a\nabcdef\r', options), tooLong);
    assert.equal(error('a\nabcdefg\r', options), tooLong);
  });

  it('keeps memory bounded for a runaway quote', () => {
    const reader = new CsvReader(() => {}, { maxRecordBytes: 1000 });
    reader.push(utf8.encode('a\n"'));
    const block = utf8.encode('x'.repeat(100));
    assert.throws(() => {
      for (let k = 0; k < 1e5; k++) reader.push(block);
    }, /line 2: a record longer than 1000 bytes/);
  });

  it('text(): invalid UTF-8 names the line and field', () => {
    const bytes = new Uint8Array([...utf8.encode('a,b\n"x\ny",'), 0xff, 0x0a]);
    withRecord(bytes, (r) => {
      assert.equal(r.text(0), 'x\ny');
      assert.throws(() => r.text(1), {
        name: 'CsvSyntaxError',
        message: 'line 3, field 2: invalid UTF-8',
      });
    });
    const truncated = new Uint8Array([...utf8.encode('a\n"'), 0xe2, 0x82, 0x22, 0x0a]);
    withRecord(truncated, (r) => assert.throws(() => r.text(0), /line 2, field 1: invalid UTF-8/));
  });

  it('is unusable after an error, an exception from onRecord, or end()', () => {
    const broken = new CsvReader(() => {});
    assert.throws(() => broken.push(utf8.encode('a"\n')), CsvSyntaxError);
    assert.throws(() => broken.push(utf8.encode('b\n')), /unusable after an earlier error/);
    const throwing = new CsvReader(() => {
      throw new Error('boom');
    });
    assert.throws(() => throwing.push(utf8.encode('a\n')), /boom/);
    assert.throws(() => throwing.end(), /unusable/);
    const ended = new CsvReader(() => {});
    ended.end();
    assert.throws(() => ended.push(utf8.encode('a')), /after end/);
  });

  it('rejects a bad field index and bad options', () => {
    withRecord('a,b\n1,2\n', (r) => {
      assert.throws(() => r.text(2), RangeError);
      assert.throws(() => r.decimal(-1), RangeError);
      assert.throws(() => r.isEmpty(0.5), RangeError);
    });
    assert.throws(() => new CsvReader(() => {}, { maxRecordBytes: 0 }), RangeError);
  });
});

describe('CsvReader: field accessors', () => {
  it('isEmpty, isQuoted, bytes, equals', () => {
    withRecord('a,b,c,d,e\n,"",x,"p""q","r,s"\n', (r) => {
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((i) => r.isEmpty(i)),
        [true, true, false, false, false],
      );
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((i) => r.isQuoted(i)),
        [false, true, false, true, true],
      );
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((i) => latin1(r.bytes(i))),
        ['', '', 'x', 'p"q', 'r,s'],
      );
      assert.equal(r.equals(2, utf8.encode('x')), true);
      assert.equal(r.equals(2, utf8.encode('xy')), false);
      assert.equal(r.equals(3, utf8.encode('p"q')), true);
      assert.equal(r.equals(3, utf8.encode('p""q')), false);
      assert.equal(r.equals(4, utf8.encode('r,s')), true);
      assert.equal(r.equals(1, new Uint8Array(0)), true);
      assert.equal(r.equals(2, utf8.encode('y')), false);
    });
  });

  it('text() of short, long, escaped and multibyte fields', () => {
    const long = 'abcdefghijklmnopqrstuvwxyz'.repeat(500);
    withRecord(`a,b,c,d,e\n123456789012,${long},"a""b",naïve,"x\r\ny"\n`, (r) => {
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((i) => r.text(i)),
        ['123456789012', long, 'a"b', 'naïve', 'x\r\ny'],
      );
    });
    // Every length through the short-ASCII paths (0 to 25 bytes).
    const texts = Array.from({ length: 26 }, (_, k) => 'abcdefghijklmnopqrstuvwxyz'.slice(0, k));
    withRecord(`${texts.map((_, k) => `c${k}`).join(',')}\n${texts.join(',')}\n`, (r) => {
      assert.deepEqual(
        texts.map((_, k) => r.text(k)),
        texts,
      );
    });
  });

  const decimals: [string, number][] = [
    ['0', 0],
    ['-0', -0],
    ['-0.000', -0],
    ['12', 12],
    ['4.5', 4.5],
    ['0.125', 0.125],
    ['-3.25', -3.25],
    ['007', 7],
    ['6.4', 6.4],
    ['0.1', 0.1],
    ['1000000', 1000000],
    ['"12.5"', 12.5],
    ['9007199254740993', Number('9007199254740993')],
    ['12345678901234567890', Number('12345678901234567890')],
    ['0.12345678901234567890123', Number('0.12345678901234567890123')],
    ['1.0000000000000000000000001', Number('1.0000000000000000000000001')],
    ['', Number.NaN],
    ['""', Number.NaN],
    ['-', Number.NaN],
    ['.5', Number.NaN],
    ['-.5', Number.NaN],
    ['1.', Number.NaN],
    ['+1', Number.NaN],
    ['1e3', Number.NaN],
    ['1E3', Number.NaN],
    [' 1', Number.NaN],
    ['1 ', Number.NaN],
    ['"1,000"', Number.NaN],
    ['1.2.3', Number.NaN],
    ['--1', Number.NaN],
    ['0x10', Number.NaN],
    ['Infinity', Number.NaN],
    ['NaN', Number.NaN],
    ['1_000', Number.NaN],
    ['١', Number.NaN],
  ];
  for (const [field, expected] of decimals) {
    it(`decimal(${field}) is ${Object.is(expected, -0) ? '-0' : expected}`, () => {
      withRecord(`h,v\nx,${field}\n`, (r) =>
        assert.ok(Object.is(r.decimal(1), expected), `${r.decimal(1)}`),
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Properties, with csv-parse as the oracle.

const ORACLE: Options = {
  relax_quotes: false,
  relax_column_count: false,
  skip_empty_lines: true,
  bom: true,
  record_delimiter: ['\r\n', '\n'], // both, mixed (its default auto-detects one of them)
};

function oracle(bytes: Uint8Array): string[][] {
  return parse(Buffer.from(bytes), ORACLE) as string[][];
}

const fieldText = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      'a',
      'b',
      '1',
      '.',
      ',',
      '"',
      '\r',
      '\n',
      '\r\n',
      ' ',
      'é',
      '€',
      '😀',
      'ß',
    ),
    maxLength: 6,
  }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.constant(''),
);

/** A table as a CSV file, serialized correctly in randomly chosen ways. */
const csvFile = fc
  .integer({ min: 1, max: 5 })
  .chain((columns) =>
    fc.record({
      rows: fc.array(
        fc.record({
          fields: fc.array(fc.tuple(fieldText, fc.boolean()), {
            minLength: columns,
            maxLength: columns,
          }),
          terminator: fc.constantFrom('\n', '\r\n'),
          emptyLinesBefore: fc.array(fc.constantFrom('\n', '\r\n'), { maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
      bom: fc.boolean(),
      finalTerminator: fc.boolean(),
    }),
  )
  .map(({ rows, bom, finalTerminator }) => {
    const pieces: Uint8Array[] = [];
    const expected: { line: number; offset: number; byteLength: number }[] = [];
    let offset = 0;
    let line = 1;
    const add = (s: string) => {
      const bytes = utf8.encode(s);
      pieces.push(bytes);
      offset += bytes.length;
      for (const b of bytes) if (b === 0x0a) line++;
    };
    if (bom) add('\uFEFF');
    rows.forEach((row, k) => {
      for (const empty of row.emptyLinesBefore) add(empty);
      const record = row.fields
        .map(([text, forceQuotes], i) => {
          const needsQuotes =
            /[",\r\n]/.test(text) ||
            (text === '' && row.fields.length === 1) || // else an empty line
            (i === 0 && text.startsWith('\uFEFF')); // else a BOM (at the start of the file)
          return needsQuotes || forceQuotes ? `"${text.replaceAll('"', '""')}"` : text;
        })
        .join(',');
      const start = offset;
      const startLine = line;
      add(record);
      expected.push({ line: startLine, offset: start, byteLength: offset - start });
      if (k < rows.length - 1 || finalTerminator) add(row.terminator);
    });
    const bytes = new Uint8Array(offset);
    let at = 0;
    for (const p of pieces) {
      bytes.set(p, at);
      at += p.length;
    }
    return { bytes, table: rows.map((r) => r.fields.map(([text]) => text)), expected };
  });

/** Chunk sizes: single bytes, small random sizes, or everything at once. */
const chunkSizes = fc.oneof(
  fc.constant([1]),
  fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
  fc.constant([1 << 20]),
);

describe('CsvReader: properties (csv-parse as the oracle)', () => {
  it('reads every correctly serialized table like csv-parse, for any chunking', () => {
    fc.assert(
      fc.property(csvFile, chunkSizes, ({ bytes, table, expected }, sizes) => {
        assert.deepEqual(oracle(bytes), table);
        const outcome = run(chunk(bytes, sizes));
        if ('error' in outcome) assert.fail(outcome.error);
        assert.deepEqual(
          outcome.records.map((r) => r.fields),
          table,
        );
        assert.deepEqual(
          outcome.records.map(({ line, offset, byteLength }) => ({ line, offset, byteLength })),
          expected,
        );
        outcome.records.forEach((r, k) => {
          assert.equal(r.index, k);
          assert.equal(latin1(bytes.subarray(r.offset, r.offset + r.byteLength)), r.raw);
        });
      }),
      RUNS,
    );
  });

  it('raw() of each record re-parses to the same fields, which are the bytes()', () => {
    fc.assert(
      fc.property(csvFile, chunkSizes, ({ bytes }, sizes) => {
        const reader = new CsvReader((r) => {
          const raw = r.raw().slice();
          const fields = Array.from({ length: r.fieldCount }, (_, i) => r.text(i));
          const bytesText = Array.from({ length: r.fieldCount }, (_, i) =>
            new TextDecoder().decode(r.bytes(i)),
          );
          assert.deepEqual(bytesText, fields);
          for (let i = 0; i < r.fieldCount; i++) {
            assert.equal(r.equals(i, utf8.encode(fields[i] ?? '')), true);
            assert.equal(r.isEmpty(i), fields[i] === '');
          }
          const again: string[][] = [];
          const inner = new CsvReader((q) =>
            again.push(Array.from({ length: q.fieldCount }, (_, i) => q.text(i))),
          );
          inner.push(raw);
          inner.end();
          assert.deepEqual(again, [fields]);
        });
        for (const c of chunk(bytes, sizes)) reader.push(c);
        reader.end();
      }),
      RUNS,
    );
  });

  it('on arbitrary input: same outcome for any chunking; success only when csv-parse agrees', () => {
    const noise = fc
      .array(fc.constantFrom('a', '1', ',', ',', '"', '""', '\n', '\r\n', '\r', 'é', '😀', ' '), {
        maxLength: 24,
      })
      .map((parts) => utf8.encode(parts.join('')));
    fc.assert(
      fc.property(noise, chunkSizes, (bytes, sizes) => {
        const whole = run([bytes]);
        assert.deepEqual(run(chunk(bytes, sizes)), whole);
        let expected: string[][] | null;
        try {
          expected = oracle(bytes);
        } catch {
          expected = null;
        }
        if ('records' in whole) {
          assert.deepEqual(
            whole.records.map((r) => r.fields),
            expected,
          );
        } else if (!whole.error.includes('carriage return')) {
          // csv-parse takes a bare CR for data; every other error it reports too.
          assert.equal(expected, null, whole.error);
        }
      }),
      RUNS,
    );
  });
});

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** Reads `values` as the second column of a file and returns decimal() of each. */
function decimalsOf(values: readonly string[]): number[] {
  const input = values.map((v) => `x,"${v.replaceAll('"', '""')}"\n`).join('');
  const out: number[] = [];
  const reader = new CsvReader((r) => out.push(r.decimal(1)));
  reader.push(utf8.encode(`h,v\n${input}`));
  reader.end();
  return out.slice(1);
}

describe('CsvReader: decimal() properties', () => {
  const digits = (min: number, max: number) =>
    fc.string({
      unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
      minLength: min,
      maxLength: max,
    });

  it('equals Number(s) for plain decimals', () => {
    const decimal = fc.oneof(
      fc
        .tuple(fc.boolean(), digits(1, 20), fc.option(digits(1, 25), { nil: undefined }))
        .map(
          ([minus, int, frac]) =>
            `${minus ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`,
        ),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.integer().map((n) => String(n / 1e6)),
      fc
        .tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 }))
        .map(([d, k]) => d.toFixed(k)),
    );
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 1, maxLength: 20 }), (values) => {
        const got = decimalsOf(values);
        values.forEach((s, k) => {
          const expected = DECIMAL.test(s) ? Number(s) : Number.NaN;
          assert.ok(Object.is(got[k], expected), `${s}: ${got[k]} !== ${expected}`);
        });
      }),
      RUNS,
    );
  });

  it('is NaN for everything else', () => {
    const text = fc.string({
      unit: fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', 'E', ' ', 'x', ',', '\t', '_', '٣'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), (values) => {
        const got = decimalsOf(values);
        values.forEach((s, k) => {
          const expected = DECIMAL.test(s) ? Number(s) : Number.NaN;
          assert.ok(Object.is(got[k], expected), `${JSON.stringify(s)}: ${got[k]}`);
        });
      }),
      RUNS,
    );
  });
});
