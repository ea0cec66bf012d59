import assert from 'node:assert/strict';
import { closeSync } from 'node:fs';
import { describe, test } from 'node:test';
import { bundleFile } from '@jia-trial/dictionary';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { scratchFile } from '../test-support.js';
import { bundleRecords, openBundleFile } from './bundle-file.js';
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
  const path = scratchFile(spec.file, content);
  const file = validateFile(path, spec, problems, { keepRows: true });
  return { file, path, problems: problems.problems };
}

/**
 * The records as the import stages them (read again from the file, bundleRecords), parsed
 * back without the line field it adds: what the database's COPY will read.
 */
async function staged(path: string, file: string): Promise<string[][]> {
  const opened = openBundleFile(path);
  assert.equal(opened.kind, 'file');
  if (opened.kind !== 'file') return [];
  closeSync(opened.fd);
  const chunks: Uint8Array[] = [];
  for await (const chunk of bundleRecords(path, file, opened.identity)) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  const records: string[][] = text === '' ? [] : parse(text, { relax_column_count: false });
  return records.map((record) => record.slice(0, -1));
}

describe('bundle file validation: properties', () => {
  test('any drug name: either refused with a reason, or staged exactly as written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 30 }), async (drug) => {
        const rows = [
          ['subject_id', 'drug', 'drug_class', 'start_date'],
          ['P1', drug, 'biologic', '2020-01-31'],
        ];
        const { file, path, problems } = validate(MEDICATIONS, csv(rows));
        if (problems.length > 0) {
          assert.equal(file.rows.length, 0, 'a refused row is not staged');
          assert.equal(problems[0]?.line, 2);
          assert.equal(problems[0]?.column, 'drug');
          assert.ok(drug === '' || drug !== drug.trim() || CONTROL_CHARACTER.test(drug));
        } else {
          assert.deepEqual(await staged(path, MEDICATIONS.file), [
            ['P1', drug, 'biologic', '2020-01-31'],
          ]);
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

  test('arbitrary bytes never crash the validator, and whatever is staged is well-formed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        async (bytes, withHeader) => {
          const header = new TextEncoder().encode(
            'subject_id,drug,drug_class,start_date,stop_date,stop_reason\n',
          );
          const content = withHeader ? new Uint8Array([...header, ...bytes]) : bytes;
          const { file, path, problems } = validate(MEDICATIONS, content);
          // A file with problems is never staged (the import is refused).
          if (problems.length > 0) return;
          for (const record of await staged(path, MEDICATIONS.file)) {
            assert.equal(record.length, file.columns.length);
            assert.ok(
              ['biologic', 'csdmard', 'corticosteroid', 'nsaid', 'other'].includes(
                record[2] as string,
              ),
            );
          }
        },
      ),
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
