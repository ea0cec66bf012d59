/**
 * Locking and freezing, as data (docs/data-management.md, "Locking and freezing"; ADR 0036).
 *
 * A lock covers a visit (its visit record, joint findings, CHAQ answers and JADI items), a
 * subject's casebook (every record of the subject) or the whole study. Its kind says how much it
 * stops: a freeze stops changes of the data but lets the review go on (queries, signatures,
 * alert acknowledgements); a (database) lock stops everything. The database enforces it
 * (migrations/0023_locks.sql); this module is the same rule for the browser (which fields to
 * disable) and for the form status of the completion grid, with no I/O.
 */

export const LOCK_SCOPES = ['visit', 'subject', 'study'] as const;
export type LockScope = (typeof LOCK_SCOPES)[number];

export const LOCK_KINDS = ['freeze', 'lock'] as const;
export type LockKind = (typeof LOCK_KINDS)[number];

/** What each kind of lock still allows, defined once (the database's guard says the same). */
export const LOCK_KIND_RULES: Readonly<
  Record<
    LockKind,
    { readonly label: string; readonly dataChanges: false; readonly review: boolean }
  >
> = {
  freeze: { label: 'frozen', dataChanges: false, review: true },
  lock: { label: 'locked', dataChanges: false, review: false },
};

/** The kind a lock has when none is asked for: the contract names none (ADR 0036). */
export const DEFAULT_LOCK_KIND: LockKind = 'lock';

/** How each scope's key is written (the API's names: a visit id, a subject id, the study id). */
export const LOCK_KEY_OF_SCOPE: Readonly<Record<LockScope, string>> = {
  visit: 'the visit id (as in /visits/{visitId})',
  subject: 'the subject id (subject code)',
  study: 'the study id',
};

/** What lockStateOf needs to know of a lock (the store's RecordLock has it all). */
export interface LockFacts {
  readonly lockId: string;
  readonly scope: LockScope;
  readonly kind: LockKind;
  /** The subject of a visit's or a subject's lock; null for the study's. */
  readonly subjectId: string | null;
  /** The visit of a visit's lock; null otherwise. */
  readonly visitId: string | null;
  /** False once released. */
  readonly inForce: boolean;
}

/** A record's place: its subject, and its visit (null or absent: a subject-level record). */
export interface LockTarget {
  readonly subjectId: string;
  readonly visitId?: string | null;
}

export interface LockState<L extends LockFacts = LockFacts> {
  /** Some lock in force covers the record (frozen or locked). */
  readonly locked: boolean;
  /** The strongest kind in force over it: lock over freeze; null when none. */
  readonly kind: LockKind | null;
  /** Its data may change (no lock of any kind covers it). */
  readonly dataEditable: boolean;
  /** Queries, signatures and acknowledgements may still be made (no database lock covers it). */
  readonly reviewAllowed: boolean;
  /** The lock to name: the strongest, then the widest (study, subject, visit). */
  readonly lock: L | null;
  /** Every lock in force that covers it, in that order. */
  readonly locks: readonly L[];
}

const SCOPE_ORDER: Readonly<Record<LockScope, number>> = { study: 0, subject: 1, visit: 2 };

/** Whether `lock` (in force or not) covers a record at `target`. */
export function lockCovers(lock: LockFacts, target: LockTarget): boolean {
  if (lock.scope === 'study') return true;
  if (lock.scope === 'subject') return lock.subjectId === target.subjectId;
  return target.visitId != null && lock.visitId === target.visitId;
}

/**
 * The lock state of a record of `target` under `locks` (those of its study; released ones are
 * ignored). A visit's form is "locked" in the completion grid when `locked` is true.
 */
export function lockStateOf<L extends LockFacts>(
  locks: readonly L[],
  target: LockTarget,
): LockState<L> {
  const covering = locks
    .filter((lock) => lock.inForce && lockCovers(lock, target))
    .sort(
      (a, b) =>
        (a.kind === b.kind ? 0 : a.kind === 'lock' ? -1 : 1) ||
        SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope],
    );
  const first = covering[0] ?? null;
  return {
    locked: first !== null,
    kind: first?.kind ?? null,
    dataEditable: first === null,
    reviewAllowed: first === null || LOCK_KIND_RULES[first.kind].review,
    lock: first,
    locks: covering,
  };
}
