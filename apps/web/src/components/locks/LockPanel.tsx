/**
 * Locks on a page (docs/data-management.md, "Locking and freezing"): a banner naming the lock
 * that covers what the page shows (who locked it, when, why), and, for a data manager
 * (`lock.manage`), the form to lock or freeze it with a reason, or to release the lock in force
 * on it with a reason.
 */
import {
  LOCK_KIND_RULES,
  type LockKind,
  type LockScope,
  type LockState,
} from '@jia-trial/dictionary';
import { type FormEvent, useId, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import type { Lock } from './use-locks';

const SCOPE_WORDS: Readonly<Record<LockScope, string>> = {
  visit: 'Visit',
  subject: 'The casebook of subject',
  study: 'Study',
};

/** "Visit D01-W8 is frozen (L-3) by Dora, 2026-12-03 16:04 UTC: interim analysis." */
export function lockSentence(lock: Lock): string {
  const when = `${lock.locked.at.slice(0, 10)} ${lock.locked.at.slice(11, 16)} UTC`;
  return `${SCOPE_WORDS[lock.scope]} ${lock.key} is ${LOCK_KIND_RULES[lock.kind].label} (${lock.lockId}) by ${lock.locked.by.name}, ${when}: ${lock.reason}.`;
}

/** What is locked, said once at the top of the page; nothing when no lock covers it. */
export function LockBanner({ state }: { readonly state: LockState<Lock> }) {
  if (!state.lock) return null;
  return (
    <div className="lock-banner" role="note" aria-label="Locked">
      <p>
        <strong>{state.kind === 'lock' ? 'Locked' : 'Frozen'}.</strong> {lockSentence(state.lock)}
      </p>
      <p>
        {state.reviewAllowed
          ? 'Its data cannot be changed; queries and signatures can still be made.'
          : 'Nothing can be changed: no data, no query, no signature.'}
      </p>
    </div>
  );
}

/**
 * Lock or freeze `scope` `lockKey` with a reason; or release `inForce`, the lock in force on
 * exactly that, with a reason. Only shown to a user holding lock.manage (the caller decides).
 */
export function LockControls({
  studyId,
  scope,
  lockKey,
  inForce,
  onChanged,
}: {
  readonly studyId: string;
  readonly scope: LockScope;
  readonly lockKey: string;
  readonly inForce: Lock | null;
  readonly onChanged: () => void;
}) {
  const [kind, setKind] = useState<LockKind>('lock');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const reasonId = useId();
  const kindId = useId();
  const what = `${scope === 'subject' ? 'casebook' : scope} ${lockKey}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const { error } = inForce
      ? await api.DELETE('/api/v1/studies/{studyId}/locks/{lockId}', {
          params: { path: { studyId, lockId: inForce.lockId } },
          body: { reason },
        })
      : await api.POST('/api/v1/studies/{studyId}/locks', {
          params: { path: { studyId } },
          body: { scope, key: lockKey, kind, reason },
        });
    setBusy(false);
    if (error) {
      setProblem(`${inForce ? 'Not unlocked' : 'Not locked'}: ${messageOf(error)}.`);
      return;
    }
    setReason('');
    onChanged();
  };

  return (
    <form className="lock-controls" onSubmit={submit} aria-label={`Lock ${what}`}>
      {inForce ? null : (
        <>
          <label htmlFor={kindId}>Lock {what} as</label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as LockKind)}>
            <option value="lock">locked: nothing changes</option>
            <option value="freeze">frozen: no data changes; queries and signatures go on</option>
          </select>
        </>
      )}
      <label htmlFor={reasonId}>
        {inForce ? `Reason to unlock ${what}` : 'Reason (kept on the lock and in the audit trail)'}
      </label>
      <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" disabled={busy || reason.trim() === ''}>
        {inForce ? `Unlock ${what}` : `Lock ${what}`}
      </button>
      <Problem text={problem} />
    </form>
  );
}

/** The study's locks, newest first, in force and released (the study page). */
export function LockList({ locks }: { readonly locks: readonly Lock[] }) {
  if (locks.length === 0) return <p>No locks.</p>;
  return (
    <div className="scroll">
      <table>
        <caption className="visually-hidden">Locks of the study</caption>
        <thead>
          <tr>
            <th scope="col">Lock</th>
            <th scope="col">What</th>
            <th scope="col">Kind</th>
            <th scope="col">Locked by, when, why</th>
            <th scope="col">Released</th>
          </tr>
        </thead>
        <tbody>
          {locks.map((lock) => (
            <tr key={lock.lockId}>
              <th scope="row">{lock.lockId}</th>
              <td>
                {lock.scope} {lock.key}
              </td>
              <td>{LOCK_KIND_RULES[lock.kind].label}</td>
              <td>
                {lock.locked.by.name}, {lock.locked.at.slice(0, 16).replace('T', ' ')} UTC:{' '}
                {lock.reason}
              </td>
              <td>
                {lock.released
                  ? `${lock.released.by.name}, ${lock.released.at.slice(0, 16).replace('T', ' ')} UTC: ${lock.released.reason}`
                  : 'in force'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
