/**
 * The locks in force over a subject (its own, its visits', the study's) or over the whole study,
 * read from the server (GET /locks), and their state for one record by the same rule the
 * database enforces (@jia-trial/dictionary lockStateOf). The pages disable what a lock covers;
 * the server refuses it anyway (423 RECORD_LOCKED).
 */
import { type LockState, type LockTarget, lockStateOf } from '@jia-trial/dictionary';
import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../../api/client';
import type { components } from '../../api/schema.generated';

export type Lock = components['schemas']['Lock'];

export interface Locks {
  /** null while loading. */
  readonly locks: readonly Lock[] | null;
  readonly problem: string | null;
  readonly reload: () => void;
}

/** The study's locks (in force only, unless `all`), or those over one subject. */
export function useLocks(
  studyId: string,
  options: { readonly subjectId?: string; readonly all?: boolean } = {},
): Locks {
  const [locks, setLocks] = useState<readonly Lock[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const { subjectId, all } = options;
  useEffect(() => {
    void reads;
    let live = true;
    void api
      .GET('/api/v1/studies/{studyId}/locks', {
        params: {
          path: { studyId },
          query: {
            ...(subjectId ? { subjectId } : {}),
            ...(all ? {} : { inForce: 'true' as const }),
          },
        },
      })
      .then(({ data, error }) => {
        if (!live) return;
        setLocks(data?.locks ?? []);
        setProblem(data ? null : messageOf(error));
      });
    return () => {
      live = false;
    };
  }, [studyId, subjectId, all, reads]);
  const reload = useCallback(() => setReads((n) => n + 1), []);
  return { locks, problem, reload };
}

/** The lock state of a record at `target` (no lock while the locks are loading). */
export function lockStateFor(locks: readonly Lock[] | null, target: LockTarget): LockState<Lock> {
  return lockStateOf(locks ?? [], target);
}

export interface RecordLocks extends Locks {
  /** The state of the page's record (no lock while loading: see `loaded`). */
  readonly state: LockState<Lock>;
  /** The locks are read: until then nothing is offered for writing. */
  readonly loaded: boolean;
  /** The lock in force on exactly this visit (or, without a visit, this casebook), or null. */
  readonly own: Lock | null;
}

/** The locks over a subject and the state of one of its records (a visit, or its own). */
export function useRecordLocks(studyId: string, target: LockTarget): RecordLocks {
  const locks = useLocks(studyId, { subjectId: target.subjectId });
  const visitId = target.visitId ?? null;
  const own =
    locks.locks?.find((l) =>
      visitId === null
        ? l.scope === 'subject' && l.key === target.subjectId
        : l.scope === 'visit' && l.key === visitId,
    ) ?? null;
  return {
    ...locks,
    state: lockStateFor(locks.locks, target),
    loaded: locks.locks !== null,
    own: own?.inForce ? own : null,
  };
}
