import { type FormEvent, useState } from 'react';
import { api, messageOf, type SessionBody } from '../api/client';
import { Field, Problem } from '../components/forms';

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
      <Field
        label="One-time password"
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
