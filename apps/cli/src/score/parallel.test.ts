import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findSplit } from '@jia-trial/interop';
import { runCli, scratchDir, scratchFile } from '../test-support.js';

const HEADER =
  'subject_id,visit_id,visit_date,baseline_visit_id,ilar_category,physician_global,parent_global,chaq_di,active_joints,limited_joints,active_joint_codes,esr,crp,morning_stiffness_min,systemic_features,active_uveitis,fever,ferritin,platelets,ast,triglycerides,fibrinogen';

/**
 * A file whose ids hold commas and quotes (and, with `lineBreaks`, line breaks inside quotes,
 * which the reader must not take for record ends and the validation then refuses).
 */
function awkwardVisits(subjects: number, lineBreaks = false): string {
  const lines = [HEADER];
  for (let s = 0; s < subjects; s++) {
    const subject = s % 3 === 0 ? `"S,${s}"` : `S${s}`;
    for (let v = 0; v < 4; v++) {
      const visit = v === 1 ? `"V""${s}${lineBreaks ? '\n' : ','}${v}"` : `V${s}-${v}`;
      const baseline = v === 3 ? `V${s}-0` : '';
      const date = `2020-0${v + 1}-1${s % 9}`;
      const codes = v === 2 ? 'knee_l;ankle_r' : '';
      const joints = v === 2 ? '' : String((s + v) % 7);
      lines.push(
        `${subject},${visit},${date},${baseline},polyarticular_rf_negative,${(s % 10) / 2},${v},0.5,${joints},1,${codes},${10 + v * 7},,,false,false,,,,,,`,
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('two-thread scoring', () => {
  it('writes exactly the output of one thread, with quoted line breaks near the split', async () => {
    const file = scratchFile('visits.csv', awkwardVisits(400));
    const one = await runCli('score', file, '--threads', '1');
    const two = await runCli('score', file, '--threads', '2');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.equal(one.stdout.split('\n').length, 1 + 1600 + 1); // header, rows, final line feed
  });

  it('reports the same problems, on the same lines, as one thread', async () => {
    // A visit id of the first half repeated in the second, a bad date, and ids with line breaks.
    const text = awkwardVisits(300, true)
      .replace('V250-2,', 'V10-2,')
      .replace(',2020-01-15,', ',2020-13-15,');
    const file = scratchFile('visits.csv', text);
    const one = await runCli('score', file, '--threads', '1', '--max-errors', '1000');
    const two = await runCli('score', file, '--threads', '2', '--max-errors', '1000');
    assert.equal(one.code, 1);
    assert.equal(two.code, 1);
    assert.equal(two.stderr, one.stderr);
    assert.match(
      one.stderr,
      /visit V10-2, column visit_id: duplicate visit_id, first used on line \d+/,
    );
    assert.match(one.stderr, /column visit_date: "2020-13-15" is not a valid date/);
    assert.equal(one.stderr.match(/contains a line break/g)?.length, 300);
  });

  it('reads on past a record with a wrong field count in the first half, as one thread does', async () => {
    const lines = awkwardVisits(300).split('\r\n');
    lines[5] = `${lines[5]},extra`; // a record with one field too many
    lines[1000] = lines[1000]?.replace(',0.5,', ',9.5,') ?? ''; // a later problem in the second half
    const file = scratchFile('visits.csv', lines.join('\r\n'));
    const one = await runCli('score', file, '--threads', '1');
    const two = await runCli('score', file, '--threads', '2');
    assert.equal(one.code, 1);
    assert.equal(two.stderr, one.stderr);
    assert.match(one.stderr, /:6: .*23 fields, but the header has 22/);
    assert.match(one.stderr, /:1001: visit .*, column chaq_di: 9.5 is outside 0-3/);
  });

  it('counts the problems beyond --max-errors as one thread does', async () => {
    const lines = awkwardVisits(300).split('\r\n');
    for (const k of [3, 50, 400, 700, 900, 1100])
      lines[k] = lines[k]?.replace(',0.5,', ',7.5,') ?? '';
    const file = scratchFile('visits.csv', lines.join('\r\n'));
    const one = await runCli('score', file, '--threads', '1', '--max-errors', '2');
    const two = await runCli('score', file, '--threads', '2', '--max-errors', '2');
    assert.match(one.stderr, /\.\.\. and 4 more problem\(s\)/);
    assert.equal(two.stderr, one.stderr);
  });

  it('stops at an unclosed quote in the second half, naming the same lines as one thread', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `S${i},V${i},2020-01-01`);
    rows[2500] = 'S2500,"V2500,2020-01-01';
    const file = scratchFile(
      'visits.csv',
      `${['subject_id,visit_id,visit_date', ...rows].join('\n')}\n`,
    );
    const one = await runCli('score', file, '--threads', '1');
    const two = await runCli('score', file, '--threads', '2');
    assert.equal(one.code, 1);
    assert.match(
      one.stderr,
      /:3002: column visit_id: unclosed quoted field \(opened at line 2502\)/,
    );
    assert.equal(two.stderr, one.stderr);
  });

  it('splits only after a line feed outside quotes', () => {
    const dir = scratchDir();
    const path = join(dir, 'quoted.csv');
    const content = 'a,b\n1,"x\ny\nz"\n2,3\n';
    writeFileSync(path, content);
    // Targets inside the quoted field must skip to the end of its record.
    assert.equal(findSplit(path, content.indexOf('x'), content.length), content.indexOf('2,3'));
    assert.equal(findSplit(path, 0, content.length), 4);
    assert.equal(findSplit(path, content.indexOf('3'), content.length), content.length);
    assert.equal(findSplit(path, content.length, content.length), null);
  });
});
