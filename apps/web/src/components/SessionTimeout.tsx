/**
 * The warning before the idle sign-out (docs/web.md, "Sessions"): the server ends a session
 * unused for its idle time (docs/server.md) and says on every answer when that will be
 * (X-Session-Idle-Ends-At, read by api/client.ts). This many seconds before it
 * (`settings.signOutWarningSeconds`, a server setting) a modal dialog counts down, with "Stay
 * signed in" (which marks the session used: POST /session/renewal) and "Sign out". At the end
 * the page signs out by itself; what was typed stays in the tab (drafts.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { api, onIdleEnd, type SessionBody } from '../api/client';
import './access.css';

export function SessionTimeout({
  session,
  onEnded,
  onSignOut,
}: {
  readonly session: SessionBody;
  /** The session ended unused: the page shows the sign-in again. */
  readonly onEnded: () => void;
  readonly onSignOut: () => void;
}) {
  const warningMs = session.settings.signOutWarningSeconds * 1000;
  const [idleEndsAt, setIdleEndsAt] = useState(() => Date.parse(session.idleEndsAt));
  const [now, setNow] = useState(() => Date.now());
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => onIdleEnd(setIdleEndsAt), []);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  const left = idleEndsAt - now;
  const ended = left <= 0;
  const warning = !ended && left <= warningMs;
  useEffect(() => {
    if (ended) onEnded();
  }, [ended, onEnded]);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (warning && !element.open) element.showModal();
    if (!warning && element.open) element.close();
  }, [warning]);

  const stay = async () => {
    const { data } = await api.POST('/api/v1/session/renewal');
    if (data) setIdleEndsAt(Date.parse(data.idleEndsAt));
    else onEnded();
  };

  const minutes = Math.round(session.settings.idleTimeoutSeconds / 60);
  return (
    <dialog
      ref={dialog}
      className="session-warning"
      aria-labelledby="session-warning-title"
      aria-describedby="session-warning-text"
      // Escape would close the dialog without renewing: it stays until a choice is made.
      onCancel={(event) => event.preventDefault()}
    >
      <h2 id="session-warning-title">You will be signed out soon</h2>
      <p id="session-warning-text">
        Nothing was sent to the server for a while: after {minutes} minute(s) without activity the
        session ends, in <strong>{Math.max(0, Math.ceil(left / 1000))} seconds</strong>. What you
        typed stays in this tab.
      </p>
      <p className="actions">
        <button type="button" onClick={stay}>
          Stay signed in
        </button>{' '}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </p>
    </dialog>
  );
}
