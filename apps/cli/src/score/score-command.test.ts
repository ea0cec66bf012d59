import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { main } from '../main.js';
import { parseSimpleCsv, runCli, scratchDir, scratchFile } from '../test-support.js';

const root = new URL('../../../../', import.meta.url).pathname;
const examples = join(root, 'examples/visits.csv');
const HEADER =
  'subject_id,visit_id,visit_date,baseline_visit_id,ilar_category,physician_global,parent_global,chaq_di,active_joints,limited_joints,active_joint_codes,esr,crp,morning_stiffness_min,systemic_features,active_uveitis,fever,ferritin,platelets,ast,triglycerides,fibrinogen';
const SCORES =
  'jadas10,jadas27,jadas71,cjadas10,jadas10_crp,jadas10_band,acr_pedi,flare,inactive_disease,mas_2016,ms_score';

function csv(...rows: string[]): string {
  return `${[HEADER, ...rows].join('\n')}\n`;
}

describe('jia-trial score: output', () => {
  it('writes every input row back, in order, with the score columns appended', async () => {
    const run = await runCli('score', examples);
    assert.equal(run.code, 0, run.stderr);
    const input = readFileSync(examples, 'utf8').trimEnd().split('\n');
    const output = run.stdout.trimEnd().split('\n');
    assert.equal(output.length, input.length);
    assert.equal(output[0], `${HEADER},${SCORES}`);
    for (const [i, line] of input.slice(1).entries()) {
      assert.ok(output[i + 1]?.startsWith(`${line},`), `row ${i + 1} echoed unchanged`);
    }
  });

  it('scores the worked examples: JADAS (Consolaro 2009 formula) and JIA-ACR 30 (Giannini 1997 rule)', async () => {
    const codes12 =
      'cervical_spine;elbow_l;elbow_r;wrist_l;wrist_r;knee_l;knee_r;ankle_l;ankle_r;shoulder_l;shoulder_r;mtp1_l';
    const file = scratchFile(
      'visits.csv',
      csv(
        `S1,S1-V0,2020-01-01,,polyarticular_rf_negative,6,5,1.5,10,8,,40,,,,,,,,,,`,
        `S1,S1-V1,2020-03-01,,polyarticular_rf_negative,3,4,1.0,5,7,,60,,,,,,,,,,`,
        `S2,S2-V0,2020-01-01,,polyarticular_rf_negative,5,6,,,,${codes12},45,,,,,,,,,,`,
      ),
    );
    const run = await runCli('score', file);
    assert.equal(run.code, 0, run.stderr);
    const [v0, v1, tv8] = parseSimpleCsv(run.stdout);
    assert.equal(v0?.acr_pedi, '', 'a baseline row gets no response values');
    assert.equal(v0?.flare, '');
    assert.equal(v1?.acr_pedi, '30');
    assert.equal(v1?.flare, 'false');
    assert.deepEqual(
      [tv8?.jadas71, tv8?.jadas27, tv8?.jadas10, tv8?.cjadas10, tv8?.jadas10_band],
      ['25.5', '22.5', '23.5', '21', 'high'],
    );
  });

  it('prints decimals without binary noise', async () => {
    const file = scratchFile(
      'visits.csv',
      csv(
        'S1,V1,2020-01-01,,oligoarticular_persistent,3.3,3.1,0,0,0,,10,0.3,0,false,false,false,,,,,',
      ),
    );
    const [row] = parseSimpleCsv((await runCli('score', file)).stdout);
    assert.equal(row?.jadas10, '6.4');
    assert.equal(row?.jadas10_band, 'high');
  });

  it('gives the same scores whatever the row order', async () => {
    const rows = readFileSync(examples, 'utf8').trimEnd().split('\n').slice(1);
    const shuffled = [...rows].reverse();
    const file = scratchFile('visits.csv', `${HEADER}\n${shuffled.join('\n')}\n`);
    const byVisit = (text: string) =>
      new Map(parseSimpleCsv(text).map((r) => [r.visit_id, JSON.stringify(r)]));
    const original = byVisit((await runCli('score', examples)).stdout);
    const reordered = byVisit((await runCli('score', file)).stdout);
    assert.equal(reordered.size, rows.length);
    assert.deepEqual(reordered, original);
  });

  it('accepts a byte-order mark, CRLF line ends and quoted fields, and echoes them', async () => {
    const body = csv(
      '"S,1",V1,2020-01-01,,"oligoarticular_persistent",1,1,0,0,0,,10,,,,,,,,,,',
    ).replace(/\n/g, '\r\n');
    const file = scratchFile('visits.csv', `\uFEFF${body}`);
    const run = await runCli('score', file);
    assert.equal(run.code, 0, run.stderr);
    const line = run.stdout.split('\n')[1];
    assert.equal(
      line,
      '"S,1",V1,2020-01-01,,"oligoarticular_persistent",1,1,0,0,0,,10,,,,,,,,,,,2,2,2,2,,low,,,false,,',
    );
  });

  it('writes JSON with numbers, booleans and nulls', async () => {
    const run = await runCli('score', examples, '--format', 'json');
    assert.equal(run.code, 0, run.stderr);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    assert.equal(rows.length, 18);
    const mas = rows.find((r) => r.visit_id === 'P03-W7');
    assert.deepEqual(
      [
        mas?.ferritin,
        mas?.fever,
        mas?.mas_2016,
        mas?.morning_stiffness_min,
        mas?.acr_pedi,
        mas?.jadas10,
      ],
      [12480, true, true, null, 0, 21],
    );
    assert.deepEqual(Object.keys(rows[0] ?? {}), [...HEADER.split(','), ...SCORES.split(',')]);
  });

  it('prints a readable table', async () => {
    const run = await runCli('score', examples, '--format', 'table');
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 19);
    assert.match(lines[0] ?? '', /^subject\s+visit\s+date\s+jadas10/);
    // mas_2016 true; no MS score (the example records no LDH).
    assert.match(lines.find((l) => l.includes('P03-W7')) ?? '', /\s+true\s+-$/);
  });

  it('applies --cutoffs and the normal limits', async () => {
    const file = scratchFile(
      'visits.csv',
      csv('S1,V1,2020-01-01,,oligoarticular_persistent,0,1.45,0,0,0,,15,,10,false,false,,,,,,'),
    );
    const consolaro = parseSimpleCsv((await runCli('score', file)).stdout)[0];
    const trincianti = parseSimpleCsv(
      (await runCli('score', file, '--cutoffs', 'trincianti2021')).stdout,
    )[0];
    assert.equal(consolaro?.jadas10_band, 'low');
    assert.equal(trincianti?.jadas10_band, 'low');
    assert.equal(consolaro?.inactive_disease, 'true');
    const strict = parseSimpleCsv((await runCli('score', file, '--esr-uln', '12')).stdout)[0];
    assert.equal(strict?.inactive_disease, 'false');
  });

  it('scores the MS score of a systemic-JIA row with its seven inputs, on both sides of -2.1 (Minoia 2019)', async () => {
    // -1.30 (active arthritis) - 0.6 (PLT 200) + 0.3 (LDH 300) - 0.8 (fib 200) + ferritin/10^4.
    const file = scratchFile(
      'visits.csv',
      [
        'subject_id,visit_id,visit_date,ilar_category,active_joints,fever,ferritin,platelets,fibrinogen,ldh,cns_involvement,haemorrhagic_manifestations',
        'S1,V1,2020-01-01,systemic,2,true,3000,200,200,300,false,false',
        'S2,V1b,2020-01-01,systemic,2,true,2999,200,200,300,false,false',
        'S3,V1c,2020-01-01,systemic,2,true,3000,200,200,,false,false',
        'S4,V1d,2020-01-01,psoriatic,2,true,3000,200,200,300,false,false',
      ].join('\n'),
    );
    const run = await runCli('score', file);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      parseSimpleCsv(run.stdout).map((r) => r.ms_score),
      ['-2.1', '-2.1001', '', ''],
    );
    const ranged = scratchFile(
      'visits.csv',
      'subject_id,visit_id,visit_date,ldh\nS1,V1,2020-01-01,100001\n',
    );
    const refused = await runCli('score', ranged);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ldh.*100001 is outside 0-100000 U\/L/);
  });

  it('applies --systemic-jia-acr adapted to a febrile systemic-JIA follow-up only', async () => {
    const header =
      'subject_id,visit_id,visit_date,ilar_category,physician_global,parent_global,chaq_di,active_joints,limited_joints,esr,fever';
    const file = scratchFile(
      'visits.csv',
      [
        header,
        'S1,V0,2020-01-01,systemic,6,6,1.5,10,8,40,true',
        'S1,V1,2020-03-01,systemic,3,3,1.5,5,8,40,true',
        'S2,W0,2020-01-01,psoriatic,6,6,1.5,10,8,40,true',
        'S2,W1,2020-03-01,psoriatic,3,3,1.5,5,8,40,true',
      ].join('\n'),
    );
    const level = async (...options: string[]) =>
      parseSimpleCsv((await runCli('score', file, ...options)).stdout).map((r) => r.acr_pedi);
    assert.deepEqual(await level(), ['', '50', '', '50']);
    assert.deepEqual(await level('--systemic-jia-acr', 'adapted'), ['', '0', '', '50']);
  });

  it('writes --out atomically and leaves no temporary file', async () => {
    const dir = scratchDir();
    const out = join(dir, 'scored.csv');
    const run = await runCli('score', examples, '--out', out);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.deepEqual(readdirSync(dir), ['scored.csv']);
    assert.equal(readFileSync(out, 'utf8'), (await runCli('score', examples)).stdout);
  });
});

describe('jia-trial score: bad input is refused with every problem located, and nothing written', () => {
  const cases: [label: string, rows: string[], expected: RegExp[]][] = [
    [
      'a value out of range',
      ['S1,V1,2020-01-01,,systemic,75,1,0,0,0,,10,,,,,,,,,,'],
      [/:2: visit V1, column physician_global: 75 is outside 0-10/],
    ],
    [
      'a non-number',
      ['S1,V1,2020-01-01,,systemic,1,1,0,0,0,,1e3,,,,,,,,,,'],
      [/:2: visit V1, column esr: "1e3" is not a plain decimal number/],
    ],
    [
      'a fractional joint count',
      ['S1,V1,2020-01-01,,systemic,1,1,0,2.5,0,,10,,,,,,,,,,'],
      [/column active_joints: 2.5 is not a whole number/],
    ],
    [
      'an unknown joint code',
      ['S1,V1,2020-01-01,,systemic,1,1,0,,0,knee_l;kne_r,10,,,,,,,,,,'],
      [/:2: visit V1, column active_joint_codes: unknown joint code: "kne_r"/],
    ],
    [
      'joint codes disagreeing with active_joints',
      ['S1,V1,2020-01-01,,systemic,1,1,0,3,0,knee_l;knee_r,10,,,,,,,,,,'],
      [/column active_joints: 3 disagrees with the 2 joints listed/],
    ],
    [
      'a malformed date',
      ['S1,V1,2020-02-30,,systemic,1,1,0,0,0,,10,,,,,,,,,,'],
      [/:2: visit V1, column visit_date: "2020-02-30" is not a valid date/],
    ],
    [
      'an unknown category',
      ['S1,V1,2020-01-01,,oligo,1,1,0,0,0,,10,,,,,,,,,,'],
      [/column ilar_category: "oligo" is not an ILAR category/],
    ],
    [
      'a bad boolean',
      ['S1,V1,2020-01-01,,systemic,1,1,0,0,0,,10,,,yes,,,,,,,'],
      [/column systemic_features: "yes" must be true or false/],
    ],
    [
      'a duplicate visit_id',
      [
        'S1,V1,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
        'S1,V1,2020-02-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
      ],
      [/:3: visit V1, column visit_id: duplicate visit_id, first used on line 2/],
    ],
    [
      'a missing baseline',
      ['S1,V1,2020-01-01,V0,systemic,1,1,0,0,0,,10,,,,,,,,,,'],
      [/:2: visit V1, column baseline_visit_id: "V0" is not a visit_id in this file/],
    ],
    [
      "another subject's baseline",
      [
        'S1,V1,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
        'S2,V2,2020-02-01,V1,systemic,1,1,0,0,0,,10,,,,,,,,,,',
      ],
      [/:3: visit V2, column baseline_visit_id: baseline V1 belongs to subject S1, not S2/],
    ],
    [
      'a baseline dated after the visit',
      [
        'S1,V1,2020-03-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
        'S1,V2,2020-02-01,V1,systemic,1,1,0,0,0,,10,,,,,,,,,,',
      ],
      [/:3: visit V2, column visit_date: 2020-02-01 is before its baseline V1 \(2020-03-01\)/],
    ],
    [
      'two earliest visits on one date',
      [
        'S1,V1,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
        'S1,V2,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
      ],
      [/subject S1 has two earliest visits on 2020-01-01 \(V1, line 2; V2, line 3\)/],
    ],
    [
      'an empty required value',
      ['S1,,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,'],
      [/:2: column visit_id: required value is empty/],
    ],
    ['a row with too few fields', ['S1,V1,2020-01-01'], [/:2: .*3 fields, but the header has 22/]],
    [
      'an unclosed quote',
      ['S1,V1,2020-01-01,,"systemic,1,1,0,0,0,,10,,,,,,,,,,'],
      [/unclosed quoted field \(opened at line 2\)/],
    ],
    [
      'several problems at once',
      [
        'S1,V1,2020-01-01,,systemic,11,1,0,0,0,,10,,,,,,,,,,',
        'S1,V2,2020-13-01,,systemic,1,1,4,0,0,,10,,,,,,,,,,',
      ],
      [
        /:2: visit V1, column physician_global/,
        /:3: visit V2, column visit_date/,
        /:3: visit V2, column chaq_di: 4 is outside 0-3/,
      ],
    ],
  ];
  for (const [label, rows, expected] of cases) {
    it(label, async () => {
      const dir = scratchDir();
      const out = join(dir, 'out.csv');
      const file = scratchFile('visits.csv', csv(...rows));
      const run = await runCli('score', file, '--out', out);
      assert.equal(run.code, 1, `exit code 1 for ${label}`);
      for (const pattern of expected) assert.match(run.stderr, pattern);
      assert.match(run.stderr, /nothing was written/);
      assert.deepEqual(readdirSync(dir), [], 'no output file, not even a partial one');
      const toStdout = await runCli('score', file);
      assert.equal(toStdout.stdout, '');
    });
  }

  it('refuses an id with a line break: the mark of a stray quote that merged two records', async () => {
    const file = scratchFile(
      'visits.csv',
      csv('S1,"V1,2020-02-01,4', 'S1,V2",2020-03-01,,systemic,3,1,0,0,0,,10,,,,,,,,,,'),
    );
    const run = await runCli('score', file);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /:2: visit "V1,2020-02-01,4\\nS1,V2", column visit_id: .* contains a line break/,
    );
  });

  it('refuses bytes that are not UTF-8 anywhere in an id', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\nS1,V`),
      Buffer.from([0xff]),
      Buffer.from('1,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,\n'),
    ]);
    const run = await runCli('score', scratchFile('visits.csv', bytes), '--format', 'json');
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /:2: column visit_id: is not valid UTF-8 text/);
  });

  it('does not invent a baseline problem from a row with a problem of its own', async () => {
    const file = scratchFile(
      'visits.csv',
      csv(
        'S1,V0,2020-01-01,,systemic,11,1,0,0,0,,10,,,,,,,,,,',
        'S1,V1,2020-02-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
        'S1,V2,2020-02-01,,systemic,2,1,0,0,0,,10,,,,,,,,,,',
      ),
    );
    const run = await runCli('score', file);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /1 problem\(s\)/);
    assert.doesNotMatch(run.stderr, /earliest visits/);
  });

  it('checks baselines even when other rows have problems', async () => {
    const file = scratchFile(
      'visits.csv',
      csv(
        'S1,V1,2020-01-01,,systemic,11,1,0,0,0,,10,,,,,,,,,,',
        'S2,V2,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,',
        'S2,V3,2020-02-01,V9,systemic,1,1,0,0,0,,10,,,,,,,,,,',
      ),
    );
    const run = await runCli('score', file);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /:2: visit V1, column physician_global/);
    assert.match(
      run.stderr,
      /:4: visit V3, column baseline_visit_id: "V9" is not a visit_id in this file/,
    );
  });

  it('refuses an unknown or missing header column before reading rows', async () => {
    const file = scratchFile('visits.csv', 'subject_id,visit_id,physican_global\nS1,V1,3\n');
    const run = await runCli('score', file);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /:1: column physican_global: unknown column/);
    assert.match(run.stderr, /:1: column visit_date: required column is missing/);
  });

  it('lists at most --max-errors problems and counts the rest', async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) => `S1,V${i},2020-01-01,,systemic,99,1,0,0,0,,10,,,,,,,,,,`,
    );
    const run = await runCli('score', scratchFile('visits.csv', csv(...rows)), '--max-errors', '5');
    assert.equal(run.code, 1);
    assert.equal(run.stderr.match(/column physician_global/g)?.length, 5);
    assert.match(run.stderr, /\.\.\. and 25 more problem\(s\)/);
  });

  it('refuses text that is not UTF-8', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${HEADER}\nS\xe9,V1,2020-01-01,,systemic,1,1,0,0,0,,10,,,,,,,,,,\n`, 'latin1'),
    ]);
    const run = await runCli('score', scratchFile('visits.csv', latin1));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /:2: .*UTF-8/);
  });
});

/** A symbolic link to the example visits, in a scratch directory. */
function linkToExamples(): string {
  const link = join(scratchDir(), 'link.csv');
  symlinkSync(examples, link);
  return link;
}

describe('jia-trial score: usage errors exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['no file', ['score'], /missing required argument/],
    ['an unknown option', ['score', examples, '--colour'], /unknown option/],
    [
      'a bad --format',
      ['score', examples, '--format', 'xml'],
      /Allowed choices are csv, json, table/,
    ],
    [
      'a bad --systemic-jia-acr',
      ['score', examples, '--systemic-jia-acr', 'sjia'],
      /Allowed choices are standard, adapted/,
    ],
    [
      'a bad --esr-uln',
      ['score', examples, '--esr-uln', 'abc'],
      /--esr-uln must be a positive number/,
    ],
    [
      'a file that does not exist',
      ['score', '/nonexistent/visits.csv'],
      /cannot read \/nonexistent\/visits.csv: no such file/,
    ],
    ['an unknown command', ['scor'], /unknown command/],
    [
      'a bad --threads',
      ['score', examples, '--threads', '5'],
      /--threads .*must be 1 or 2, got "5"/,
    ],
    [
      '--out in a missing directory',
      ['score', examples, '--out', '/nonexistent/out.csv'],
      /the directory \/nonexistent does not exist/,
    ],
    [
      '--out naming a directory',
      ['score', examples, '--out', '/tmp'],
      /--out \/tmp is a directory/,
    ],
    ['--out naming the input', ['score', examples, '--out', examples], /is the input file/],
    [
      '--out naming the input through a link',
      ['score', linkToExamples(), '--out', examples],
      /is the input file/,
    ],
  ];
  for (const [label, argv, pattern] of cases) {
    it(label, async () => {
      const run = await runCli(...argv);
      assert.equal(run.code, 2);
      assert.match(run.stderr, pattern);
    });
  }

  it('--help documents every option and exits 0', async () => {
    const run = await runCli('score', '--help');
    assert.equal(run.code, 0);
    for (const option of [
      '--out',
      '--format',
      '--cutoffs',
      '--esr-uln',
      '--crp-uln',
      '--systemic-jia-acr',
      '--max-errors',
      'docs/score-command.md',
    ]) {
      assert.ok(run.stdout.includes(option), option);
    }
  });
});

describe('jia-trial score: large files', () => {
  it('prints a readable table of 150,000 visits', async () => {
    const rows = Array.from(
      { length: 150_000 },
      (_, i) =>
        `S${i % 5000},V${i},2020-${String(1 + (Math.floor(i / 5000) % 12)).padStart(2, '0')}-${String(1 + Math.floor(i / 60000)).padStart(2, '0')},,psoriatic,1,1,0,0,0,,10,,,,,,,,,,`,
    );
    const run = await runCli(
      'score',
      scratchFile('visits.csv', `${[HEADER, ...rows].join('\n')}\n`),
      '--format',
      'table',
      '--max-errors',
      '3',
    );
    assert.equal(run.code, 0, run.stderr.slice(0, 500));
    assert.equal(run.stdout.trimEnd().split('\n').length, 150_001);
  });
});

describe('jia-trial bin', () => {
  it('runs the built CLI as npx would, with its exit codes', () => {
    const bin = join(root, 'apps/cli/bin/jia-trial.js');
    assert.ok(
      existsSync(join(dirname(bin), '../dist/main.js')),
      'apps/cli/dist is built (npm run build)',
    );
    const out = execFileSync(process.execPath, [bin, 'score', examples, '--format', 'table'], {
      encoding: 'utf8',
    });
    assert.match(out, /P03-W7/);
    assert.throws(
      () =>
        execFileSync(process.execPath, [bin, 'score', '--format', 'xml', examples], {
          stdio: 'pipe',
        }),
      (error: { status?: number }) => error.status === 2,
    );
  });

  it('ends quietly when its reader stops early (| head)', () => {
    const bin = join(root, 'apps/cli/bin/jia-trial.js');
    const rows = Array.from(
      { length: 40_000 },
      (_, i) => `S${i},V${i},2020-01-01,,psoriatic,1,1,0,0,0,,10,,,,,,,,,,`,
    );
    const file = scratchFile('visits.csv', `${[HEADER, ...rows].join('\n')}\n`);
    const piped = spawnSync(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        `"${process.execPath}" "${bin}" score "${file}" | head -c 10 >/dev/null`,
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(piped.stderr, '');
    assert.equal(piped.status, 0);
  });
});

describe('jia-trial score: files from spreadsheets', () => {
  it('a semicolon-separated file is recognised, in one problem', async () => {
    const file = scratchFile(
      'semicolons.csv',
      'subject_id;visit_id;visit_date\nS1;V1;2020-01-01\n',
    );
    const run = await runCli('score', file);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /separated by semicolons \(as Excel saves CSV in many European languages\)/,
    );
    assert.doesNotMatch(run.stderr, /required column is missing/);
  });
  it('a header name with a space around it is shown quoted', async () => {
    const file = scratchFile('spaces.csv', 'subject_id, visit_id,visit_date\nS1,V1,2020-01-01\n');
    const run = await runCli('score', file);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /column " visit_id": has a space before or after it: the column is visit_id/,
    );
  });
  it("Excel's TRUE is refused with a hint", async () => {
    const file = scratchFile(
      'excel.csv',
      'subject_id,visit_id,visit_date,fever\nS1,V1,2020-01-01,TRUE\n',
    );
    const run = await runCli('score', file);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /column fever: "TRUE" is not true or false: write it in lower case, true or false \(Excel writes TRUE and FALSE/,
    );
  });
  it('a missing file says "no such file", not ENOENT', async () => {
    const run = await runCli('score', join(scratchDir(), 'missing.csv'));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot read .*missing\.csv: no such file/);
    assert.doesNotMatch(run.stderr, /ENOENT/);
  });
});

describe('jia-trial score: progress on a terminal', () => {
  /** A captured standard error that says it is a terminal. */
  class TtyCapture extends Writable {
    readonly isTTY = true;
    text = '';
    override _write(chunk: Buffer, _e: BufferEncoding, done: () => void) {
      this.text += chunk.toString('utf8');
      done();
    }
  }
  const big = () => {
    // About 3 MiB: above the size from which the command shows its progress.
    const rows = Array.from(
      { length: 40_000 },
      (_, i) =>
        `S${i % 500},V${i},${new Date(Date.UTC(2020, 0, 1 + Math.floor(i / 500))).toISOString().slice(0, 10)},,oligoarticular_persistent,4,5,0.5,3,2,,20,5,10,,false,false,,,,,`,
    );
    return scratchFile('big.csv', csv(...rows));
  };
  it('a long run on a terminal shows what it is doing, then clears the line', async () => {
    const stderr = new TtyCapture();
    const out = join(scratchDir(), 'scored.csv');
    const code = await main(['score', big(), '--out', out], { stdout: new TtyCapture(), stderr });
    assert.equal(code, 0, stderr.text);
    // Each line is drawn over the last: carriage return, erase to the end of the line.
    const lines = stderr.text.split('\r\x1b[K');
    assert.ok(
      lines.some((l) => /^score: checking big\.csv \d+%$/.test(l)),
      JSON.stringify(lines),
    );
    assert.ok(lines.includes('score: scoring and writing 40,000 visits'), JSON.stringify(lines));
    assert.ok(stderr.text.endsWith('\r\x1b[K'), JSON.stringify(stderr.text.slice(-40)));
  });
  it('no progress when standard error is not a terminal, or for a small file', async () => {
    const piped = await runCli('score', big(), '--out', join(scratchDir(), 'a.csv'));
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '');
    const stderr = new TtyCapture();
    const code = await main(['score', examples], { stdout: new TtyCapture(), stderr });
    assert.equal(code, 0);
    assert.equal(stderr.text, '');
  });
});
