/**
 * `jia-trial sdv progress|list|verify` and `jia-trial transfer` through the command line, on a
 * real PostgreSQL (issue 18; docs/data-management.md): the progress and what is left, a field, a
 * record's field again (already verified), a visit and a casebook marked verified by the named
 * actor (audited with the reason), a transfer with its reason moving the subject (and its
 * verifications) to the other site, and each refusal with its code and exit code (usage 2, data
 * 1), nothing changed. That a change clears a verification is the store's (sdv.test.ts).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');

async function ok(...argv: string[]) {
  const run = await runCli(...argv);
  assert.equal(run.code, 0, `${argv.join(' ')}: ${run.stderr}${run.stdout}`);
  return run;
}

async function json(...argv: string[]) {
  return JSON.parse((await ok(...argv, '--json')).stdout);
}

/** A refusal: its exit code and error code (--json prints the error on stdout). */
async function refused(code: number, errorCode: string, ...argv: string[]) {
  const run = await runCli(...argv, '--json');
  assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}${run.stdout}`);
  const error = JSON.parse(run.stdout).error;
  assert.equal(error.code, errorCode, run.stdout);
  return error as { code: string; message: string };
}

type Progress = {
  total: { items: number; verified: number };
  bySubject: Array<{ subjectId: string; site: string; items: number; verified: number }>;
};
const subjectCounts = (p: Progress, id: string) => p.bySubject.find((s) => s.subjectId === id);

describe('jia-trial sdv and transfer', () => {
  const db = useTestDatabase();

  before(async () => {
    // The pilot with P04 at a second site (WKZ), so that a subject has a site to move to.
    const bundle = join(scratchDir(), 'two-sites');
    cpSync(EXAMPLE, bundle, { recursive: true });
    const subjects = join(bundle, 'subjects.csv');
    writeFileSync(subjects, readFileSync(subjects, 'utf8').replace(/^P04,UMCU,/m, 'P04,WKZ,'));
    await ok('import', bundle, '--study', 'pilot', '--actor', 'nurse-a');
  });

  test('progress: nothing verified yet, by site and subject; list: what is left', async () => {
    const progress: Progress = await json('sdv', 'progress', '--study', 'pilot');
    assert.ok(progress.total.items > 0);
    assert.equal(progress.total.verified, 0);
    assert.equal(subjectCounts(progress, 'P04')?.site, 'WKZ');
    const text = (await ok('sdv', 'progress', '--study', 'pilot', '--subject', 'P01')).stdout;
    assert.match(text, /^0 of \d+ values verified \(0 %\)/);
    assert.match(text, /^P01-V1 \(2019-03-04\)\s+\d+\s+0\s+0 %$/m, text);

    const left = await json(
      'sdv',
      'list',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--visit',
      'P01-V1',
    );
    assert.ok(left.length > 0);
    assert.ok(
      left.every(
        (i: { visitId: string; state: string }) => i.visitId === 'P01-V1' && i.state === 'pending',
      ),
    );
    assert.ok(!JSON.stringify(left).includes('watched'), 'the watched columns stay inside');
    const lines = (
      await ok('sdv', 'list', '--study', 'pilot', '--subject', 'P01', '--visit', 'P01-V1')
    ).stdout;
    assert.match(
      lines,
      /^P01 \(UMCU\) {2}P01-V1 {2}visit pilot\/P01-V1 {2}esr = 40\b.* {2}not verified$/m,
      lines,
    );
  });

  test('verify: a field, a record, a visit, the casebook; as the actor, in the trail', async () => {
    const field = await json(
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--table',
      'visit',
      '--key',
      'P01-V1',
      '--field',
      'esr',
      '--actor',
      'mon-mia',
    );
    assert.deepEqual(
      field.verified.map((v: { field: string; value: string }) => [v.field, v.value]),
      [['esr', '40 mm/h']],
    );
    assert.equal(field.target.scope, 'field');
    const again = await json(
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--table',
      'visit',
      '--key',
      'pilot/P01-V1',
      '--field',
      'esr',
    );
    assert.deepEqual([again.verified.length, again.alreadyVerified], [0, 1]);

    const visitRun = await ok(
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--visit',
      'P01-V1',
      '--actor',
      'mon-mia',
    );
    assert.match(
      visitRun.stdout,
      /^verified \d+ value\(s\) of subject P01 \(visit P01-V1\); 1 verified already$/m,
    );
    const list = await json(
      'sdv',
      'list',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--visit',
      'P01-V1',
      '--state',
      'all',
    );
    assert.ok(list.every((i: { state: string }) => i.state === 'verified'));
    assert.equal(
      list.find((i: { fieldKey: string }) => i.fieldKey === 'esr').verification.verifiedBy.name,
      'mon-mia',
    );
    assert.match(
      (await runCli('sdv', 'list', '--study', 'pilot', '--subject', 'P01', '--visit', 'P01-V1'))
        .stderr,
      /nothing left to verify/,
    );

    const casebook = await json(
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P02',
      '--actor',
      'mon-mia',
    );
    assert.equal(casebook.target.scope, 'casebook');
    const progress: Progress = await json('sdv', 'progress', '--study', 'pilot');
    const p02 = subjectCounts(progress, 'P02');
    assert.equal(p02?.verified, p02?.items);
    assert.equal(casebook.verified.length, p02?.items);

    // The verifications are in the audit trail, by the actor, with the reason.
    const audited = await db().store.pool.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit_event WHERE study_id = 'pilot'
          AND table_name = 'sdv_verification' AND actor = 'mon-mia' AND reason = 'source data verified'`,
    );
    assert.equal(
      Number(audited.rows[0]?.n),
      field.verified.length +
        Number(/^verified (\d+)/.exec(visitRun.stdout)?.[1]) +
        casebook.verified.length,
    );
  });

  test('refusals name what is wrong and change nothing', async () => {
    const before = await json('sdv', 'progress', '--study', 'pilot');
    await refused(
      2,
      'USAGE_ERROR',
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P03',
      '--visit',
      'P03-V0',
      '--table',
      'visit',
      '--key',
      'P03-V0',
    );
    await refused(
      2,
      'USAGE_ERROR',
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P03',
      '--table',
      'visit',
    );
    await refused(
      2,
      'USAGE_ERROR',
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P03',
      '--field',
      'esr',
    );
    const notThere = await refused(
      1,
      'NOT_FOUND',
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P99',
    );
    assert.match(notThere.message, /no subject P99/);
    const noVisit = await refused(
      1,
      'NOT_FOUND',
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P03',
      '--visit',
      'P01-V1',
    );
    assert.match(noVisit.message, /P01-V1 is not a visit of subject P03/);
    const noField = await refused(
      1,
      'VALIDATION_FAILED',
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P03',
      '--table',
      'visit',
      '--key',
      'P03-V0',
      '--field',
      'colour',
    );
    assert.match(noField.message, /colour is not a field of visit/);
    await refused(
      1,
      'VERSION_CONFLICT',
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P03',
      '--table',
      'visit',
      '--key',
      'P03-V0',
      '--if-version',
      '7',
    );
    const badTable = await runCli(
      'sdv',
      'verify',
      '--study',
      'pilot',
      '--subject',
      'P03',
      '--table',
      'visits',
      '--key',
      'P03-V0',
    );
    assert.equal(badTable.code, 2);
    assert.match(badTable.stderr, /--table <table>' argument 'visits' is invalid/);
    assert.deepEqual(await json('sdv', 'progress', '--study', 'pilot'), before);
  });

  test('transfer: the subject and its records move to the other site, with the reason', async () => {
    const before: Progress = await json('sdv', 'progress', '--study', 'pilot', '--site', 'WKZ');
    assert.deepEqual(
      before.bySubject.map((s) => s.subjectId),
      ['P04'],
    );
    const run = await ok(
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--to-site',
      'WKZ',
      '--reason',
      'family moved to Utrecht',
      '--actor',
      'dm-dora',
    );
    assert.match(
      run.stdout,
      /^subject P01 moved from site UMCU to WKZ \(transfer 1\) by dm-dora at \S+: family moved to Utrecht$/m,
    );
    const after: Progress = await json('sdv', 'progress', '--study', 'pilot', '--site', 'WKZ');
    assert.deepEqual(
      after.bySubject.map((s) => s.subjectId),
      ['P01', 'P04'],
    );
    // Its verifications went with it.
    assert.ok((subjectCounts(after, 'P01')?.verified ?? 0) > 0);
    const trail = JSON.stringify(
      await json('audit', 'show', '--study', 'pilot', '--table', 'subject', '--key', 'pilot/P01'),
    );
    assert.match(trail, /family moved to Utrecht/);
    assert.match(trail, /dm-dora/);

    const back = await json(
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--to-site',
      'UMCU',
      '--reason',
      'back home',
      '--if-version',
      '2',
    );
    assert.deepEqual(
      [back.transferNo, back.fromSite, back.toSite, back.version],
      [2, 'WKZ', 'UMCU', 3],
    );
  });

  test('transfer refusals: exit codes and the reason why', async () => {
    await refused(
      1,
      'VALIDATION_FAILED',
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--to-site',
      'UMCU',
      '--reason',
      'x',
    );
    const nowhere = await refused(
      1,
      'NOT_FOUND',
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--to-site',
      'MARS',
      '--reason',
      'x',
    );
    assert.match(nowhere.message, /MARS is not a site of study pilot/);
    await refused(
      1,
      'NOT_FOUND',
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P99',
      '--to-site',
      'WKZ',
      '--reason',
      'x',
    );
    await refused(
      1,
      'VERSION_CONFLICT',
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--to-site',
      'WKZ',
      '--reason',
      'x',
      '--if-version',
      '1',
    );
    await refused(
      1,
      'REASON_REQUIRED',
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--to-site',
      'WKZ',
      '--reason',
      '  ',
    );
    const noReason = await runCli(
      'transfer',
      '--study',
      'pilot',
      '--subject',
      'P01',
      '--to-site',
      'WKZ',
    );
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /required option '--reason <text>' not specified/);
    const progress: Progress = await json('sdv', 'progress', '--study', 'pilot', '--site', 'WKZ');
    assert.deepEqual(
      progress.bySubject.map((s) => s.subjectId),
      ['P04'],
      'nothing moved',
    );
  });
});
