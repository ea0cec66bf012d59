/**
 * A bundle that passes the bundle checks but would break a database CHECK once merged with the
 * stored record (a column the file does not have keeps its stored value) is refused by the
 * import itself, in the one error shape with file, line, column and values, before the database
 * raises anything: no raw constraint error, and no row in the server's log.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TEST_DATA_DIR } from '@jia-trial/store/test-support';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
const HEADER = 'subject_id,site,sex,birth_date,ilar_category,diagnosis_date,enrolment_date';
const P01 = 'P01,UMCU,F,2006-03,polyarticular_rf_negative,2010-05-14,2019-02-04';

function bundle(subjects: (text: string) => string): string {
  const dir = join(scratchDir(), 'pilot');
  cpSync(EXAMPLE, dir, { recursive: true });
  const path = join(dir, 'subjects.csv');
  writeFileSync(path, subjects(readFileSync(path, 'utf8')));
  return dir;
}

function serverLog(): string | null {
  if (process.env.JIA_TEST_DATABASE_URL) return null;
  return readFileSync(join(TEST_DATA_DIR, 'pg', 'server.log'), 'utf8');
}

const database = useTestDatabase();

describe("the database's rules on merged records", () => {
  test('a stored withdrawal_date the file does not have, and an enrolment after it: found by the import', async () => {
    // First import: P01 withdrawn on 2019-03-01.
    const withdrawn = bundle((text) =>
      text
        .replace(HEADER, `${HEADER},withdrawal_date`)
        .split('\n')
        .map((line, i) =>
          i === 0 || line === '' ? line : `${line},${i === 1 ? '2019-03-01' : ''}`,
        )
        .join('\n'),
    );
    const first = await runCli('import', withdrawn, '--study', 'rules');
    assert.equal(first.code, 0, first.stderr);
    // Then a file without withdrawal_date moves P01's enrolment after that withdrawal.
    assert.ok(readFileSync(join(EXAMPLE, 'subjects.csv'), 'utf8').includes(P01));
    const later = bundle((text) => text.replace(P01, P01.replace('2019-02-04', '2019-04-04')));
    const logBefore = serverLog()?.length ?? 0;
    const result = await runCli(
      'import',
      later,
      '--study',
      'rules',
      '--reason',
      'correction',
      '--replace',
      '--json',
    );
    assert.equal(result.code, 1, result.stdout);
    const error = JSON.parse(result.stdout).error;
    assert.equal(error.code, 'VALIDATION_FAILED', error.message);
    assert.equal(error.issues.length, 1);
    const [issue] = error.issues;
    assert.equal(issue.file, 'subjects.csv');
    assert.equal(issue.line, 2);
    assert.equal(issue.column, 'diagnosis_date');
    assert.match(
      issue.message,
      /^subject_id P01: diagnosis_date 2010-05-14, enrolment_date 2019-04-04, withdrawal_date 2019-03-01 \(stored; not in the file\) break the database rule subject_check1: /,
    );
    assert.doesNotMatch(JSON.stringify(error), /Failing row|violates check constraint/);
    const stored = await database().store.pool.query(
      "SELECT enrolment_date FROM subject WHERE study_id = 'rules' AND subject_id = 'P01'",
    );
    assert.deepEqual(stored.rows, [{ enrolment_date: '2019-02-04' }]);
    const log = serverLog();
    if (log !== null) assert.doesNotMatch(log.slice(logBefore), /subject_check|Failing row|P01/);
  });
});
