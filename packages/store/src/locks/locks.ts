/**
 * Locks: a visit, a subject's casebook or the whole study, frozen (no change of its data; the
 * review goes on) or locked (nothing changes). docs/data-management.md, "Locking and freezing";
 * ADR 0036. The database's guard (migrations/0023_locks.sql) refuses every write a lock in force
 * covers, whichever path it takes; these services place, release and list the locks.
 *
 * A lock is an audited record (`record_lock`, keyed `<study>/<lockId>`), numbered L-1, L-2, ...
 * per study. It is never deleted: a release sets who, when and why on it, an update of the
 * record which the audit trail keeps with the reason for change (the release's reason). At most
 * one lock is in force per visit, subject or study; a lock asked for where one is in force is
 * RECORD_LOCKED, naming it.
 *
 * Placing a lock takes the study's lock advisory lock exclusively until it commits; the guard
 * takes it shared, so a lock never lands under a write that has not seen it (see the migration).
 */
import {
  DEFAULT_LOCK_KIND,
  LOCK_KIND_RULES,
  LOCK_KINDS,
  LOCK_SCOPES,
  type LockKind,
  type LockScope,
} from '@jia-trial/dictionary';
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { notFound } from '../errors.js';
import type { SiteScope } from '../records/site-scope.js';
import { nextId } from '../review/next-id.js';
import { utcText } from '../review/timestamps.js';
import type { Actor, Transaction } from '../transaction.js';

export interface LockStep {
  readonly by: Actor;
  readonly at: string;
}

export interface RecordLock {
  readonly studyId: string;
  readonly lockId: string;
  readonly scope: LockScope;
  /** The visit id, the subject id or the study id. */
  readonly key: string;
  readonly kind: LockKind;
  /** The subject of a visit's or subject's lock (null for the study's). */
  readonly subjectId: string | null;
  readonly visitId: string | null;
  /** The subject's site now (null for the study's lock). */
  readonly siteCode: string | null;
  readonly reason: string;
  readonly locked: LockStep;
  /** The signature that asked for this freeze, or null. */
  readonly signatureId: string | null;
  readonly released: (LockStep & { readonly reason: string }) | null;
  readonly inForce: boolean;
  readonly version: number;
}

export interface PlaceLockInput {
  readonly studyId: string;
  readonly scope: string;
  readonly key: string;
  /** Default: DEFAULT_LOCK_KIND ('lock'). */
  readonly kind?: string | undefined;
  readonly reason: string;
  /** The signature that asks for it (signing may lock). */
  readonly signatureId?: string | null;
}

const SELECT_LOCK = `
  SELECT l.study_id, l.lock_id, l.scope, l.lock_key, l.kind, l.subject_id, l.visit_id, s.site_code,
         l.reason, l.locked_by, l.locked_by_name, ${utcText('l.locked_at')} AS locked_at,
         l.signature_id, l.released_by, l.released_by_name,
         ${utcText('l.released_at')} AS released_at, l.release_reason, l.version
    FROM record_lock l LEFT JOIN subject s ON s.study_id = l.study_id AND s.subject_id = l.subject_id`;

interface LockRow {
  study_id: string;
  lock_id: string;
  scope: LockScope;
  lock_key: string;
  kind: LockKind;
  subject_id: string | null;
  visit_id: string | null;
  site_code: string | null;
  reason: string;
  locked_by: string;
  locked_by_name: string;
  locked_at: string;
  signature_id: string | null;
  released_by: string | null;
  released_by_name: string | null;
  released_at: string | null;
  release_reason: string | null;
  version: number;
}

function fromRow(row: LockRow): RecordLock {
  return {
    studyId: row.study_id,
    lockId: row.lock_id,
    scope: row.scope,
    key: row.lock_key,
    kind: row.kind,
    subjectId: row.subject_id,
    visitId: row.visit_id,
    siteCode: row.site_code,
    reason: row.reason,
    locked: { by: { id: row.locked_by, name: row.locked_by_name }, at: row.locked_at },
    signatureId: row.signature_id,
    released:
      row.released_at && row.released_by
        ? {
            by: { id: row.released_by, name: row.released_by_name ?? row.released_by },
            at: row.released_at,
            reason: row.release_reason ?? '',
          }
        : null,
    inForce: row.released_at === null,
    version: row.version,
  };
}

/** Takes the study's lock advisory lock exclusively, until the transaction ends. */
export async function holdStudyLocks(tx: Transaction, studyId: string): Promise<void> {
  await tx.client.query(
    "SELECT pg_advisory_xact_lock(hashtext('jia-trial record_lock'), hashtext($1))",
    [studyId],
  );
}

/** A lock's words: "frozen" or "locked". */
export function lockLabel(kind: LockKind): string {
  return LOCK_KIND_RULES[kind].label;
}

function describe(lock: RecordLock): string {
  return `${lock.scope} ${lock.key} is ${lockLabel(lock.kind)} already: ${lock.lockId} by ${lock.locked.by.name} at ${lock.locked.at}: ${lock.reason}`;
}

/** The subject and visit a lock of `scope` on `key` covers; NOT_FOUND when there is none. */
async function resolveKey(
  tx: Transaction,
  studyId: string,
  scope: LockScope,
  key: string,
): Promise<{ subjectId: string | null; visitId: string | null }> {
  if (scope === 'study') {
    const found = await tx.client.query('SELECT 1 FROM study WHERE study_id = $1', [studyId]);
    if (found.rowCount === 0 || key !== studyId)
      throw notFound(`the key of a study's lock is the study's id, ${studyId}; not ${key}`);
    return { subjectId: null, visitId: null };
  }
  if (scope === 'subject') {
    const found = await tx.client.query(
      'SELECT 1 FROM subject WHERE study_id = $1 AND subject_id = $2',
      [studyId, key],
    );
    if (found.rowCount === 0) throw notFound(`study ${studyId} has no subject ${key}`);
    return { subjectId: key, visitId: null };
  }
  const found = await tx.client.query<{ subject_id: string }>(
    'SELECT subject_id FROM visit WHERE study_id = $1 AND visit_id = $2',
    [studyId, key],
  );
  const visit = found.rows[0];
  if (!visit) throw notFound(`study ${studyId} has no visit ${key}`);
  return { subjectId: visit.subject_id, visitId: key };
}

function checkedInput(input: PlaceLockInput): { scope: LockScope; kind: LockKind; reason: string } {
  const issues: Issue[] = [];
  const scope = input.scope as LockScope;
  const kind = (input.kind ?? DEFAULT_LOCK_KIND) as LockKind;
  const reason = input.reason.trim();
  if (!LOCK_SCOPES.includes(scope))
    issues.push({ path: 'scope', message: `is not one of ${LOCK_SCOPES.join(', ')}` });
  if (!LOCK_KINDS.includes(kind))
    issues.push({ path: 'kind', message: `is not one of ${LOCK_KINDS.join(', ')}` });
  if (!input.key.trim()) issues.push({ path: 'key', message: 'is empty' });
  if (!reason) issues.push({ path: 'reason', message: 'a lock needs a reason' });
  if (issues.length > 0)
    throw new JiaError('VALIDATION_FAILED', `the lock has ${issues.length} problem(s)`, {
      issues,
    });
  return { scope, kind, reason };
}

/**
 * Places a lock in force, as the transaction's actor. NOT_FOUND for a visit or subject the study
 * does not have (or a study key that is not the study's id); RECORD_LOCKED when a lock is in
 * force on the same visit, subject or study.
 */
export async function placeLock(tx: Transaction, input: PlaceLockInput): Promise<RecordLock> {
  const { scope, kind, reason } = checkedInput(input);
  await holdStudyLocks(tx, input.studyId);
  const { subjectId, visitId } = await resolveKey(tx, input.studyId, scope, input.key);
  const existing = await tx.client.query<LockRow>(
    `${SELECT_LOCK} WHERE l.study_id = $1 AND l.scope = $2 AND l.lock_key = $3 AND l.released_at IS NULL`,
    [input.studyId, scope, input.key],
  );
  if (existing.rows[0]) {
    const lock = fromRow(existing.rows[0]);
    throw new JiaError('RECORD_LOCKED', describe(lock), { details: { lock, records: [] } });
  }
  const lockId = await nextId(tx.client, 'record_lock', input.studyId);
  await tx.client.query(
    `INSERT INTO record_lock (study_id, lock_id, scope, lock_key, kind, subject_id, visit_id, reason,
                              locked_by, locked_by_name, locked_at, signature_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, statement_timestamp(), $11)`,
    [
      input.studyId,
      lockId,
      scope,
      input.key,
      kind,
      subjectId,
      visitId,
      reason,
      tx.actor.id,
      tx.actor.name,
      input.signatureId ?? null,
    ],
  );
  return (await loadLock(tx.client, input.studyId, lockId)) as RecordLock;
}

export interface ReleaseLockInput {
  readonly studyId: string;
  readonly lockId: string;
  /** Why it is released: required, kept on the lock and as the audit event's reason. */
  readonly reason: string;
}

/**
 * Releases a lock in force, as the transaction's actor, with a reason (REASON_REQUIRED
 * without). NOT_FOUND for a lock the study does not have; INVALID_TRANSITION for one released
 * already. The transaction's reason for change should be the same reason (the audit trail
 * records the update with it).
 */
export async function releaseLock(tx: Transaction, input: ReleaseLockInput): Promise<RecordLock> {
  const reason = input.reason.trim();
  if (!reason)
    throw new JiaError('REASON_REQUIRED', `releasing lock ${input.lockId} needs a reason`);
  const lock = await loadLock(tx.client, input.studyId, input.lockId);
  if (!lock) throw notFound(`study ${input.studyId} has no lock ${input.lockId}`);
  if (!lock.inForce)
    throw new JiaError(
      'INVALID_TRANSITION',
      `lock ${input.lockId} was released already, by ${lock.released?.by.name} at ${lock.released?.at}`,
      { details: { lock } },
    );
  await tx.client.query(
    `UPDATE record_lock SET released_by = $3, released_by_name = $4,
            released_at = statement_timestamp(), release_reason = $5
      WHERE study_id = $1 AND lock_id = $2 AND released_at IS NULL`,
    [input.studyId, input.lockId, tx.actor.id, tx.actor.name, reason],
  );
  return (await loadLock(tx.client, input.studyId, input.lockId)) as RecordLock;
}

export async function loadLock(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  lockId: string,
): Promise<RecordLock | null> {
  const found = await db.query<LockRow>(`${SELECT_LOCK} WHERE l.study_id = $1 AND l.lock_id = $2`, [
    studyId,
    lockId,
  ]);
  return found.rows[0] ? fromRow(found.rows[0]) : null;
}

export interface ListLocksFilter {
  readonly scope?: LockScope | undefined;
  /**
   * The locks over one subject's records: its own, its visits' and the study's (each lock the
   * subject's records are under, whatever its scope).
   */
  readonly subjectId?: string | undefined;
  /** true: only those in force; false: only released ones; absent: both. */
  readonly inForce?: boolean | undefined;
  /**
   * The caller's sites: a visit's or subject's lock shows only when its subject is at one of
   * them; the study's lock always. Absent: all.
   */
  readonly sites?: SiteScope | undefined;
}

/** The study's locks, newest first, filtered. NOT_FOUND for a study that does not exist. */
export async function listLocks(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
  filter: ListLocksFilter = {},
): Promise<RecordLock[]> {
  const study = await db.query('SELECT 1 FROM study WHERE study_id = $1', [studyId]);
  if (study.rowCount === 0) throw notFound(`there is no study ${studyId}`);
  const sites = filter.sites === undefined || filter.sites === 'all' ? null : [...filter.sites];
  const found = await db.query<LockRow>(
    `${SELECT_LOCK}
      WHERE l.study_id = $1
        AND ($2::text IS NULL OR l.scope = $2)
        AND ($3::text IS NULL OR l.scope = 'study' OR l.subject_id = $3)
        AND ($4::boolean IS NULL OR (l.released_at IS NULL) = $4)
        AND ($5::text[] IS NULL OR l.scope = 'study' OR s.site_code = ANY ($5))
      ORDER BY l.locked_at DESC, l.row_id DESC`,
    [studyId, filter.scope ?? null, filter.subjectId ?? null, filter.inForce ?? null, sites],
  );
  return found.rows.map(fromRow);
}
