import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { convertLab } from '@jia-trial/outcomes';
import { scratchFile } from '../test-support.js';
import { readVisits } from './read-visits.js';
import { readObservation } from './score-rows.js';

function read(csv: string) {
  const path = scratchFile('visits.csv', csv);
  const result = readVisits({
    path,
    fileName: 'visits.csv',
    fileSize: statSync(path).size,
    maxProblems: 100,
  });
  return {
    problems: result.problems.map((p) => `${p.line}:${p.column}: ${p.message}`),
    observations: Array.from({ length: result.table.count }, (_, row) =>
      readObservation(result.table, row),
    ),
  };
}

const HEADER =
  'subject_id,visit_id,visit_date,crp,crp_unit,ferritin,ferritin_unit,platelets,platelets_unit,ast,ast_unit,triglycerides,triglycerides_unit,fibrinogen,fibrinogen_unit';

describe('laboratory values entered in another unit', () => {
  test('are converted exactly to the standard unit, as convertLab converts them', () => {
    const { problems, observations } = read(
      `${HEADER}\nS1,V1,2020-01-01,1.5,mg/dL,900,ug/L,150,10^3/uL,0.8,ukat/L,1.76,mmol/L,3.6,g/L\n`,
    );
    assert.deepEqual(problems, []);
    const o = observations[0];
    assert.equal(o?.crp, 15);
    assert.equal(o?.ferritin, 900);
    assert.equal(o?.platelets, 150);
    assert.equal(o?.ast, 48);
    assert.equal(o?.triglycerides, convertLab('triglycerides', 1.76, 'mmol/L', 'mg/dL'));
    assert.equal(o?.triglycerides, 155.8832);
    assert.equal(o?.fibrinogen, 360);
  });

  test('an empty unit, or no unit column, is the standard unit', () => {
    const empty = read(`${HEADER}\nS1,V1,2020-01-01,15,,,,,,,,,,,\n`);
    const none = read('subject_id,visit_id,visit_date,crp\nS1,V1,2020-01-01,15\n');
    assert.deepEqual([...empty.problems, ...none.problems], []);
    assert.equal(empty.observations[0]?.crp, 15);
    assert.equal(none.observations[0]?.crp, 15);
  });

  test('the range is checked on the converted value and reported in both units', () => {
    const { problems } = read(
      'subject_id,visit_id,visit_date,crp,crp_unit,triglycerides\nS1,V1,2020-01-01,150,mg/dL,20000\n',
    );
    assert.deepEqual(problems, [
      '2:triglycerides: 20000 is outside 0-10000 mg/dL',
      '2:crp: 150 mg/dL (1500 mg/L) is outside 0-1000 mg/L',
    ]);
  });

  test('a unit the analyte does not have is refused, and its value not guessed', () => {
    const { problems } = read(
      'subject_id,visit_id,visit_date,crp,crp_unit\nS1,V1,2020-01-01,1.5,mmol/L\n',
    );
    assert.deepEqual(problems, ['2:crp_unit: "mmol/L" is not a unit of crp (mg/L, mg/dL)']);
  });

  test('a unit given without its value is checked and changes nothing', () => {
    const { problems, observations } = read(
      'subject_id,visit_id,visit_date,crp_unit\nS1,V1,2020-01-01,mg/dL\n',
    );
    assert.deepEqual(problems, []);
    assert.equal(observations[0]?.crp, null);
  });
});
