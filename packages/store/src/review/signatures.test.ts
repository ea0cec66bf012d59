import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { verifyAudit } from '../audit/verify-audit.js';
import { translateDatabaseError } from '../errors.js';
import { changeAs, openTestDatabase, seedStudy, type TestDatabase } from '../test-support.js';
import { type Actor, type Transaction, withSnapshot, withTransaction } from '../transaction.js';
import { saveVisit } from '../visits.js';
import { type SignatureStatus, signaturesOf, signRecord } from './signatures.js';

let db: TestDatabase;
/** Actors of the accounts made in `before`: `user:<account id>`, as the server names them. */
const accounts: Record<string, Actor> = {};
let anna: Actor;
const nurse = { actor: { id: 'test:nurse', name: 'nurse' } };

function as<T>(actor: Actor, work: (tx: Transaction) => Promise<T>) {
  return withTransaction(db.store, actor, 'signing', work);
}
const status = (studyId: string, subjectId: string) =>
  withSnapshot(db.store, (client) => signaturesOf(client, studyId, subjectId));
const byId = (all: readonly SignatureStatus[], id: string) =>
  all.find((s) => s.signatureId === id) as SignatureStatus;

before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P2']);
  await changeAs(db.store.pool, 'admin', undefined, async (client) => {
    const users = await client.query<{ username: string; id: string }>(
      `INSERT INTO app_user (username, display_name, disabled) VALUES
         ('anna', 'Dr Anna Investigator', false), ('olaf', 'Olaf Former', true), ('nn', NULL, false)
       RETURNING username, row_id::text AS id`,
    );
    for (const user of users.rows)
      accounts[user.username] = { id: `user:${user.id}`, name: user.username };
    await client.query(
      `INSERT INTO medication (study_id, subject_id, drug, drug_class, start_date)
       VALUES ('S', 'P1', 'methotrexate', 'csdmard', '2018-01-01')`,
    );
  });
  anna = accounts.anna as Actor;
  for (const [visitId, subjectId] of [
    ['V1', 'P1'],
    ['V2', 'P1'],
    ['W1', 'P2'],
  ] as const)
    await saveVisit(
      db.store.pool,
      'S',
      { visitId, subjectId, visitDate: '2020-01-01', esr: 20 },
      null,
      nurse,
    );
  await changeAs(db.store.pool, 'nurse', undefined, async (client) => {
    await client.query(
      `INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited)
       VALUES ('S', 'V1', 'knee_l', true, false, false), ('S', 'V2', 'knee_r', true, false, false)`,
    );
    await client.query(
      "INSERT INTO chaq_response (study_id, visit_id, item, score, aid_or_help) VALUES ('S', 'V1', 'dressing_1', 1, false)",
    );
  });
});
after(() => db.close());

describe('signing a visit', () => {
  test('records the printed name, the time, the meaning and every record of the visit with its version', async () => {
    const signature = await as(anna, (tx) =>
      signRecord(tx, { studyId: 'S', subjectId: 'P1', visitId: 'V1', meaning: 'approved' }),
    );
    assert.deepEqual(
      { ...signature, signer: { ...signature.signer, userId: typeof signature.signer.userId } },
      {
        studyId: 'S',
        signatureId: 'SIG-1',
        subjectId: 'P1',
        visitId: 'V1',
        meaning: 'approved',
        meaningLabel: 'Approved as accurate and complete',
        signer: { userId: 'string', username: 'anna', name: 'Dr Anna Investigator' },
        signedAt: signature.signedAt,
        records: [
          { table: 'visit', key: 'S/V1', rowId: signature.records[0]?.rowId, version: 1 },
          {
            table: 'joint_finding',
            key: 'S/V1/knee_l',
            rowId: signature.records[1]?.rowId,
            version: 1,
          },
          {
            table: 'chaq_response',
            key: 'S/V1/dressing_1',
            rowId: signature.records[2]?.rowId,
            version: 1,
          },
        ],
      },
    );
    assert.match(signature.signedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const [stored] = await status('S', 'P1');
    assert.deepEqual(stored, { ...signature, broken: false, changes: [] });
  });

  test("is broken by a change of the visit, listing it; another visit's change leaves it whole", async () => {
    await saveVisit(
      db.store.pool,
      'S',
      { visitId: 'V2', subjectId: 'P1', visitDate: '2020-01-01', esr: 30 },
      1,
      { ...nurse, reason: 'typo' },
    );
    assert.equal(byId(await status('S', 'P1'), 'SIG-1').broken, false);
    await saveVisit(
      db.store.pool,
      'S',
      { visitId: 'V1', subjectId: 'P1', visitDate: '2020-01-01', esr: 25 },
      1,
      { ...nurse, reason: 'transcription error' },
    );
    const signature = byId(await status('S', 'P1'), 'SIG-1');
    assert.equal(signature.broken, true);
    assert.deepEqual(signature.changes, [
      { table: 'visit', key: 'S/V1', change: 'changed', signedVersion: 1, currentVersion: 2 },
    ]);
  });

  test('a joint finding added to a signed visit, or one removed, breaks it too', async () => {
    await as(anna, (tx) =>
      signRecord(tx, { studyId: 'S', subjectId: 'P1', visitId: 'V1', meaning: 'reviewed' }),
    );
    await changeAs(db.store.pool, 'nurse', 'forgotten joint', async (client) => {
      await client.query(
        "INSERT INTO joint_finding (study_id, visit_id, joint_code, swollen, tender, limited) VALUES ('S', 'V1', 'knee_r', false, true, false)",
      );
      await client.query("DELETE FROM chaq_response WHERE study_id = 'S' AND visit_id = 'V1'");
    });
    const signature = byId(await status('S', 'P1'), 'SIG-2');
    assert.deepEqual(
      signature.changes.map((c) => [c.table, c.key, c.change, c.signedVersion, c.currentVersion]),
      [
        ['chaq_response', 'S/V1/dressing_1', 'removed', 1, null],
        ['joint_finding', 'S/V1/knee_r', 'added', null, 1],
      ],
    );
  });
});

describe('signing a casebook', () => {
  test('covers every record of the subject, and a new adverse event breaks it', async () => {
    const signature = await as(anna, (tx) =>
      signRecord(tx, { studyId: 'S', subjectId: 'P1', visitId: null, meaning: 'approved' }),
    );
    assert.deepEqual(
      signature.records.map((r) => `${r.table} ${r.key} v${r.version}`),
      [
        'subject S/P1 v1',
        'visit S/V1 v2',
        'visit S/V2 v2',
        'joint_finding S/V1/knee_l v1',
        'joint_finding S/V1/knee_r v1',
        'joint_finding S/V2/knee_r v1',
        'medication S/P1/methotrexate/2018-01-01 v1',
      ],
    );
    assert.equal(byId(await status('S', 'P1'), signature.signatureId).broken, false);
    // Another subject's new record is not this casebook's.
    await saveVisit(
      db.store.pool,
      'S',
      { visitId: 'W2', subjectId: 'P2', visitDate: '2020-02-01' },
      null,
      nurse,
    );
    assert.equal(byId(await status('S', 'P1'), signature.signatureId).broken, false);
    await changeAs(db.store.pool, 'nurse', undefined, (client) =>
      client.query(
        `INSERT INTO adverse_event (study_id, ae_id, subject_id, term, onset_date, grade, serious,
                                    related, outcome, awareness_date)
         VALUES ('S', 'AE1', 'P1', 'Pneumonia', '2020-03-01', 3, true, 'unlikely', 'recovering', '2020-03-01')`,
      ),
    );
    const broken = byId(await status('S', 'P1'), signature.signatureId);
    assert.equal(broken.broken, true);
    assert.deepEqual(broken.changes, [
      {
        table: 'adverse_event',
        key: 'S/AE1',
        change: 'added',
        signedVersion: null,
        currentVersion: 1,
      },
    ]);
  });
});

describe('refusals', () => {
  const sign = (actor: Actor, input: Partial<Parameters<typeof signRecord>[1]> = {}) =>
    as(actor, (tx) =>
      signRecord(tx, {
        studyId: 'S',
        subjectId: 'P2',
        visitId: null,
        meaning: 'approved',
        ...input,
      }),
    );
  test('only an enabled account signs: not the command line, not a disabled or unknown account', async () => {
    for (const actor of [
      { id: 'os:root', name: 'root' },
      accounts.olaf as Actor,
      { id: 'user:999999', name: 'Nobody' },
      { id: 'user:anna', name: 'anna' }, // a username is not an account id
    ])
      await assert.rejects(
        sign(actor),
        (error) => isJiaError(error, 'SIGNATURE_REFUSED'),
        actor.id,
      );
    const unnamed = await sign({ id: accounts.nn?.id as string, name: 'N. N. (as signed in)' });
    assert.equal(unnamed.signer.name, 'N. N. (as signed in)', 'no display name: the actor name');
  });
  test('an unknown meaning, subject or visit, or a visit of another subject', async () => {
    await assert.rejects(sign(anna, { meaning: 'ok' }), (error) =>
      isJiaError(error, 'VALIDATION_FAILED'),
    );
    for (const input of [{ subjectId: 'P9' }, { visitId: 'V1' }, { visitId: 'V9' }])
      await assert.rejects(sign(anna, input), (error) => isJiaError(error, 'NOT_FOUND'));
  });
});

test('signatures are never changed or deleted, even by the owner, and are in the audit trail', async () => {
  for (const sql of ["UPDATE signature SET meaning = 'reviewed'", 'DELETE FROM signature'])
    await assert.rejects(
      db.store.ownerPool().query(sql),
      (error) => isJiaError(translateDatabaseError(error), 'AUDIT_APPEND_ONLY'),
      sql,
    );
  const events = await db.store.pool.query(
    `SELECT record_key, actor_id, site_code, new_values->>'signer_name' AS name
       FROM audit_event WHERE table_name = 'signature' ORDER BY event_id LIMIT 1`,
  );
  assert.deepEqual(events.rows, [
    { record_key: 'S/SIG-1', actor_id: anna.id, site_code: 'A', name: 'Dr Anna Investigator' },
  ]);
  assert.deepEqual((await verifyAudit(db.store.pool)).problems, []);
});
