import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bundleFile } from '@jia-trial/dictionary';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { scratchFile } from '../test-support.js';
import { ProblemList } from './bundle-problems.js';
import { validateFile } from './validate-file.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const MEDICATIONS = bundleFile('medications.csv');
const INFUSIONS = bundleFile('infusions.csv');

/** RFC 4180 quoting of one field. */
const quoteField = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
const csv = (rows: string[][]) => rows.map((r) => r.map(quoteField).join(',')).join('\r\n');

function validate(spec: typeof MEDICATIONS, content: string | Uint8Array) {
  const problems = new ProblemList(1000);
  const file = validateFile(scratchFile(spec.file, content), spec, problems);
  return { file, problems: problems.problems };
}

/** The staged records parsed back: what the database's COPY will read. */
function staged(file: ReturnType<typeof validateFile>): string[][] {
  const text = Buffer.concat(file.records).toString('utf8');
  return text === '' ? [] : parse(text, { relax_column_count: false });
}

describe('bundle file validation: properties', () => {
  test('any drug name: either refused with a reason, or staged exactly as written', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (drug) => {
        const rows = [
          ['subject_id', 'drug', 'drug_class', 'start_date'],
          ['P1', drug, 'biologic', '2020-01-31'],
        ];
        const { file, problems } = validate(MEDICATIONS, csv(rows));
        if (problems.length > 0) {
          assert.equal(file.rows.length, 0, 'a refused row is not staged');
          assert.equal(problems[0]?.line, 2);
          assert.equal(problems[0]?.column, 'drug');
          assert.ok(drug === '' || drug !== drug.trim() || CONTROL_CHARACTER.test(drug));
        } else {
          assert.deepEqual(staged(file), [['P1', drug, 'biologic', '2020-01-31']]);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('numbers: accepted exactly when a plain decimal within the range', () => {
    const decimalText = fc.oneof(
      fc.double({ min: -10, max: 400, noNaN: true }).map((n) => String(n)),
      fc.stringMatching(/^-?\d{1,3}(\.\d{1,3})?$/),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(decimalText, (weight) => {
        const rows = [
          [
            'subject_id',
            'infusion_date',
            'weight_kg',
            'cells_per_kg',
            'total_cells',
            'product_lot',
            'infusion_reaction',
          ],
          ['P1', '2020-01-31', weight, '2000000', '100000000', 'L1', 'false'],
        ];
        const { problems } = validate(INFUSIONS, csv(rows));
        const value = Number(weight);
        const valid = /^-?\d+(\.\d+)?$/.test(weight) && value > 0 && value <= 300;
        assert.equal(
          problems.length === 0,
          valid,
          `${JSON.stringify(weight)}: ${problems[0]?.message}`,
        );
      }),
      { numRuns: 500 },
    );
  });

  test('arbitrary bytes never crash the validator, and whatever is staged is well-formed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, withHeader) => {
        const header = new TextEncoder().encode(
          'subject_id,drug,drug_class,start_date,stop_date,stop_reason\n',
        );
        const content = withHeader ? new Uint8Array([...header, ...bytes]) : bytes;
        const { file } = validate(MEDICATIONS, content);
        for (const record of staged(file)) {
          assert.equal(record.length, file.columns.length);
          assert.ok(
            ['biologic', 'csdmard', 'corticosteroid', 'nsaid', 'other'].includes(
              record[2] as string,
            ),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a date is accepted exactly when it is a real calendar day', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1899, max: 2101 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const rows = [
            ['subject_id', 'drug', 'drug_class', 'start_date'],
            ['P1', 'mtx', 'csdmard', text],
          ];
          const { problems } = validate(MEDICATIONS, csv(rows));
          const date = new Date(Date.UTC(year, month - 1, day));
          const real =
            month >= 1 &&
            month <= 12 &&
            day >= 1 &&
            date.getUTCDate() === day &&
            date.getUTCMonth() === month - 1;
          assert.equal(problems.length === 0, real, text);
        },
      ),
      { numRuns: 400 },
    );
  });
});
