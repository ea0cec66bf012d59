/**
 * Enrolling an authenticator app (docs/web.md, "Account"): the password again, then the new
 * secret shown once (as text to type into the app and as an otpauth:// link a phone opens),
 * then the app's first code to confirm it. Forced when a role held requires a second factor.
 */
import { type FormEvent, useState } from 'react';
import { api, messageOf, type SessionBody } from '../api/client';
import { Field, Problem } from './forms';
import './access.css';

export function EnrolSecondFactor({
  onEnrolled,
  forced = false,
}: {
  readonly onEnrolled: (session: SessionBody) => void;
  readonly forced?: boolean;
}) {
  const [password, setPassword] = useState('');
  const [secret, setSecret] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const { data, error } = await api.POST('/api/v1/session/second-factor', {
      body: { password },
    });
    if (data) setSecret(data);
    else setProblem(messageOf(error));
  };
  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const { data, error } = await api.PUT('/api/v1/session/second-factor', { body: { code } });
    if (data) onEnrolled(data);
    else setProblem(messageOf(error));
  };

  const Heading = forced ? 'h1' : 'h2';
  return (
    <section className="card narrow" aria-labelledby="enrol-title">
      <Heading id="enrol-title">Second factor: an authenticator app</Heading>
      {forced && (
        <p>
          A role you hold in a study requires a second factor. Set one up before you go on: you will
          enter a code from the app each time you sign in.
        </p>
      )}
      {secret === null ? (
        <form onSubmit={start}>
          <Field
            label="Your password (to set up the app)"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
          />
          <Problem text={problem} />
          <button type="submit">Show a new key</button>
        </form>
      ) : (
        <form onSubmit={confirm}>
          <p>
            In the authenticator app (any app for time-based codes), add an account with this key,
            or open <a href={secret.otpauthUri}>this link</a> on the phone. It is shown only now.
          </p>
          <label className="secret">
            Key (type it into the app)
            <input readOnly value={secret.secret.replace(/(.{4})/g, '$1 ').trim()} />
          </label>
          <Field
            label="The code the app shows now"
            autoComplete="one-time-code"
            inputMode="numeric"
            value={code}
            onValue={setCode}
          />
          <Problem text={problem} />
          <button type="submit">Confirm the app</button>
        </form>
      )}
    </section>
  );
}
