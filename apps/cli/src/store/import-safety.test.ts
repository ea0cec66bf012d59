/**
 * Importing safely (issue 16, "Data safety"; docs/data-management.md, "Importing safely"),
 * through the command line as a user runs it: another trial's bundle is not merged into a study
 * silently (--dry-run prints the plan and changes nothing; new subjects only with
 * --add-subjects and a reason, the refusal listing by subject code what would be added and
 * changed), an import is one batch that `audit batches` lists and `import --revert` undoes by
 * new audited changes (refused, naming the record, over a later change), and a bundle's study
 * file names its study and says whether it is synthetic.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AUDITED_TABLES } from '@jia-trial/store';
import type { TestDatabase } from '@jia-trial/store/test-support';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');

const database = useTestDatabase();

/** A copy of an example bundle, with edits (null removes a file). */
function bundle(
  example: string,
  name: string,
  edits: Record<string, ((text: string) => string) | null> = {},
): string {
  const dir = join(scratchDir(), name);
  cpSync(join(EXAMPLES, example), dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    if (edit === null) rmSync(path);
    else writeFileSync(path, edit(readFileSync(path, 'utf8')));
  }
  return dir;
}

/** Another trial's bundle, made by hand: the demo's six patients, without a study file. */
const otherTrial = () => bundle('msc-jia-demo', 'other-trial', { 'study.csv': null });

/** Row counts of every audited table, the audit trail's size and its sealed head. */
async function snapshot(db: TestDatabase): Promise<Record<string, unknown>> {
  const counts: Record<string, unknown> = {};
  for (const table of [...AUDITED_TABLES, 'audit_event', 'audit_block']) {
    const result = await db.store.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = result.rows[0].n;
  }
  const head = await db.store.pool.query(
    "SELECT block_seq::text, encode(block_hash, 'hex') AS hash FROM audit_head",
  );
  counts.head = head.rows[0];
  return counts;
}

async function ok(...argv: string[]) {
  const run = await runCli(...argv);
  assert.equal(run.code, 0, `${argv.join(' ')}: ${run.stderr}`);
  return run;
}

async function verified(): Promise<void> {
  const verify = await runCli('verify-audit');
  assert.equal(verify.code, 0, verify.stdout);
}

/** The batch an import printed. */
function batchOf(stdout: string): string {
  const match = /^batch (\d+) \(undo it with: jia-trial import --revert \1 --reason/m.exec(stdout);
  assert.ok(match, stdout);
  return match[1] as string;
}

/** A study's stored records as an export writes them, file by file. */
async function exported(study: string): Promise<Record<string, string>> {
  const out = join(scratchDir(), `export-${study}-${Date.now()}`);
  await ok('export', '--study', study, '--out', out);
  return Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
}

/** Export files without their version column (a revert restores values; versions go on rising). */
function withoutVersions(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).map(([file, text]) => [file, text.replace(/,\d+$/gm, '')]),
  );
}

describe('another trial imported into an existing study', () => {
  test('--dry-run prints the plan per file and per subject and changes nothing', async () => {
    await ok('import', bundle('msc-pilot', 'pilot'), '--study', 'trial');
    const before = await snapshot(database());
    const run = await ok('import', otherTrial(), '--study', 'trial', '--dry-run');
    assert.match(
      run.stdout,
      /^dry run: nothing was changed\. Importing other-trial into study trial \(it holds 6 subject\(s\)\)/,
    );
    assert.match(run.stdout, /^ {2}subjects\.csv +6 +0 +0 +6$/m);
    assert.match(
      run.stdout,
      /subjects: 6 new, 0 changed, 0 unchanged, 6 stored but not in the bundle \(kept\)/,
    );
    assert.match(run.stdout, /^ {2}D01 +new +\d+ +2 +0 +0$/m);
    assert.match(run.stdout, /^ {2}P01 +kept +0 +0 +0 +\d+$/m);
    assert.match(
      run.stdout,
      /would be refused:\n {2}ADD_SUBJECTS_REQUIRED: study trial holds 6 subject\(s\); the bundle would add 6 new subject\(s\) \(D01, D02, D03, D04, D05, D06\)/,
    );
    assert.deepEqual(
      await snapshot(database()),
      before,
      'a dry run changes nothing, not even the audit head',
    );

    const json = JSON.parse(
      (await ok('import', otherTrial(), '--study', 'trial', '--dry-run', '--json')).stdout,
    );
    assert.equal(json.dryRun, true);
    assert.equal(json.batch, null);
    const subjects = json.plan.files.find((f: { file: string }) => f.file === 'subjects.csv');
    assert.deepEqual(subjects, {
      file: 'subjects.csv',
      added: 6,
      changed: 0,
      unchanged: 0,
      kept: 6,
    });
    // Both examples number their AEs AE-001 ...: the other trial's would also move five stored
    // AEs to its patients, a change that needs a reason as well.
    assert.deepEqual(
      json.refusals.map((r: { code: string }) => r.code),
      ['ADD_SUBJECTS_REQUIRED', 'REASON_REQUIRED'],
    );
    const aes = json.plan.files.find((f: { file: string }) => f.file === 'adverse_events.csv');
    assert.equal(aes.changed, 5);
    assert.deepEqual(await snapshot(database()), before);
  });

  test('a dry run of a bundle that would go through says so', async () => {
    const run = await ok('import', bundle('msc-pilot', 'pilot'), '--study', 'trial', '--dry-run');
    assert.match(
      run.stdout,
      /subjects: 0 new, 0 changed, 6 unchanged, 0 stored but not in the bundle/,
    );
    assert.match(run.stdout, /The import as given would go through\.\n$/);
  });

  test('new subjects are refused without --add-subjects, listing by subject what would be added and changed', async () => {
    const before = await snapshot(database());
    const mixed = otherTrial();
    const run = await runCli('import', mixed, '--study', 'trial', '--json');
    assert.equal(run.code, 1, run.stderr);
    const error = JSON.parse(run.stdout).error;
    assert.equal(error.code, 'ADD_SUBJECTS_REQUIRED');
    assert.deepEqual(
      error.issues.map((i: { path: string }) => i.path),
      ['D01', 'D02', 'D03', 'D04', 'D05', 'D06'].map((s) => `subject ${s}`),
    );
    // D01's AEs AE-001 and AE-002 are stored as the pilot's (ae_id is the key): changed.
    assert.match(
      error.issues[0].message,
      /^new subject: would add subjects\.csv 1, visits\.csv \d+.*: would change adverse_events\.csv 2$/,
    );
    assert.equal(error.details.newSubjects, 6);
    assert.equal(error.details.changed, 5);
    assert.deepEqual(await snapshot(database()), before, 'nothing imported');

    const text = await runCli('import', mixed, '--study', 'trial');
    assert.equal(text.code, 1);
    assert.match(text.stderr, /subject D01: new subject: would add subjects\.csv 1/);
    assert.match(text.stderr, /import with --add-subjects --reason/);

    const noReason = await runCli('import', mixed, '--study', 'trial', '--add-subjects');
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /--add-subjects .* give the reason with --reason/);
    assert.deepEqual(await snapshot(database()), before);
  });

  test('the refusal lists a changed record of a stored subject too', async () => {
    const changed = bundle('msc-pilot', 'pilot-plus', {
      'subjects.csv': (t) =>
        `${t.trimEnd()}\nP99,${t.split('\n')[1]?.split(',').slice(1).join(',')}\n`,
      'adverse_events.csv': (t) => t.replace(/,1,false,/, ',2,false,'),
    });
    const run = await runCli('import', changed, '--study', 'trial', '--json');
    assert.equal(run.code, 1, run.stderr);
    const error = JSON.parse(run.stdout).error;
    assert.equal(error.code, 'ADD_SUBJECTS_REQUIRED');
    const messages = Object.fromEntries(
      error.issues.map((i: { path: string; message: string }) => [i.path, i.message]),
    );
    assert.match(messages['subject P99'], /^new subject: would add subjects\.csv 1$/);
    const changedSubject = Object.entries(messages).find(([, m]) =>
      /^stored subject: would change adverse_events\.csv 1$/.test(m as string),
    );
    assert.ok(changedSubject, JSON.stringify(messages));
  });

  test('new visits of stored subjects need no --add-subjects', async () => {
    const followUp = bundle('msc-pilot', 'follow-up', {
      'visits.csv': (t) => {
        const lines = t.trimEnd().split('\n');
        const last = (lines.at(-1) as string).split(',');
        last[1] = `${last[1]}-extra`;
        return `${lines.join('\n')}\n${last.join(',')}\n`;
      },
    });
    const run = await ok('import', followUp, '--study', 'trial', '--dry-run', '--json');
    const plan = JSON.parse(run.stdout);
    assert.deepEqual(plan.refusals, []);
    assert.equal(plan.plan.files.find((f: { file: string }) => f.file === 'visits.csv').added, 1);
  });

  test('--add-subjects --reason adds them as one batch whose events carry the reason', async () => {
    const run = await ok(
      'import',
      otherTrial(),
      '--study',
      'trial',
      '--add-subjects',
      '--reason',
      'merging the demo site into the trial (DSMB minute 7)',
    );
    const batch = batchOf(run.stdout);
    const events = await database().store.pool.query(
      'SELECT DISTINCT reason, table_name FROM audit_event WHERE batch_id = $1 ORDER BY 2',
      [batch],
    );
    assert.ok(events.rows.length > 3);
    for (const row of events.rows)
      assert.equal(
        row.reason,
        'merging the demo site into the trial (DSMB minute 7)',
        row.table_name,
      );
    const list = await ok('audit', 'batches', '--study', 'trial', '--json');
    const batches = JSON.parse(list.stdout).batches;
    const added = batches.find((b: { batch: number }) => String(b.batch) === batch);
    assert.equal(added.subjectsAdded, 6);
    assert.equal(added.origin, 'other-trial');
    assert.equal(added.reason, 'merging the demo site into the trial (DSMB minute 7)');
    await verified();
  });
});

describe('an import is one batch that can be reverted', () => {
  test('a revert deletes what the batch added, by new audited changes that verify', async () => {
    await ok('import', bundle('msc-pilot', 'pilot'), '--study', 'rev');
    const before = await exported('rev');
    const eventsBefore = Number(
      (await database().store.pool.query('SELECT count(*) FROM audit_event')).rows[0].count,
    );
    const added = await ok(
      'import',
      otherTrial(),
      '--study',
      'rev',
      '--add-subjects',
      '--reason',
      'by mistake',
    );
    const batch = batchOf(added.stdout);
    const list = await ok('audit', 'batches', '--study', 'rev');
    assert.match(
      list.stdout,
      new RegExp(
        `^ {2}${batch} .* import \\(bundle other-trial\\), 6 subject\\(s\\) added; reason: by mistake$`,
        'm',
      ),
    );

    const noReason = await runCli('import', '--revert', batch);
    assert.equal(noReason.code, 2);
    const reverted = await ok(
      'import',
      '--revert',
      batch,
      '--reason',
      'wrong trial',
      '--study',
      'rev',
    );
    assert.match(
      reverted.stdout,
      new RegExp(
        `^reverted batch ${batch} of study rev as batch \\d+\\n {2}deleted \\(created by the batch\\): .*subject 6`,
      ),
    );
    // The study is as it was; the five AEs the batch changed are restored (at a higher version).
    assert.deepEqual(withoutVersions(await exported('rev')), withoutVersions(before));
    // The trail grew: nothing was rewritten.
    const eventsAfter = Number(
      (await database().store.pool.query('SELECT count(*) FROM audit_event')).rows[0].count,
    );
    assert.ok(eventsAfter > eventsBefore);
    const deletes = await database().store.pool.query(
      "SELECT count(*)::int AS n, min(reason) AS reason FROM audit_event WHERE operation = 'delete' AND study_id = 'rev' AND table_name = 'subject'",
    );
    assert.deepEqual(deletes.rows[0], { n: 6, reason: 'wrong trial' });
    await verified();

    const again = await runCli('import', '--revert', batch, '--reason', 'twice', '--json');
    assert.equal(again.code, 1);
    assert.equal(JSON.parse(again.stdout).error.code, 'BATCH_NOT_REVERTIBLE');
    assert.match(JSON.parse(again.stdout).error.message, /reverted already, by batch \d+/);
    const listed = await ok('audit', 'batches', '--study', 'rev', '--json');
    const [, first, second] = JSON.parse(listed.stdout).batches;
    assert.equal(first.revertedBy, second.batch);
    assert.equal(second.kind, 'revert');
    const revertOfRevert = await runCli(
      'import',
      '--revert',
      String(second.batch),
      '--reason',
      'r',
      '--json',
    );
    assert.equal(JSON.parse(revertOfRevert.stdout).error.code, 'BATCH_NOT_REVERTIBLE');
  });

  test('a revert restores the values a batch changed', async () => {
    const before = await exported('rev');
    const changed = bundle('msc-pilot', 'pilot', {
      'adverse_events.csv': (t) => t.replace(/,1,false,/, ',2,false,'),
    });
    const run = await ok('import', changed, '--study', 'rev', '--reason', 'grade corrected');
    assert.notDeepEqual(await exported('rev'), before);
    await ok('import', '--revert', batchOf(run.stdout), '--reason', 'the correction was wrong');
    const after = await exported('rev');
    // The values are back; the record's version went on rising (two changes).
    assert.notEqual(after['adverse_events.csv'], before['adverse_events.csv']);
    assert.deepEqual(withoutVersions(after), withoutVersions(before));
    await verified();
  });

  test('a revert over a later change is refused, naming the record, who changed it and when', async () => {
    const added = await ok(
      'import',
      otherTrial(),
      '--study',
      'rev',
      '--add-subjects',
      '--reason',
      'again',
    );
    const batch = batchOf(added.stdout);
    // A later import corrects one of the records the batch wrote.
    const later = bundle('msc-jia-demo', 'other-trial-fix', {
      'study.csv': null,
      'adverse_events.csv': (t) => t.replace(/^(D01,[^\n]*?),1,false,/m, '$1,2,false,'),
    });
    const fix = await ok('import', later, '--study', 'rev', '--reason', 'grade of D01');
    assert.match(fix.stdout, /adverse_events\.csv +0 new +1 changed/);
    const before = await snapshot(database());
    const refused = await runCli('import', '--revert', batch, '--reason', 'r', '--json');
    assert.equal(refused.code, 1, refused.stderr);
    const error = JSON.parse(refused.stdout).error;
    assert.equal(error.code, 'BATCH_NOT_REVERTIBLE');
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0].path, 'adverse_event rev/AE-001');
    assert.match(
      error.issues[0].message,
      /^changed after the import: updated by os:\S+ on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(batch \d+\)$/,
    );
    assert.deepEqual(await snapshot(database()), before, 'nothing was changed');
  });

  test('an unknown batch is not found; a revert takes no bundle', async () => {
    const unknown = await runCli('import', '--revert', '999999999', '--reason', 'r');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no study has import batch 999999999/);
    const both = await runCli(
      'import',
      join(EXAMPLES, 'msc-pilot'),
      '--revert',
      '1',
      '--reason',
      'r',
    );
    assert.equal(both.code, 2);
    const none = await runCli('import', '--reason', 'r');
    assert.equal(none.code, 2);
  });

  test('an import that changes nothing records no batch', async () => {
    const first = await ok('import', bundle('msc-pilot', 'pilot'), '--study', 'same');
    batchOf(first.stdout);
    const run = await ok('import', bundle('msc-pilot', 'pilot'), '--study', 'same');
    assert.match(run.stdout, /no batch recorded: nothing was written\n$/);
  });
});

describe('the study file', () => {
  test('a bundle is imported into the study its study file names; --study must agree', async () => {
    const demo = join(EXAMPLES, 'msc-jia-demo');
    const before = await snapshot(database());
    const mismatch = await runCli('import', demo, '--study', 'msc-pilot', '--json');
    assert.equal(mismatch.code, 1);
    const error = JSON.parse(mismatch.stdout).error;
    assert.equal(error.code, 'STUDY_MISMATCH');
    assert.match(error.message, /study\.csv says it is study msc-jia-demo, not msc-pilot/);
    assert.deepEqual(await snapshot(database()), before);
    // Without --study: the study file's id, not the folder's name.
    const renamed = join(scratchDir(), 'export');
    cpSync(demo, renamed, { recursive: true });
    const run = await ok('import', renamed);
    assert.match(run.stdout, /^created study msc-jia-demo/);
    await ok('import', demo, '--study', 'msc-jia-demo');
  });

  test('the study keeps the synthetic flag; its export writes it back; its report says so', async () => {
    const flag = await database().store.pool.query(
      "SELECT synthetic FROM study WHERE study_id = 'msc-jia-demo'",
    );
    assert.equal(flag.rows[0].synthetic, true);
    const files = await exported('msc-jia-demo');
    assert.equal(files['study.csv'], 'study_id,synthetic\nmsc-jia-demo,true\n');
    const out = join(scratchDir(), 'report');
    await ok('report', '--study', 'msc-jia-demo', '--out', out, '--as-of', '2017-12-31');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<h1>SYNTHETIC DATA: /);
    assert.match(
      html,
      /the study file \(study\.csv\) of this study says its patients are invented/,
    );
    assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).synthetic, true);
    // A study imported without a study file is not synthetic.
    const pilot = await database().store.pool.query(
      "SELECT synthetic FROM study WHERE study_id = 'trial'",
    );
    assert.equal(pilot.rows[0].synthetic, false);
  });

  test('a study file with problems is refused like any bundle file', async () => {
    for (const [text, pattern] of [
      [
        'study_id,synthetic\nmsc-jia-demo,TRUE\n',
        /study\.csv:2: column synthetic: TRUE is not a boolean here: write true/,
      ],
      [
        'study_id,synthetic\nmsc jia,true\n',
        /study\.csv:2: column study_id: "msc jia" is not a study id/,
      ],
      [
        'study_id,synthetic\na,true\nb,true\n',
        /study\.csv:3: a study file holds exactly one record/,
      ],
      ['synthetic\ntrue\n', /study\.csv:1: column study_id: required column is missing/],
    ] as const) {
      const dir = bundle('msc-jia-demo', 'bad-study-file', { 'study.csv': () => text });
      const run = await runCli('import', dir);
      assert.equal(run.code, 1, text);
      assert.match(run.stderr, pattern);
    }
  });
});

describe('an ODM file takes the same path', () => {
  test('into a study that holds subjects: refused without --add-subjects; --dry-run plans it', async () => {
    const file = join(scratchDir(), 'demo.xml');
    await ok('export', '--format', 'odm', '--study', 'msc-jia-demo', '--out', file);
    await ok('import', bundle('msc-pilot', 'pilot'), '--study', 'odm-target');
    const refused = await runCli(
      'import',
      '--format',
      'odm',
      file,
      '--study',
      'odm-target',
      '--json',
    );
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(JSON.parse(refused.stdout).error.code, 'ADD_SUBJECTS_REQUIRED');
    const before = await snapshot(database());
    const plan = await ok('import', '--format', 'odm', file, '--study', 'odm-new', '--dry-run');
    assert.match(plan.stdout, /Importing demo\.xml into a new study odm-new would do this/);
    assert.deepEqual(await snapshot(database()), before);
    const run = await ok('import', '--format', 'odm', file, '--study', 'odm-new');
    assert.match(run.stdout, /^created study odm-new from ODM file demo\.xml/);
    batchOf(run.stdout);
  });
});
