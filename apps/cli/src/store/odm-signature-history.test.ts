/**
 * The ODM files and the e-signatures and values of the audit trail (docs/interop.md): the
 * Transactional file carries every signature where it was given (a visit's on its event, a
 * casebook's on the subject), the Snapshot the latest of each visit and casebook, both through
 * the same SignatureDefs, and both validate; a stored value is written the same in both (a
 * decimal entered as 1.50 is 1.50, not 1.5 in the history).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, type TestContext, test } from 'node:test';
import { schemaDirOf, skipWithout, standardFiles } from '@jia-trial/interop';
import { validateOdmFile } from '@jia-trial/interop/exchange-validators';
import { type Actor, signRecord, withTransaction } from '@jia-trial/store';
import { changeAs } from '@jia-trial/store/test-support';
import { runCli, scratchDir, useTestDatabase } from '../test-support.js';

const EXAMPLE = join(import.meta.dirname, '../../../../examples/msc-pilot');
const odm = standardFiles('odm-1.3.2');
const database = useTestDatabase();
const STUDY = 'sig';

async function ok(...argv: string[]) {
  const run = await runCli(...argv);
  assert.equal(run.code, 0, run.stderr);
  return run;
}

async function exported(transactional: boolean): Promise<{ path: string; xml: string }> {
  const path = join(scratchDir(), transactional ? 'history.xml' : 'snapshot.xml');
  await ok(
    'export',
    '--format',
    'odm',
    '--study',
    STUDY,
    '--out',
    path,
    ...(transactional ? ['--transactional'] : []),
  );
  return { path, xml: readFileSync(path, 'utf8') };
}

async function validates(t: TestContext, path: string): Promise<void> {
  const why = skipWithout(odm);
  if (why !== false) {
    t.diagnostic(`schema validation NOT done: ${why}`);
    return;
  }
  assert.deepEqual((await validateOdmFile(path, schemaDirOf(odm))).errors, []);
}

/** Every Signature element with what it says, in document order. */
function signaturesIn(xml: string) {
  return [...xml.matchAll(/<Signature>\s*([\s\S]*?)<\/Signature>/g)].map((m) => ({
    user: /UserOID="([^"]*)"/.exec(m[1] as string)?.[1],
    meaning: /SignatureOID="([^"]*)"/.exec(m[1] as string)?.[1],
    at: /<DateTimeStamp>([^<]*)</.exec(m[1] as string)?.[1],
    index: m.index,
  }));
}

describe('ODM: signature history and values as stored', () => {
  let anna: Actor;
  before(async () => {
    await ok('import', EXAMPLE, '--study', STUDY);
    const { store } = database();
    anna = await changeAs(store.pool, 'admin', undefined, async (client) => {
      const user = await client.query<{ id: string }>(
        "INSERT INTO app_user (username, display_name, disabled) VALUES ('anna', 'Dr Anna', false) RETURNING row_id::text AS id",
      );
      return { id: `user:${user.rows[0]?.id}`, name: 'anna' };
    });
    const sign = (visitId: string | null, meaning: string) =>
      withTransaction(store, anna, 'signing', (tx) =>
        signRecord(tx, { studyId: STUDY, subjectId: 'P01', visitId, meaning }),
      );
    await sign('P01-V1', 'reviewed');
    // A change after the first signature, entered with two decimals.
    await changeAs(store.pool, 'nurse', 'corrected', (client) =>
      client.query(
        "UPDATE visit SET chaq_di = '1.50'::numeric WHERE study_id = $1 AND visit_id = 'P01-V1'",
        [STUDY],
      ),
    );
    await sign('P01-V1', 'approved');
    await sign(null, 'responsible');
  });

  test('the Transactional file gives every signature where it was given, after what it signed, and validates', async (t) => {
    const { path, xml } = await exported(true);
    await validates(t, path);
    const signatures = signaturesIn(xml);
    assert.deepEqual(
      signatures.map((s) => s.meaning),
      ['SD.REVIEWED', 'SD.APPROVED', 'SD.RESPONSIBLE'],
    );
    for (const s of signatures) assert.equal(s.user, 'USR.user:anna');
    // In the trail's order: the correction lies between the first and the second signature.
    const correction = xml.indexOf('<ReasonForChange>corrected</ReasonForChange>');
    assert.ok(correction > 0, 'the correction is in the history');
    assert.ok((signatures[0]?.index ?? 0) < correction);
    assert.ok(correction < (signatures[1]?.index ?? 0));
    // A visit's signature is on its event, a casebook's on the subject, both in Context.
    const visitSignature = xml.slice(xml.lastIndexOf('<SubjectData', signatures[0]?.index));
    assert.match(
      visitSignature,
      /^<SubjectData SubjectKey="P01" TransactionType="Context">\s*<StudyEventData StudyEventOID="[^"]+"[^>]*TransactionType="Context">\s*<Signature>/,
    );
    const casebook = xml.slice(xml.lastIndexOf('<SubjectData', signatures[2]?.index));
    assert.match(
      casebook,
      /^<SubjectData SubjectKey="P01" TransactionType="Context">\s*<Signature>/,
    );
    // Each SignatureRef resolves to a SignatureDef of AdminData.
    for (const s of signatures) assert.match(xml, new RegExp(`<SignatureDef OID="${s.meaning}"`));
  });

  test('the Snapshot gives the latest signature of the visit and of the casebook, the same way', async (t) => {
    const { path, xml } = await exported(false);
    await validates(t, path);
    assert.deepEqual(
      signaturesIn(xml).map((s) => s.meaning),
      ['SD.RESPONSIBLE', 'SD.APPROVED'],
    );
    const history = signaturesIn((await exported(true)).xml);
    // The same signature, written the same way in both files.
    assert.deepEqual(
      signaturesIn(xml).map(({ index: _, ...s }) => s),
      [history[2], history[1]].map((s) => {
        const { index: _, ...rest } = s as NonNullable<typeof s>;
        return rest;
      }),
    );
  });

  test('a decimal entered as 1.50 is 1.50 in the Snapshot and in the history', async () => {
    const value = /ItemOID="IT\.VISIT\.CHAQ_DI" Value="([^"]*)"/;
    const snapshot = (await exported(false)).xml;
    const p01v1 = snapshot.slice(snapshot.indexOf('Value="P01-V1"'));
    assert.equal(value.exec(p01v1)?.[1], '1.50');
    const history = (await exported(true)).xml;
    const update = history.slice(history.indexOf('<ReasonForChange>corrected</ReasonForChange>'));
    assert.equal(value.exec(update)?.[1], '1.50');
  });
});
