import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { describe, test } from 'node:test';
import { scratchFile } from '../test-support.js';
import { readVisits } from './read-visits.js';
import { readObservation } from './score-rows.js';

/** A visits CSV read as `jia-trial score` and a bundle's visits.csv read it. */
function read(csv: string) {
  const path = scratchFile('visits.csv', csv);
  const result = readVisits({
    path,
    fileName: 'visits.csv',
    fileSize: statSync(path).size,
    maxProblems: 100,
  });
  return {
    problems: result.problems.map(
      (p) => `${p.file} ${p.line} ${p.record}:${p.column}: ${p.message}`,
    ),
    observations: Array.from({ length: result.table.count }, (_, row) =>
      readObservation(result.table, row),
    ),
  };
}

const HEADER = 'subject_id,visit_id,visit_date,esr,esr_missing,fever,fever_missing';

describe('missing-data code columns of a visits CSV', () => {
  test('a code for an empty field is read, and the field stays missing', () => {
    const { problems, observations } = read(
      `${HEADER}\nS1,V1,2020-01-01,,ND,false,\nS1,V2,2020-02-01,12,,,ASKU\n`,
    );
    assert.deepEqual(problems, []);
    assert.equal(observations[0]?.esr, null);
    assert.equal(observations[0]?.fever, false);
    assert.equal(observations[1]?.esr, 12);
    assert.equal(observations[1]?.fever, null);
  });

  test('an unknown code is refused with its file, line, visit, column and value', () => {
    const { problems } = read(`${HEADER}\nS1,V1,2020-01-01,,NOTDONE,,\n`);
    assert.deepEqual(problems, [
      'visits.csv 2 V1:esr_missing: "NOTDONE" is not a missing-data code (ND not done, NA not applicable, UNK unknown, ASKU asked but unknown)',
    ]);
  });

  test('a code is case-sensitive: "nd" is no code', () => {
    assert.equal(read(`${HEADER}\nS1,V1,2020-01-01,,nd,,\n`).problems.length, 1);
  });

  test('a code beside a value is refused, naming both', () => {
    const { problems } = read(`${HEADER}\nS1,V1,2020-01-01,12,ND,false,UNK\n`);
    assert.deepEqual(problems, [
      'visits.csv 2 V1:esr_missing: "ND" says why esr is empty, but it holds "12": give the value or the code, not both',
      'visits.csv 2 V1:fever_missing: "UNK" says why fever is empty, but it holds "false": give the value or the code, not both',
    ]);
  });

  test('a code column without its field column is read (the field is empty)', () => {
    const { problems } = read('subject_id,visit_id,visit_date,crp_missing\nS1,V1,2020-01-01,NA\n');
    assert.deepEqual(problems, []);
  });
});
