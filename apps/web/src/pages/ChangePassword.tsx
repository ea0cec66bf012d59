import { type FormEvent, useState } from 'react';
import { api, messageOf, type SessionBody } from '../api/client';

/** The forced change of a one-time password (docs/server.md, "Accounts and sessions"). */
export function ChangePassword({
  onChanged,
}: {
  readonly onChanged: (session: SessionBody) => void;
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
      if (data) onChanged(data);
      else setProblem(messageOf(error));
    } catch {
      setProblem(messageOf(undefined));
    }
  };

  return (
    <form onSubmit={submit} className="card narrow" aria-labelledby="change-title">
      <h1 id="change-title">Choose your password</h1>
      <p>Your password was set for one use. Choose your own before you go on.</p>
      <label>
        One-time password
        <input
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <label>
        New password
        <input
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          required
        />
      </label>
      <label>
        New password again
        <input
          type="password"
          autoComplete="new-password"
          value={repeated}
          onChange={(e) => setRepeated(e.target.value)}
          required
        />
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <button type="submit">Change password</button>
    </form>
  );
}
