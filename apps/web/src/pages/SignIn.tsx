import { type FormEvent, useState } from 'react';
import { api, messageOf, type SessionBody } from '../api/client';
import { Field, Problem } from '../components/forms';

export function SignIn({ onSignedIn }: { readonly onSignedIn: (session: SessionBody) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const { data, error } = await api.POST('/api/v1/session', { body: { username, password } });
      if (data) onSignedIn(data);
      else setProblem(messageOf(error));
    } catch {
      setProblem(messageOf(undefined));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="narrow">
      <h1>jia-trial</h1>
      <form onSubmit={submit} className="card" aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          value={username}
          onValue={setUsername}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
        />
        <Problem text={problem} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
