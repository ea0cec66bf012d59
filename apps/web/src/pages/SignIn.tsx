import { type FormEvent, useState } from 'react';
import { type ApiError, api, messageOf, type SessionBody } from '../api/client';
import { Field, Problem } from '../components/forms';

/**
 * Sign-in: username and password, then, for an account with a second factor, the code of its
 * authenticator app (the server answers ONE_TIME_CODE_REQUIRED once the password is right).
 * `notice` says why the user is here again (signed out after a time without activity).
 */
export function SignIn({
  onSignedIn,
  notice = null,
}: {
  readonly onSignedIn: (session: SessionBody) => void;
  readonly notice?: string | null;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const { data, error } = await api.POST('/api/v1/session', {
        body: { username, password, ...(askCode ? { oneTimeCode: code } : {}) },
      });
      if (data) onSignedIn(data);
      else if ((error as ApiError | undefined)?.error.code === 'ONE_TIME_CODE_REQUIRED')
        setAskCode(true);
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
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
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
        {askCode && (
          <>
            <p>Your account uses a second factor: enter the code your authenticator app shows.</p>
            <Field
              label="Code from your authenticator app"
              name="one-time-code"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9 ]{6,7}"
              value={code}
              onValue={setCode}
              autoFocus
            />
          </>
        )}
        <Problem text={problem} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
