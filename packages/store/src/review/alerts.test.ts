import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { type Alert, alert } from '@jia-trial/protocol';
import { openTestDatabase, seedStudy, type TestDatabase, testActor } from '../test-support.js';
import { type Transaction, withTransaction } from '../transaction.js';
import { acknowledgeAlert, alertAcknowledgements, withAcknowledgements } from './alerts.js';

let db: TestDatabase;
before(async () => {
  db = await openTestDatabase();
  await seedStudy(db.store.pool, 'S', ['P1', 'P2']);
});
after(() => db.close());

function as<T>(name: string, work: (tx: Transaction) => Promise<T>, reason?: string) {
  return withTransaction(db.store, testActor(name), reason, work);
}

/** An SAE_REPORT_DUE as the engine raises it on `asOf` (overdue from 2020-05-12). */
function saeDue(aeId: string, asOf: string): Alert {
  const overdue = asOf > '2020-05-11';
  return alert(
    'SAE_REPORT_DUE',
    'urgent',
    `serious AE ${aeId} (Pneumonia), known since 2020-05-10: report within 24 h, by 2020-05-11${overdue ? ' - OVERDUE' : ''}`,
    { aeId, term: 'Pneumonia', awarenessDate: '2020-05-10', dueBy: '2020-05-11', overdue },
    { source: 'protocol section 10.3' },
  );
}

test('an acknowledgement is stored with who, when and the comment, and found again on a later day', async () => {
  const stored = await as('monitor.mo', (tx) =>
    acknowledgeAlert(tx, {
      studyId: 'S',
      subjectId: 'P1',
      alert: saeDue('AE1', '2020-05-10'),
      comment: ' PI informed; report being written. ',
      basedOnVersion: null,
    }),
  );
  assert.deepEqual(
    { ...stored, acknowledged: { ...stored.acknowledged, at: typeof stored.acknowledged.at } },
    {
      studyId: 'S',
      alertId: 'P1/SAE_REPORT_DUE/ae/AE1',
      subjectId: 'P1',
      code: 'SAE_REPORT_DUE',
      occasion: 'ae/AE1',
      raisedOn: '2020-05-10',
      comment: 'PI informed; report being written.',
      acknowledged: { by: { id: 'test:monitor.mo', name: 'monitor.mo' }, at: 'string' },
      details: {
        message: saeDue('AE1', '2020-05-10').message,
        severity: 'urgent',
        data: saeDue('AE1', '2020-05-10').data,
        source: 'protocol section 10.3',
      },
      version: 1,
    },
  );
  assert.deepEqual(await alertAcknowledgements(db.store.pool, 'S', 'P1'), [stored]);
  assert.deepEqual(await alertAcknowledgements(db.store.pool, 'S'), [stored]);
  assert.deepEqual(await alertAcknowledgements(db.store.pool, 'S', 'P2'), []);

  // Two days later the engine says it is overdue: the same alert, still acknowledged; another
  // AE's alert is not.
  const later = [saeDue('AE1', '2020-05-12'), saeDue('AE2', '2020-05-12')];
  const merged = withAcknowledgements('P1', later, await alertAcknowledgements(db.store.pool, 'S'));
  assert.deepEqual(
    merged.map((a) => [a.alertId, a.data.overdue, a.acknowledgement?.version ?? null]),
    [
      ['P1/SAE_REPORT_DUE/ae/AE1', true, 1],
      ['P1/SAE_REPORT_DUE/ae/AE2', true, null],
    ],
  );
  assert.equal(
    withAcknowledgements('P2', later, [stored]).some((a) => a.acknowledgement),
    false,
    "another subject's alert about an AE of the same id",
  );
});

test('acknowledging again: a first acknowledgement of an acknowledged alert is a conflict; a new comment names the version', async () => {
  const input = { studyId: 'S', subjectId: 'P1', alert: saeDue('AE1', '2020-05-13') };
  await assert.rejects(
    as('monitor.other', (tx) =>
      acknowledgeAlert(tx, { ...input, comment: 'Seen.', basedOnVersion: null }),
    ),
    (error) => isJiaError(error, 'VERSION_CONFLICT') && error.details?.currentVersion === 1,
  );
  await assert.rejects(
    as('monitor.mo', (tx) =>
      acknowledgeAlert(tx, { ...input, comment: 'Report sent.', basedOnVersion: 1 }),
    ),
    (error) => isJiaError(error, 'REASON_REQUIRED'),
    'a new comment changes the acknowledgement',
  );
  const updated = await as(
    'monitor.mo',
    (tx) => acknowledgeAlert(tx, { ...input, comment: 'Report sent.', basedOnVersion: 1 }),
    'report sent',
  );
  assert.deepEqual([updated.version, updated.comment], [2, 'Report sent.']);
  assert.equal(updated.details.message, input.alert.message, 'what the engine said then');
  await assert.rejects(
    as(
      'monitor.other',
      (tx) => acknowledgeAlert(tx, { ...input, comment: 'Stale.', basedOnVersion: 1 }),
      'x',
    ),
    (error) => isJiaError(error, 'VERSION_CONFLICT') && error.details?.currentVersion === 2,
  );
  await assert.rejects(
    as(
      'monitor.mo',
      (tx) =>
        acknowledgeAlert(tx, {
          ...input,
          alert: saeDue('AE9', '2020-05-13'),
          comment: 'Nothing to replace.',
          basedOnVersion: 1,
        }),
      'x',
    ),
    (error) => isJiaError(error, 'VERSION_CONFLICT') && error.details?.currentVersion === null,
  );
});

test('refused: an unknown subject, an empty comment', async () => {
  const input = { studyId: 'S', alert: saeDue('AE1', '2020-05-10'), basedOnVersion: null };
  await assert.rejects(
    as('monitor.mo', (tx) => acknowledgeAlert(tx, { ...input, subjectId: 'P9', comment: 'x' })),
    (error) => isJiaError(error, 'NOT_FOUND'),
  );
  await assert.rejects(
    as('monitor.mo', (tx) => acknowledgeAlert(tx, { ...input, subjectId: 'P2', comment: ' ' })),
    (error) => isJiaError(error, 'VALIDATION_FAILED'),
  );
  assert.deepEqual(await alertAcknowledgements(db.store.pool, 'S', 'P2'), []);
});
