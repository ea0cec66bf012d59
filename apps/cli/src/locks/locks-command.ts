/**
 * `jia-trial lock`, `unlock` and `locks` (docs/data-management.md, "Locking and freezing"): a
 * data manager's locks from the command line, through the store's services (placeLock,
 * releaseLock, listLocks), as the operating-system account (`os:<login>`, named by --actor) like
 * every other command that changes data. The command line is the operator's door: it checks no
 * role, as import does not.
 */
import type { LockScope } from '@jia-trial/dictionary';
import {
  listLocks,
  placeLock,
  type RecordLock,
  releaseLock,
  withSnapshot,
  withTransaction,
} from '@jia-trial/store';
import { chosenStudy } from '../store/exchange-commands.js';
import { cliActor, type StoreIo, withStore } from '../store/store-commands.js';

/** One lock in one line: id, what, kind, who, when, why, and its release. */
export function lockLine(lock: RecordLock): string {
  const head = `${lock.lockId}  ${lock.scope} ${lock.key}  ${lock.kind}  by ${lock.locked.by.name} at ${lock.locked.at}: ${lock.reason}`;
  return lock.released
    ? `${head}  (released by ${lock.released.by.name} at ${lock.released.at}: ${lock.released.reason})`
    : `${head}  (in force)`;
}

function print(io: StoreIo, json: boolean, value: RecordLock | RecordLock[]): void {
  if (json) io.out(`${JSON.stringify(value, null, 2)}\n`);
  else io.out(`${(Array.isArray(value) ? value : [value]).map(lockLine).join('\n')}\n`);
}

export interface LockOptions {
  readonly study?: string | undefined;
  readonly scope: string;
  readonly key: string;
  readonly kind?: string | undefined;
  readonly reason: string;
  readonly actor?: string | undefined;
  readonly json: boolean;
}

export async function runLock(io: StoreIo, options: LockOptions): Promise<void> {
  const lock = await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    return withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
      placeLock(tx, {
        studyId,
        scope: options.scope,
        key: options.key,
        kind: options.kind,
        reason: options.reason,
      }),
    );
  });
  print(io, options.json, lock);
}

export interface UnlockOptions {
  readonly study?: string | undefined;
  readonly lockId: string;
  readonly reason: string;
  readonly actor?: string | undefined;
  readonly json: boolean;
}

export async function runUnlock(io: StoreIo, options: UnlockOptions): Promise<void> {
  const lock = await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    return withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
      releaseLock(tx, { studyId, lockId: options.lockId, reason: options.reason }),
    );
  });
  print(io, options.json, lock);
}

export interface LocksOptions {
  readonly study?: string | undefined;
  readonly scope?: LockScope | undefined;
  readonly subject?: string | undefined;
  readonly inForce: boolean;
  readonly json: boolean;
}

export async function runLocks(io: StoreIo, options: LocksOptions): Promise<void> {
  const locks = await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    return withSnapshot(store, (client) =>
      listLocks(client, studyId, {
        scope: options.scope,
        subjectId: options.subject,
        inForce: options.inForce ? true : undefined,
      }),
    );
  });
  if (options.json) io.out(`${JSON.stringify(locks, null, 2)}\n`);
  else if (locks.length === 0) io.note('no locks');
  else print(io, false, locks);
}
