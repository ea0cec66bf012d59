import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LockFacts, lockStateOf } from './locks.js';

const lock = (over: Partial<LockFacts> & Pick<LockFacts, 'lockId' | 'scope'>): LockFacts => ({
  kind: 'lock',
  subjectId: null,
  visitId: null,
  inForce: true,
  ...over,
});

const visitFreeze = lock({
  lockId: 'L-1',
  scope: 'visit',
  kind: 'freeze',
  subjectId: 'P1',
  visitId: 'V1',
});
const subjectLock = lock({ lockId: 'L-2', scope: 'subject', subjectId: 'P2' });
const studyFreeze = lock({ lockId: 'L-3', scope: 'study', kind: 'freeze' });

test('no lock: editable, review allowed', () => {
  const state = lockStateOf([], { subjectId: 'P1', visitId: 'V1' });
  assert.deepEqual(state, {
    locked: false,
    kind: null,
    dataEditable: true,
    reviewAllowed: true,
    lock: null,
    locks: [],
  });
});

test("a visit's freeze covers that visit only, not its neighbour nor the subject's own records", () => {
  const on = lockStateOf([visitFreeze], { subjectId: 'P1', visitId: 'V1' });
  assert.equal(on.locked, true);
  assert.equal(on.kind, 'freeze');
  assert.equal(on.dataEditable, false);
  assert.equal(on.reviewAllowed, true);
  assert.equal(lockStateOf([visitFreeze], { subjectId: 'P1', visitId: 'V2' }).locked, false);
  assert.equal(lockStateOf([visitFreeze], { subjectId: 'P1' }).locked, false);
});

test("a subject's lock covers its visits and its records, not another subject; it stops the review", () => {
  const visit = lockStateOf([subjectLock], { subjectId: 'P2', visitId: 'W1' });
  assert.equal(visit.kind, 'lock');
  assert.equal(visit.reviewAllowed, false);
  assert.equal(lockStateOf([subjectLock], { subjectId: 'P2' }).locked, true);
  assert.equal(lockStateOf([subjectLock], { subjectId: 'P1', visitId: 'V1' }).locked, false);
});

test('the strongest lock is named (lock over freeze), then the widest; a released lock counts for nothing', () => {
  const both = lockStateOf([visitFreeze, studyFreeze], { subjectId: 'P1', visitId: 'V1' });
  assert.equal(both.lock?.lockId, 'L-3');
  assert.deepEqual(
    both.locks.map((l) => l.lockId),
    ['L-3', 'L-1'],
  );
  const stronger = lockStateOf([studyFreeze, subjectLock], { subjectId: 'P2', visitId: 'W1' });
  assert.equal(stronger.lock?.lockId, 'L-2');
  assert.equal(stronger.reviewAllowed, false);
  const released = lockStateOf([{ ...subjectLock, inForce: false }], { subjectId: 'P2' });
  assert.equal(released.locked, false);
});
