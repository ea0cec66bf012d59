/**
 * The store API under `jia-trial import --dry-run / --add-subjects / --revert` and `audit
 * batches` (docs/data-management.md, "Importing safely"): a dry run writes nothing, new subjects
 * for a study that holds subjects need addSubjects, an import is one recorded batch, and a revert
 * undoes it by new audited changes that verify, refused over a change made meanwhile by any
 * door (here an UPDATE like the server's, under another actor).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { verifyAudit } from '../audit/verify-audit.js';
import { changeAs, openTestDatabase, type TestDatabase, testActor } from '../test-support.js';
import { withTransaction } from '../transaction.js';
import { listImportBatches } from './import-batches.js';
import { type ImportOptions, importBundle, type StagedFile } from './import-bundle.js';
import { revertImportBatch } from './revert-batch.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
});
after(() => db.close());

const encoder = new TextEncoder();
const SUBJECT_COLUMNS = [
  'subject_id',
  'site',
  'sex',
  'birth_date',
  'ilar_category',
  'diagnosis_date',
];

/** subjects.csv with these subjects (a record, then its line, as the bundle reader stages it). */
function subjects(ids: readonly string[], sex = 'F'): StagedFile {
  return {
    file: 'subjects.csv',
    columns: SUBJECT_COLUMNS,
    records: () =>
      ids.map((id, i) => encoder.encode(`${id},A,${sex},2010-04,systemic,2015-01-01,${i + 2}\n`)),
  };
}

const run = (studyId: string, files: StagedFile[], options: ImportOptions = {}, reason?: string) =>
  withTransaction(db.store.pool, testActor('importer'), reason, (tx) =>
    importBundle(tx, studyId, files, options),
  );

async function state(studyId: string) {
  const result = await db.store.pool.query(
    `SELECT (SELECT json_agg(json_build_array(subject_id, sex) ORDER BY subject_id) FROM subject WHERE study_id = $1) AS subjects,
            (SELECT count(*)::int FROM audit_event) AS events,
            (SELECT count(*)::int FROM import_batch) AS batches`,
    [studyId],
  );
  return result.rows[0];
}

test('a dry run plans per file and per subject, and writes nothing', async () => {
  const before = await state('B');
  const dry = await run('B', [subjects(['S1', 'S2'])], { dryRun: true });
  assert.equal(dry.dryRun, true);
  assert.equal(dry.batch, null);
  assert.deepEqual(dry.refusals, []);
  assert.equal(dry.plan.studyExists, false);
  assert.deepEqual(dry.plan.files, [
    { file: 'subjects.csv', added: 2, changed: 0, unchanged: 0, kept: 0 },
  ]);
  assert.deepEqual(
    dry.plan.subjects.map((s) => [s.subjectId, s.status]),
    [
      ['S1', 'new'],
      ['S2', 'new'],
    ],
  );
  assert.deepEqual(await state('B'), before);
  const study = await db.store.pool.query("SELECT 1 FROM study WHERE study_id = 'B'");
  assert.equal(study.rowCount, 0, 'not even the study row');
});

test('an import is one recorded batch; new subjects for a study holding subjects need addSubjects', async () => {
  const first = await run('B', [subjects(['S1', 'S2'])], { origin: 'first' });
  assert.ok(first.batch !== null);
  const events = await db.store.pool.query(
    'SELECT DISTINCT table_name FROM audit_event WHERE batch_id = $1 ORDER BY 1',
    [first.batch],
  );
  assert.deepEqual(
    events.rows.map((r) => r.table_name),
    ['import_batch', 'site', 'study', 'subject'],
  );
  const before = await state('B');
  await assert.rejects(run('B', [subjects(['S1', 'S2', 'S3'])], {}, 'r'), (error) => {
    assert.ok(isJiaError(error, 'ADD_SUBJECTS_REQUIRED'), String(error));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['subject S3'],
    );
    return true;
  });
  await assert.rejects(run('B', [subjects(['S1', 'S2', 'S3'])], { addSubjects: true }), (error) =>
    isJiaError(error, 'REASON_REQUIRED'),
  );
  assert.deepEqual(await state('B'), before);
  const added = await run('B', [subjects(['S1', 'S2', 'S3'])], { addSubjects: true }, 'site B');
  assert.equal(added.plan.subjects.find((s) => s.subjectId === 'S3')?.status, 'new');
  const batches = await listImportBatches(db.store, 'B');
  assert.deepEqual(
    batches.map((b) => [b.batch, b.kind, b.origin, b.subjectsAdded, b.reason]),
    [
      [first.batch, 'import', 'first', 2, null],
      [added.batch, 'import', null, 1, 'site B'],
    ],
  );
});

test('a revert restores changed records and deletes created ones, as new audited changes', async () => {
  const before = await state('B');
  // S1 and S2 change sex, S4 is new: one batch.
  const batch = (
    await run('B', [subjects(['S1', 'S2', 'S3', 'S4'], 'M')], { addSubjects: true }, 'fix')
  ).batch as number;
  const reverted = await withTransaction(db.store.pool, testActor('dm'), 'undo', (tx) =>
    revertImportBatch(tx, batch, { studyId: 'B' }),
  );
  assert.deepEqual(reverted.deleted, { subject: 1 });
  assert.deepEqual(reverted.restored, { subject: 3 });
  const after = await state('B');
  assert.deepEqual(after.subjects, before.subjects);
  assert.ok(after.events > before.events, 'the trail grew; nothing was rewritten');
  const report = await verifyAudit(db.store.pool);
  assert.deepEqual(report.problems, []);
  const listed = await listImportBatches(db.store, 'B');
  assert.equal(listed.find((b) => b.batch === batch)?.revertedBy, reverted.batch);
  assert.equal(listed.at(-1)?.kind, 'revert');
  assert.equal(listed.at(-1)?.reason, 'undo');
});

test('a revert is refused, changing nothing, over a change made meanwhile; without a reason; of another study', async () => {
  const batch = (await run('B', [subjects(['S1', 'S2', 'S3', 'S5'])], { addSubjects: true }, 'r'))
    .batch as number;
  await changeAs(db.store.pool, 'nurse', 'typo', (client) =>
    client.query("UPDATE subject SET sex = 'U' WHERE study_id = 'B' AND subject_id = 'S5'"),
  );
  const before = await state('B');
  await assert.rejects(
    withTransaction(db.store.pool, testActor('dm'), 'undo', (tx) => revertImportBatch(tx, batch)),
    (error) => {
      assert.ok(isJiaError(error, 'BATCH_NOT_REVERTIBLE'), String(error));
      assert.deepEqual(
        error.issues.map((i) => i.path),
        ['subject B/S5'],
      );
      assert.match(error.issues[0]?.message ?? '', /updated by nurse on .* UTC \(batch \d+\)$/);
      return true;
    },
  );
  await assert.rejects(
    withTransaction(db.store.pool, testActor('dm'), undefined, (tx) =>
      revertImportBatch(tx, batch),
    ),
    (error) => isJiaError(error, 'REASON_REQUIRED'),
  );
  await assert.rejects(
    withTransaction(db.store.pool, testActor('dm'), 'undo', (tx) =>
      revertImportBatch(tx, batch, { studyId: 'other' }),
    ),
    (error) => isJiaError(error, 'NOT_FOUND') && /it is study B's/.test(error.message),
  );
  assert.deepEqual(await state('B'), before);
});
