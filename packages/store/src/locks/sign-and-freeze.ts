/**
 * Signing may lock (issue 18): a signature of a visit or of a casebook may ask that what it signs
 * be frozen, so that the signed data stay as they were signed until a data manager releases the
 * freeze. The signature and its freeze are made in one transaction, under the study's lock
 * advisory lock (taken first, so that two signers of one study queue instead of deadlocking).
 */
import { type Signature, type SignRecordInput, signRecord } from '../review/signatures.js';
import type { Transaction } from '../transaction.js';
import { holdStudyLocks, listLocks, placeLock, type RecordLock } from './locks.js';

export interface SignedAndFrozen {
  readonly signature: Signature;
  /**
   * The freeze over what was signed: the new one, or the freeze already in force on the same
   * visit or casebook (a database lock there refuses the signature itself).
   */
  readonly lock: RecordLock;
}

export async function signAndFreeze(
  tx: Transaction,
  input: SignRecordInput,
): Promise<SignedAndFrozen> {
  await holdStudyLocks(tx, input.studyId);
  const signature = await signRecord(tx, input);
  const scope = input.visitId === null ? 'subject' : 'visit';
  const key = input.visitId ?? input.subjectId;
  const existing = (
    await listLocks(tx.client, input.studyId, { scope, subjectId: input.subjectId, inForce: true })
  ).find((lock) => lock.key === key);
  const lock =
    existing ??
    (await placeLock(tx, {
      studyId: input.studyId,
      scope,
      key,
      kind: 'freeze',
      reason: `frozen on signing: ${signature.signatureId} (${signature.meaningLabel}) by ${signature.signer.name}`,
      signatureId: signature.signatureId,
    }));
  return { signature, lock };
}
