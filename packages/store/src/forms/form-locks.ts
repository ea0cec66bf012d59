/**
 * Whether a form is locked: the one place the form statuses learn it (docs/data-management.md,
 * "Form status").
 *
 * MERGE POINT: locking and freezing are built on the branch `locks` (a lock of a visit, a
 * subject's casebook or the study). Until it is merged no record can be locked, so every form
 * reads as unlocked here. At merge, make loadFormLocks read the study's locks in the same
 * snapshot and answer isLocked(subjectId, visitId) true when a lock covers the visit (visitId),
 * the subject's casebook, or the study; nothing else needs to change (formStatus already puts
 * "locked" above every other status, form-status.test.ts pins it).
 */
import type pg from 'pg';

export interface FormLocks {
  /** Whether the forms of a visit (visitId) or the subject's own forms (null) are locked. */
  isLocked(subjectId: string, visitId: string | null): boolean;
}

export async function loadFormLocks(
  _db: Pick<pg.ClientBase, 'query'>,
  _studyId: string,
): Promise<FormLocks> {
  return { isLocked: () => false };
}
