/**
 * Whether a form is locked: the one place the form statuses learn it (docs/data-management.md,
 * "Form status"). A form is locked when a lock or freeze in force covers its visit, the
 * subject's casebook or the study (docs/data-management.md, "Locking and freezing"; ADR 0036),
 * decided by the same `lockStateOf` the browser uses; formStatus puts "locked" above every other
 * status.
 */
import { lockStateOf } from '@jia-trial/dictionary';
import type pg from 'pg';
import { listLocks } from '../locks/locks.js';

export interface FormLocks {
  /** Whether the forms of a visit (visitId) or the subject's own forms (null) are locked. */
  isLocked(subjectId: string, visitId: string | null): boolean;
}

/** The study's locks in force, read in the caller's snapshot (the grid's own). */
export async function loadFormLocks(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
): Promise<FormLocks> {
  const locks = await listLocks(db, studyId, { inForce: true });
  return { isLocked: (subjectId, visitId) => lockStateOf(locks, { subjectId, visitId }).locked };
}
