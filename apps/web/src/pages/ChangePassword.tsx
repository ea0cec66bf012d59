import { type FormEvent, useState } from 'react';
import { api, messageOf, type SessionBody } from '../api/client';
import { Field, Problem } from '../components/forms';

/**
 * A change of password: forced after a one-time password (docs/server.md, "Accounts and
 * sessions"), or the user's own choice on the account page. The server's policy decides
 * (length, common passwords, the last passwords); its reasons are shown as they come.
 */
export function ChangePassword({
  onChanged,
  forced = true,
  minLength,
}: {
  readonly onChanged: (session: SessionBody) => void;
  readonly forced?: boolean;
  /** The shortest password the server accepts (its setting), to say so before it refuses. */
  readonly minLength?: number;
}) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeated, setRepeated] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (newPassword !== repeated) {
      setProblem('The two new passwords differ.');
      return;
    }
    setProblem(null);
    try {
      const { data, error } = await api.PUT('/api/v1/session/password', {
        body: { currentPassword, newPassword },
      });
      if (data) {
        setCurrent('');
        setNew('');
        setRepeated('');
        onChanged(data);
      } else setProblem(messageOf(error));
    } catch {
      setProblem(messageOf(undefined));
    }
  };

  return (
    <form onSubmit={submit} className="card narrow" aria-labelledby="change-title">
      {forced ? (
        <>
          <h1 id="change-title">Choose your password</h1>
          <p>Your password was set for one use. Choose your own before you go on.</p>
        </>
      ) : (
        <h2 id="change-title">Change your password</h2>
      )}
      <p>
        {minLength ? `At least ${minLength} characters. ` : ''}A phrase of several words is easy to
        remember and hard to guess. Common passwords and your last few are refused.
      </p>
      <Field
        label={forced ? 'One-time password' : 'Current password'}
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        onValue={setCurrent}
      />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        value={newPassword}
        onValue={setNew}
      />
      <Field
        label="New password again"
        type="password"
        autoComplete="new-password"
        value={repeated}
        onValue={setRepeated}
      />
      <Problem text={problem} />
      <button type="submit">Change password</button>
    </form>
  );
}
