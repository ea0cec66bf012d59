import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CsvReader } from './csv-reader.js';

/** Per record, per field: [bytes(i) as text, the zero-copy span as text or null if escaped]. */
function spans(input: Uint8Array, chunk: number): [string, string | null][][] {
  const decoder = new TextDecoder();
  const out: [string, string | null][][] = [];
  const reader = new CsvReader((record) => {
    const fields: [string, string | null][] = [];
    for (let i = 0; i < record.fieldCount; i++) {
      const span = record.hasEscapes(i)
        ? null
        : decoder.decode(record.buffer.subarray(record.contentStart(i), record.contentEnd(i)));
      fields.push([decoder.decode(record.bytes(i)), span]);
    }
    out.push(fields);
  });
  for (let p = 0; p < input.length; p += chunk) reader.push(input.subarray(p, p + chunk));
  reader.end();
  return out;
}

describe('CsvRecordView zero-copy spans', () => {
  it('give the field content without quotes, and flag escaped fields', () => {
    const input = new TextEncoder().encode('a,"b,1",c\r\n"",x"y,"q""r"\n');
    assert.throws(() => spans(input, 64), /quote inside an unquoted field/);
    const valid = new TextEncoder().encode('a,"b,1",c\r\n"",xy,"q""r"\n');
    assert.deepEqual(spans(valid, 64), [
      [
        ['a', 'a'],
        ['b,1', 'b,1'],
        ['c', 'c'],
      ],
      [
        ['', ''],
        ['xy', 'xy'],
        ['q"r', null],
      ],
    ]);
  });

  it('equal bytes(i) for every unescaped field, whatever the chunking', () => {
    const field = fc.oneof(
      fc.stringMatching(/^[a-z0-9 ;é]{0,6}$/),
      fc.stringMatching(/^[a-z,\n"]{0,6}$/).map((s) => `"${s.replace(/"/g, '""')}"`),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 9 }),
        (rows, chunk) => {
          const text = `${rows.map((r) => r.join(',')).join('\n')}\n`;
          for (const record of spans(new TextEncoder().encode(text), chunk)) {
            for (const [bytes, span] of record) if (span !== null) assert.equal(span, bytes);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('CsvReader onFieldCountMismatch', () => {
  it('reports a record with the wrong number of fields and reads on', () => {
    const seen: string[] = [];
    const mismatches: string[] = [];
    const reader = new CsvReader((record) => seen.push(`${record.line}:${record.text(0)}`), {
      onFieldCountMismatch: (error) => mismatches.push(error.message),
    });
    reader.push(new TextEncoder().encode('a,b\n1,2\n3,"x\ny",z\n4,5\n'));
    reader.end();
    assert.deepEqual(seen, ['1:a', '2:1', '5:4']);
    assert.deepEqual(mismatches, ['line 3: 3 fields, but the header has 2']);
  });

  it('still stops at an unclosed quote', () => {
    const reader = new CsvReader(() => {}, { onFieldCountMismatch: () => {} });
    reader.push(new TextEncoder().encode('a,b\n1,"2\n'));
    assert.throws(() => reader.end(), /unclosed quoted field/);
  });
});
