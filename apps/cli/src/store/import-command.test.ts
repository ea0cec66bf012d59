import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RECORD_TYPES } from '@jia-trial/dictionary';
import { AUDITED_TABLES, loadVisit, saveVisit } from '@jia-trial/store';
import type { TestDatabase } from '@jia-trial/store/test-support';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');

/** Edits of a bundle's files: new content from the old text ('' for a new file), or null to remove. */
type Edits = Record<string, ((text: string) => string | Buffer) | null>;

/** A copy of the example bundle, with edits applied. */
function bundle(edits: Edits = {}): string {
  const dir = join(scratchDir(), 'pilot');
  cpSync(EXAMPLE, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    if (edit === null) rmSync(path);
    else writeFileSync(path, edit(existsSync(path) ? readFileSync(path, 'utf8') : ''));
  }
  return dir;
}

/** Row counts of every audited table and of the audit trail: "the database is unchanged". */
async function snapshot(db: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [...AUDITED_TABLES, 'audit_event', 'audit_block']) {
    const result = await db.store.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = result.rows[0].n;
  }
  return counts;
}

const database = useTestDatabase();

describe('jia-trial import / export', () => {
  test('imports the example bundle, then a re-import changes nothing', async () => {
    const dir = bundle();
    const first = await runCli('import', dir, '--study', 'pilot', '--json');
    assert.equal(first.code, 0, first.stderr);
    const counts = JSON.parse(first.stdout);
    assert.equal(counts.createdStudy, true);
    assert.deepEqual(
      counts.files.map((f: { file: string; inserted: number }) => [f.file, f.inserted]),
      [
        ['subjects.csv', 6],
        ['visits.csv', 37],
        ['joints.csv', 95],
        ['chaq.csv', 6],
        ['medications.csv', 32],
        ['infusions.csv', 7],
        ['adverse_events.csv', 5],
        ['eligibility.csv', 7],
      ],
    );
    const before = await snapshot(database());
    const again = await runCli('import', dir, '--study', 'pilot', '--json');
    assert.equal(again.code, 0, again.stderr);
    for (const file of JSON.parse(again.stdout).files) {
      assert.equal(file.inserted + file.updated, 0, file.file);
    }
    assert.deepEqual(await snapshot(database()), before, 'idempotent: not even an audit event');
    const verify = await runCli('verify-audit');
    assert.equal(verify.code, 0, verify.stdout);
    assert.match(verify.stdout, /audit trail intact/);
  });

  test('export writes a bundle that imports back to the same data (round trip)', async () => {
    const out1 = join(scratchDir(), 'export1');
    const out2 = join(scratchDir(), 'export2');
    assert.equal((await runCli('export', '--out', out1, '--study', 'pilot')).code, 0);
    // The export's study file names its study: a copy under another id says so in its own.
    assert.equal(
      readFileSync(join(out1, 'study.csv'), 'utf8'),
      'study_id,synthetic\npilot,false\n',
    );
    const copy = join(scratchDir(), 'copy');
    cpSync(out1, copy, { recursive: true });
    writeFileSync(join(copy, 'study.csv'), 'study_id,synthetic\npilot-copy,false\n');
    const imported = await runCli('import', copy);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((await runCli('export', '--out', out2, '--study', 'pilot-copy')).code, 0);
    const files = readdirSync(out1).sort();
    assert.deepEqual(files, readdirSync(out2).sort());
    // The study file and one file per record type of the dictionary, the optional ones too.
    assert.deepEqual(files, ['study.csv', ...RECORD_TYPES.map((r) => r.file)].sort());
    for (const file of files)
      assert.equal(
        readFileSync(join(out2, file), 'utf8'),
        readFileSync(join(file === 'study.csv' ? copy : out1, file), 'utf8'),
        file,
      );
    // The original study re-imported from its own export: nothing changes.
    const back = await runCli('import', out1, '--study', 'pilot', '--json');
    assert.equal(back.code, 0, back.stderr);
    for (const file of JSON.parse(back.stdout).files) assert.equal(file.inserted + file.updated, 0);
  });

  test('export without --study lists the studies when there are several', async () => {
    const result = await runCli('export', '--out', join(scratchDir(), 'x'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /choose one with --study: pilot, pilot-copy/);
  });

  test('a bundle that changes stored records needs a reason, and then it is audited', async () => {
    const dir = bundle({
      'visits.csv': (t) =>
        t.replace(
          'P01,P01-V1,2019-03-04,,polyarticular_rf_negative,6.2',
          'P01,P01-V1,2019-03-04,,polyarticular_rf_negative,6.3',
        ),
    });
    const before = await snapshot(database());
    const refused = await runCli('import', dir, '--study', 'pilot');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /reason for change is required/);
    assert.match(refused.stderr, /visits\.csv: 1 stored record\(s\) would change: P01-V1/);
    assert.deepEqual(await snapshot(database()), before);
    const accepted = await runCli(
      'import',
      dir,
      '--study',
      'pilot',
      '--reason',
      'source data verification',
      '--actor',
      'dm.carla',
    );
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.match(accepted.stdout, /visits\.csv +0 new +1 changed/);
    const event = await database().store.pool.query(
      "SELECT actor, reason, old_values->>'physician_global' AS old, new_values->>'physician_global' AS new FROM audit_event WHERE operation = 'update'",
    );
    assert.deepEqual(event.rows, [
      { actor: 'dm.carla', reason: 'source data verification', old: '6.2', new: '6.3' },
    ]);
  });
});

/** The CSV text without one column (the example files have no quoted commas). */
function withoutColumn(text: string, column: string): string {
  const lines = text.trimEnd().split('\n');
  const index = (lines[0] ?? '').split(',').indexOf(column);
  return `${lines
    .map((line) =>
      line
        .split(',')
        .filter((_, i) => i !== index)
        .join(','),
    )
    .join('\n')}\n`;
}

describe('jia-trial import: details', () => {
  test('an optional column left out of a file leaves the stored values alone', async () => {
    assert.equal((await runCli('import', bundle(), '--study', 'pilot-optional')).code, 0);
    const dir = bundle({ 'adverse_events.csv': (t) => withoutColumn(t, 'awareness_date') });
    const before = await snapshot(database());
    const result = await runCli('import', dir, '--study', 'pilot-optional', '--json');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await snapshot(database()), before);
    const stored = await database().store.pool.query(
      "SELECT awareness_date FROM adverse_event WHERE study_id = 'pilot-optional' AND ae_id = 'AE-003'",
    );
    assert.equal(stored.rows[0].awareness_date, '2019-03-22', 'not replaced by onset_date');
  });

  test('a whole number written as 10.0 is stored as 10', async () => {
    const dir = bundle({
      'visits.csv': (t) =>
        t.replace(
          'P01,P01-V0,2019-02-04,,polyarticular_rf_negative,6.8,5.6,1.75,10,',
          'P01,P01-V0,2019-02-04,,polyarticular_rf_negative,6.8,5.6,1.75,10.0,',
        ),
    });
    const result = await runCli('import', dir, '--study', 'pilot-decimal');
    assert.equal(result.code, 0, result.stderr);
    const stored = await database().store.pool.query(
      "SELECT active_joints FROM visit WHERE study_id = 'pilot-decimal' AND visit_id = 'P01-V0'",
    );
    assert.equal(stored.rows[0].active_joints, 10);
  });
});

describe('jia-trial import never silently replaces a newer edit', () => {
  /** The physician global of the pilot's first visit, in `text` (visits.csv). */
  const setGlobal = (text: string, value: string) =>
    text.replace(
      /^(P01,P01-V1,2019-03-04,,polyarticular_rf_negative,)[0-9.]+/m,
      (_, head: string) => `${head}${value}`,
    );
  const storedGlobal = async (study: string) =>
    (
      await database().store.pool.query(
        'SELECT physician_global::text AS value, version FROM visit WHERE study_id = $1 AND visit_id = $2',
        [study, 'P01-V1'],
      )
    ).rows[0];

  test("an exported bundle carries each record's version", async () => {
    assert.equal((await runCli('import', bundle(), '--study', 'versions')).code, 0);
    const out = join(scratchDir(), 'export');
    assert.equal((await runCli('export', '--out', out, '--study', 'versions')).code, 0);
    for (const file of readdirSync(out).filter((f) => f !== 'study.csv')) {
      const [header] = readFileSync(join(out, file), 'utf8').split('\n');
      assert.ok(header?.endsWith(',version'), `${file}: ${header}`);
    }
  });

  test('re-importing an export over a record changed since then is refused, naming the record', async () => {
    const exported = join(scratchDir(), 'before-the-edit');
    assert.equal((await runCli('export', '--out', exported, '--study', 'versions')).code, 0);
    // Someone else corrects the visit after the export (version 1 -> 2).
    const edit = bundle({ 'visits.csv': (t) => setGlobal(t, '6.4') });
    const edited = await runCli(
      'import',
      edit,
      '--study',
      'versions',
      '--reason',
      'monitor query 12',
      '--actor',
      'dm.carla',
    );
    assert.equal(edited.code, 0, edited.stderr);
    assert.deepEqual(await storedGlobal('versions'), { value: '6.4', version: 2 });
    // The old export, edited in a spreadsheet, would silently undo the correction.
    writeFileSync(
      join(exported, 'visits.csv'),
      setGlobal(readFileSync(join(exported, 'visits.csv'), 'utf8'), '6.9'),
    );
    const before = await snapshot(database());
    const refused = await runCli(
      'import',
      exported,
      '--study',
      'versions',
      '--reason',
      'typo',
      '--json',
    );
    assert.equal(refused.code, 1);
    const error = JSON.parse(refused.stdout).error;
    assert.equal(error.code, 'VERSION_CONFLICT');
    assert.deepEqual(
      error.issues.map((i: { record: string }) => i.record),
      ['P01-V1'],
    );
    assert.match(
      error.issues[0].message,
      /version 1, the stored record is at version 2, last changed by dm\.carla/,
    );
    assert.deepEqual(await snapshot(database()), before, 'nothing changed');
    // Deliberately, with a reason: replaced, and the reason is in the trail.
    const usage = await runCli('import', exported, '--study', 'versions', '--replace');
    assert.equal(usage.code, 2, 'a replacement needs its reason');
    const replaced = await runCli(
      'import',
      exported,
      '--study',
      'versions',
      '--replace',
      '--reason',
      'the paper CRF says 6.9',
    );
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.deepEqual(await storedGlobal('versions'), { value: '6.9', version: 3 });
    const last = await database().store.pool.query(
      "SELECT reason FROM audit_event WHERE table_name = 'visit' AND study_id = 'versions' ORDER BY event_id DESC LIMIT 1",
    );
    assert.equal(last.rows[0].reason, 'the paper CRF says 6.9');
  });

  test('a bundle without versions replaces only what its importer changed last', async () => {
    // The last change of P01-V1 was this account's (the --replace above): allowed.
    const mine = bundle({ 'visits.csv': (t) => setGlobal(t, '7.1') });
    const own = await runCli('import', mine, '--study', 'versions', '--reason', 'r');
    assert.equal(own.code, 0, own.stderr);
    assert.deepEqual(await storedGlobal('versions'), { value: '7.1', version: 4 });
    // A nurse corrects it on the ward (through the store, as the server will).
    const pool = database().store.pool;
    const loaded = await loadVisit(pool, 'versions', 'P01-V1');
    await saveVisit(
      pool,
      'versions',
      { ...(loaded?.visit ?? assert.fail()), physicianGlobal: 5.5 },
      4,
      {
        actor: { id: 'user:nurse.anna', name: 'nurse.anna' },
        reason: 'entered on the ward',
      },
    );
    // The spreadsheet would undo her correction: refused, naming her.
    const before = await snapshot(database());
    const theirs = bundle({ 'visits.csv': (t) => setGlobal(t, '7.2') });
    const refused = await runCli('import', theirs, '--study', 'versions', '--reason', 'r');
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /VERSION_CONFLICT|changed since it was exported or by someone else/,
    );
    assert.match(
      refused.stderr,
      /P01-V1: the bundle has no version of it, and the stored record \(version 5, last changed by nurse\.anna/,
    );
    assert.deepEqual(await snapshot(database()), before);
    assert.deepEqual(await storedGlobal('versions'), { value: '5.5', version: 5 });
  });
});

describe('jia-trial import refuses bad bundles, lists every problem and changes nothing', () => {
  const cases: Array<[string, Edits, RegExp[]]> = [
    [
      'wrong types',
      {
        'visits.csv': (t) =>
          t.replace(
            'P01,P01-V0,2019-02-04,,polyarticular_rf_negative,6.8',
            'P01,P01-V0,2019-02-04,,polyarticular_rf_negative,abc',
          ),
        'subjects.csv': (t) => t.replace('P02,UMCU,M', 'P02,UMCU,X'),
        'infusions.csv': (t) => t.replace('P03,2019-06-10,38.2', 'P03,2019-06-10,-3'),
        'adverse_events.csv': (t) =>
          t.replace(',2019-06-11,2019-06-12,1,', ',2019-06-11,2019-06-12,7,'),
      },
      [
        /visits\.csv:2: .*physician_global/,
        /subjects\.csv:3: column sex: "X" is not one of: F, M, U/,
        /infusions\.csv:4: column weight_kg: -3 is out of range/,
        /adverse_events\.csv:5: column grade: 7 is out of range/,
      ],
    ],
    [
      'unknown and missing columns',
      {
        'medications.csv': (t) => t.replace('stop_reason', 'reason_stopped'),
        'subjects.csv': (t) => t.replace('subject_id,site,sex', 'subject_id,centre,sex'),
      },
      [
        /medications\.csv:1: column reason_stopped: unknown column/,
        /subjects\.csv:1: column centre: unknown column/,
        /subjects\.csv:1: column site: required column is missing/,
      ],
    ],
    [
      'duplicate keys',
      {
        'subjects.csv': (t) =>
          `${t}P01,UMCU,F,2006-03,polyarticular_rf_negative,2010-05-14,2019-02-04\n`,
        'adverse_events.csv': (t) => t.replace('AE-005', 'AE-001'),
        'visits.csv': (t) => t.replace('P01-V2,', 'P01-V1,'),
      },
      [
        /subjects\.csv:8: column subject_id: duplicate subject_id P01 \(first on line 2\)/,
        /adverse_events\.csv:6: column ae_id: duplicate ae_id AE-001 \(first on line 2\)/,
        /visits\.csv:\d+: .*P01-V1/,
      ],
    ],
    [
      'dangling references',
      {
        'medications.csv': (t) => t.replace('P06,ustekinumab', 'P99,ustekinumab'),
        'joints.csv': (t) => t.replace('P01-V0,knee_l', 'P01-V7,knee_l'),
        'chaq.csv': (t) => t.replace('P01-V1,dressing_1', 'Q01-V1,dressing_1'),
        'visits.csv': (t) => t.replace('P06,P06-V5', 'P66,P06-V5'),
      },
      [
        /medications\.csv:17: column subject_id: subject P99 is not in subjects\.csv/,
        /joints\.csv:2: column visit_id: visit P01-V7 is not in visits\.csv/,
        /chaq\.csv:6: column visit_id: visit Q01-V1 is not in visits\.csv/,
        /visits\.csv:38: column subject_id: visit P06-V5: subject P66 is not in subjects\.csv/,
      ],
    ],
    [
      'broken quoting',
      { 'adverse_events.csv': (t) => t.replace('Headache', '"Headache') },
      [/adverse_events\.csv:\d+: unclosed quoted field \(opened at line 5\)/],
    ],
    [
      'wrong encoding (Latin-1)',
      {
        'adverse_events.csv': (t) =>
          Buffer.from(t.replace('Arthralgia', 'Arthralgi\u00e9'), 'latin1'),
      },
      [/adverse_events\.csv:6: .*invalid UTF-8/],
    ],
    [
      'rules between columns',
      {
        'medications.csv': (t) =>
          t.replace('P05,naproxen,nsaid,2013-11-01,,', 'P05,naproxen,nsaid,2013-11-01,2012-01-01,'),
        'adverse_events.csv': (t) =>
          t.replace('4,true,hospitalisation;life_threatening', '5,true,hospitalisation;abducted'),
      },
      [
        /medications\.csv:15: column stop_date: 2012-01-01 is before start_date 2013-11-01/,
        /adverse_events\.csv:2: column seriousness_criteria: "abducted" is not one of/,
        /adverse_events\.csv:2: column outcome: a grade 5 AE \(death\) has outcome fatal/,
      ],
    ],
    [
      'a missing required file and a stray CSV',
      { 'infusions.csv': null, 'infusion.csv': () => 'subject_id\n' },
      [/infusions\.csv: required file is missing/, /infusion\.csv: not a bundle file/],
    ],
  ];

  for (const [name, edits, expected] of cases)
    test(name, async () => {
      const dir = bundle(edits);
      const before = await snapshot(database());
      const result = await runCli('import', dir, '--study', 'pilot');
      assert.equal(result.code, 1, result.stdout);
      for (const pattern of expected) assert.match(result.stderr, pattern);
      assert.match(result.stderr, /nothing was imported/);
      assert.deepEqual(await snapshot(database()), before);
    });

  test('a huge file is refused before it is read', async () => {
    const dir = bundle();
    truncateSync(join(dir, 'joints.csv'), 2 * 1024 ** 3 + 1); // sparse: no disk used
    const before = await snapshot(database());
    const result = await runCli('import', dir, '--study', 'pilot');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /joints\.csv: is 2\.0 GiB; a bundle file may have at most 2 GiB/);
    assert.deepEqual(await snapshot(database()), before);
  });
});
