/**
 * The bundle reader and the API's validator (@jia-trial/dictionary validateRecordValues) accept
 * the same records: for every field of every file read by validateFile, a value at and around
 * each of its rules is accepted as a typed value exactly when the reader accepts it written as a
 * cell. The files other than visits.csv apply the dictionary's field rules (field-rules.ts) and
 * record rules (record-rules.ts) themselves: this checks the two doors end to end, through the
 * reader's CSV, header and empty-cell handling. visits.csv is read by the byte-level visits
 * reader of `jia-trial score` (visits-csv/row-parser.ts), which implements the same rules on
 * bytes, for speed: this checks it against the dictionary field by field too.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  BUNDLE_FILES,
  type BundleFile,
  codesOf,
  type FieldDefinition,
  type RecordTypeId,
  recordType,
  validateRecordValues,
} from '@jia-trial/dictionary';
import fc from 'fast-check';
import { scratchFile } from '../test-support.js';
import { readVisits } from '../visits-csv/read-visits.js';
import { ProblemList } from './bundle-problems.js';
import { validateFile } from './validate-file.js';

type Values = Readonly<Record<string, unknown>>;

/** A valid record of each type read by validateFile, as an API client sends it. */
const VALID: Readonly<Partial<Record<RecordTypeId, Values>>> = {
  subject: {
    subjectId: 'P1',
    site: 'A',
    sex: 'F',
    birthDate: '2010-04',
    ilarCategory: 'systemic',
    diagnosisDate: '2015-01-01',
    enrolmentDate: '2019-01-01',
  },
  joint_finding: {
    visitId: 'V1',
    jointCode: 'knee_l',
    swollen: true,
    tender: false,
    limited: true,
  },
  chaq_response: { visitId: 'V1', item: 'dressing_1', score: 2, aidOrHelp: false },
  // A JADI-E domain: its range is the field's whole range (a JADI-A unit stops at 2).
  damage_item: { visitId: 'V1', item: 'jadi_e_ocular', score: 2 },
  medication: {
    subjectId: 'P1',
    drug: 'methotrexate',
    drugClass: 'csdmard',
    startDate: '2016-01-01',
  },
  infusion: {
    subjectId: 'P1',
    infusionDate: '2019-02-01',
    weightKg: 30,
    cellsPerKg: 2e6,
    totalCells: 6e7,
    productLot: 'L1',
    infusionReaction: false,
  },
  adverse_event: {
    subjectId: 'P1',
    aeId: 'AE1',
    term: 'Headache',
    onsetDate: '2019-02-02',
    grade: 3,
    serious: true,
    related: 'possible',
    outcome: 'recovered',
  },
  eligibility_assessment: {
    subjectId: 'P1',
    criterionId: 'no_active_infection',
    value: true,
    assessedDate: '2018-12-01',
  },
};

const FILES = BUNDLE_FILES.filter((file) => file.file !== 'visits.csv');

/** A typed value as a spreadsheet writes it in a cell (the test's own writing, not the rule's). */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    const text = String(value);
    assert.ok(!/e/i.test(text), `${text}: the test writes plain decimals only`);
    return text;
  }
  return String(value);
}

const quoteField = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

function readerAccepts(file: BundleFile, record: Values): boolean {
  const fields = recordType(file.table).fields;
  const csv = [
    fields.map((f) => f.name).join(','),
    fields.map((f) => quoteField(cellText(record[f.key]))).join(','),
  ].join('\n');
  const problems = new ProblemList(100);
  validateFile(scratchFile(file.file, csv), file, problems);
  return problems.problems.length === 0;
}

const typedAccepts = (file: BundleFile, record: Values) =>
  validateRecordValues(file.table, record).length === 0;

/** Values at and around each rule of a field's type. */
function boundaryValues(field: FieldDefinition): unknown[] {
  const range = field.range;
  switch (field.type) {
    case 'id':
    case 'text': {
      const max = field.maxLength ?? 200;
      return [
        'A',
        'x'.repeat(max),
        'x'.repeat(max + 1),
        ' A',
        'A ',
        'A\tB',
        'A\nB',
        'A\rB',
        'A\u0000B',
        'A\u007fB',
        'A\u0085B',
        'é',
        'A,B',
        'A"B',
        '12345678',
        '1234567',
        'no_active_infection',
        'No_active_infection',
      ];
    }
    case 'date':
      return [
        '2020-02-29',
        '2021-02-29',
        '2020-12-31',
        '2020-13-01',
        '2020-00-10',
        '2020-04-31',
        '2020-1-1',
        '20200101',
        '2010-04',
        '2030-01-01',
        '1999-12-31',
        '1899-12-31',
        '1900-01-01',
        '2100-12-31',
        '2101-01-01',
      ];
    case 'partial_date':
      return ['2010-04', '2010-00', '2010-13', '2010-04-30', '2010-04-31', '2010', '2016-01-01'];
    case 'boolean':
      return [true, false];
    case 'integer':
    case 'decimal': {
      const min = range?.min ?? 0;
      const max = range?.max ?? 1e6;
      const step = field.type === 'integer' ? 1 : 0.001;
      return [min - step, min, min + step, max - step, max, max + step, min + 0.5, -1, 0, 1];
    }
    case 'code': {
      const codes = codesOf(field.codeList ?? 'sex');
      return [...codes, 'x', (codes[0] ?? '').toUpperCase(), `${codes[0]} `];
    }
    case 'codes': {
      const [a, b] = codesOf(field.codeList ?? 'sex');
      return [a, `${a};${b}`, `${a};${a}`, `${a};`, `;${a}`, 'x', `${a};x`, `${a}; ${b}`];
    }
    case 'chaq_score':
      return [0, 1, 2, 3, 4, -1, 'na'];
  }
}

describe('the bundle reader and validateRecordValues accept the same records', () => {
  for (const file of FILES)
    test(`${file.file}: every field at its boundaries, and every field left empty`, () => {
      const valid = VALID[file.table] as Values;
      assert.ok(readerAccepts(file, valid) && typedAccepts(file, valid), 'the valid record');
      let compared = 0;
      for (const field of recordType(file.table).fields)
        for (const value of [...boundaryValues(field), null]) {
          const record = { ...valid, [field.key]: value };
          assert.equal(
            typedAccepts(file, record),
            readerAccepts(file, record),
            `${field.name} = ${JSON.stringify(value)}`,
          );
          compared++;
        }
      assert.ok(compared > 20, `${compared} values compared`);
    });

  test('numbers anywhere around their ranges (property)', () => {
    for (const file of FILES)
      for (const field of recordType(file.table).fields) {
        if (field.type !== 'integer' && field.type !== 'decimal') continue;
        const min = field.range?.min ?? 0;
        const max = field.range?.max ?? 1e6;
        const span = Math.max(1, (max - min) / 10);
        const number = fc.oneof(
          fc.integer({
            min: Math.ceil(min - span),
            max: Math.floor(Math.min(max + span, 2 ** 52)),
          }),
          fc
            .double({ min: min - span, max: max + span, noNaN: true })
            .filter((n) => !/e/.test(String(n))),
        );
        fc.assert(
          fc.property(number, (value) => {
            const record = { ...VALID[file.table], [field.key]: value };
            assert.equal(
              typedAccepts(file, record),
              readerAccepts(file, record),
              `${field.name} = ${value}`,
            );
          }),
          { numRuns: 25 },
        );
      }
  });

  test('identifiers and text of any characters (property)', () => {
    const character = fc.constantFrom(
      'a',
      'Z',
      '0',
      '_',
      ' ',
      '\t',
      '\n',
      '\r',
      '\u0000',
      '\u0085',
      'é',
      '"',
      ',',
      ';',
    );
    for (const file of FILES)
      for (const field of recordType(file.table).fields) {
        if (field.type !== 'id' && field.type !== 'text') continue;
        fc.assert(
          fc.property(fc.string({ unit: character, minLength: 1, maxLength: 12 }), (value) => {
            const record = { ...VALID[file.table], [field.key]: value };
            assert.equal(
              typedAccepts(file, record),
              readerAccepts(file, record),
              `${field.name} = ${JSON.stringify(value)}`,
            );
          }),
          { numRuns: 25 },
        );
      }
  });

  test("a cell the reader accepts stands for the typed value a client would send; the bundle's stricter syntax", () => {
    const infusions = FILES.find((f) => f.file === 'infusions.csv') as BundleFile;
    const valid = VALID.infusion as Values;
    const withText = (text: string) => {
      const fields = recordType('infusion').fields;
      const csv = [
        fields.map((f) => f.name).join(','),
        fields
          .map((f) => (f.key === 'weightKg' ? text : quoteField(cellText(valid[f.key]))))
          .join(','),
      ].join('\n');
      const problems = new ProblemList(10);
      validateFile(scratchFile(infusions.file, csv), infusions, problems);
      return problems.problems.length === 0;
    };
    for (const [text, typed] of [
      ['030', 30],
      ['30.50', 30.5],
      ['-0', -0],
    ] as const)
      assert.equal(withText(text), typedAccepts(infusions, { ...valid, weightKg: typed }), text);
    // JSON writes 30 as 3e1 or 30.0 if it likes; a bundle cell is a plain decimal.
    for (const text of ['3e1', '.5', '30.', '+30', ' 30', '30 kg', '30,5'])
      assert.equal(withText(text), false, text);
  });
});

describe('the visits reader and validateRecordValues accept the same visits', () => {
  const valid: Values = { subjectId: 'P1', visitId: 'V1', visitDate: '2019-01-07' };
  const fields = recordType('visit').fields;
  const visitsReaderAccepts = (record: Values) => {
    const csv = [
      fields.map((f) => f.name).join(','),
      fields.map((f) => quoteField(cellText(record[f.key]))).join(','),
    ].join('\n');
    const path = scratchFile('visits.csv', csv);
    return (
      readVisits({ path, fileSize: statSync(path).size, maxProblems: 100 }).problems.length === 0
    );
  };
  const agree = (record: Values, what: string) =>
    assert.equal(
      validateRecordValues('visit', record).length === 0,
      visitsReaderAccepts(record),
      what,
    );

  test('every field at its boundaries, and every field left empty', () => {
    assert.ok(visitsReaderAccepts(valid));
    for (const field of fields)
      for (const value of [...boundaryValues(field), null])
        agree({ ...valid, [field.key]: value }, `${field.name} = ${JSON.stringify(value)}`);
  });

  test('a laboratory value in each of its units, and the joints listed against their count', () => {
    for (const field of fields.filter((f) => f.unitField)) {
      const unitField = fields.find((f) => f.name === field.unitField) as FieldDefinition;
      const max = field.range?.max ?? 0;
      for (const unit of [null, ...codesOf(unitField.codeList ?? 'sex')])
        for (const value of [0, max / 100, max / 60, max / 10, max, max + 1])
          agree(
            { ...valid, [field.key]: value, [unitField.key]: unit },
            `${field.name} = ${value} ${unit}`,
          );
    }
    for (const [count, codes] of [
      [2, 'knee_l;knee_r'],
      [1, 'knee_l;knee_r'],
      [0, null],
      [0, 'knee_l'],
    ] as const)
      agree({ ...valid, activeJoints: count, activeJointCodes: codes }, `${count} ${codes}`);
  });
});
