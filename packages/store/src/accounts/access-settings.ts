/**
 * The installation's access settings, named and read once (docs/server.md, "Access settings";
 * ADR 0044): the password policy, the lockout after failed sign-ins, the idle sign-out and the
 * warning before it. Each is an environment variable, so that the server and every command
 * (`jia-trial user add --password-stdin` checks the same policy) read the same value; an
 * unset variable takes the default, a bad one is a USAGE_ERROR naming it.
 */
import { JiaError } from '@jia-trial/errors';
import {
  checkPasswordPolicy,
  DEFAULT_PASSWORD_POLICY,
  type PasswordPolicy,
} from './password-policy.js';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './sessions.js';

export interface AccessSettings {
  readonly password: PasswordPolicy;
  readonly session: SessionPolicy;
  /** The browser warns this long before the idle sign-out, with "Stay signed in". */
  readonly signOutWarningSeconds: number;
}

export const DEFAULT_SIGN_OUT_WARNING_SECONDS = 120;

export const DEFAULT_ACCESS_SETTINGS: AccessSettings = {
  password: DEFAULT_PASSWORD_POLICY,
  session: DEFAULT_SESSION_POLICY,
  signOutWarningSeconds: DEFAULT_SIGN_OUT_WARNING_SECONDS,
};

/** The variables, with the setting each sets (docs/server.md lists them). */
export const ACCESS_SETTING_VARIABLES = {
  JIA_PASSWORD_MIN_LENGTH: 'the shortest password accepted (characters; 8 to 64; default 15)',
  JIA_PASSWORD_HISTORY:
    'how many of an account’s latest passwords a new one may not repeat (0 to 24; default 4)',
  JIA_LOCKOUT_AFTER_FAILURES:
    'failed sign-ins in a row that lock the account (1 to 100; default 10)',
  JIA_LOCKOUT_MINUTES: 'how long a locked account stays locked (1 to 1440; default 30)',
  JIA_SESSION_IDLE_MINUTES: 'a session unused this long ends (1 to 720; default 30)',
  JIA_SIGN_OUT_WARNING_SECONDS:
    'the browser warns this long before the idle sign-out (5 to less than the idle time; default 120)',
} as const;

type Variable = keyof typeof ACCESS_SETTING_VARIABLES;

function wholeNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: Variable,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > max)
    throw new JiaError(
      'USAGE_ERROR',
      `${name}=${JSON.stringify(text)}: ${ACCESS_SETTING_VARIABLES[name]}; a whole number from ${min} to ${max} is needed`,
    );
  return value;
}

/** The settings the environment gives (defaults for what it leaves unset). */
export function accessSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AccessSettings {
  const password = checkPasswordPolicy({
    minLength: wholeNumber(
      env,
      'JIA_PASSWORD_MIN_LENGTH',
      DEFAULT_PASSWORD_POLICY.minLength,
      8,
      64,
    ),
    historyCount: wholeNumber(
      env,
      'JIA_PASSWORD_HISTORY',
      DEFAULT_PASSWORD_POLICY.historyCount,
      0,
      24,
    ),
  });
  const idleMinutes = wholeNumber(
    env,
    'JIA_SESSION_IDLE_MINUTES',
    DEFAULT_SESSION_POLICY.idleMinutes,
    1,
    720,
  );
  const session: SessionPolicy = {
    ...DEFAULT_SESSION_POLICY,
    idleMinutes,
    lockAfterFailures: wholeNumber(
      env,
      'JIA_LOCKOUT_AFTER_FAILURES',
      DEFAULT_SESSION_POLICY.lockAfterFailures,
      1,
      100,
    ),
    lockMinutes: wholeNumber(
      env,
      'JIA_LOCKOUT_MINUTES',
      DEFAULT_SESSION_POLICY.lockMinutes,
      1,
      1440,
    ),
  };
  const signOutWarningSeconds = wholeNumber(
    env,
    'JIA_SIGN_OUT_WARNING_SECONDS',
    Math.min(DEFAULT_SIGN_OUT_WARNING_SECONDS, idleMinutes * 60 - 10),
    5,
    idleMinutes * 60 - 1,
  );
  return { password, session, signOutWarningSeconds };
}
