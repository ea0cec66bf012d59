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
  MAX_MIN_PASSWORD_LENGTH,
  MAX_PASSWORD_HISTORY,
  NIST_MIN_PASSWORD_LENGTH,
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

/**
 * Each variable: what it sets, its range and its default, stated once (the check and its message
 * are made from them; docs/server.md lists them). The sign-out warning's range depends on
 * the idle time, so it is checked against it (accessSettingsFromEnv).
 */
const SETTINGS = {
  JIA_PASSWORD_MIN_LENGTH: {
    what: 'the shortest password accepted (characters)',
    min: NIST_MIN_PASSWORD_LENGTH,
    max: MAX_MIN_PASSWORD_LENGTH,
    fallback: DEFAULT_PASSWORD_POLICY.minLength,
  },
  JIA_PASSWORD_HISTORY: {
    what: 'how many of an account’s latest passwords a new one may not repeat',
    min: 0,
    max: MAX_PASSWORD_HISTORY,
    fallback: DEFAULT_PASSWORD_POLICY.historyCount,
  },
  JIA_LOCKOUT_AFTER_FAILURES: {
    what: 'failed sign-ins in a row that lock the account',
    min: 1,
    max: 100,
    fallback: DEFAULT_SESSION_POLICY.lockAfterFailures,
  },
  JIA_LOCKOUT_MINUTES: {
    what: 'how long a locked account stays locked (minutes)',
    min: 1,
    max: 1440,
    fallback: DEFAULT_SESSION_POLICY.lockMinutes,
  },
  JIA_SESSION_IDLE_MINUTES: {
    what: 'a session unused this long ends (minutes)',
    min: 1,
    max: 720,
    fallback: DEFAULT_SESSION_POLICY.idleMinutes,
  },
  JIA_SIGN_OUT_WARNING_SECONDS: {
    what: 'the browser warns this long before the idle sign-out (seconds; less than the idle time)',
    min: 5,
    max: null,
    fallback: DEFAULT_SIGN_OUT_WARNING_SECONDS,
  },
} as const;

type Variable = keyof typeof SETTINGS;

/** The variable's whole number, within its range (`max` given where it depends on another). */
function wholeNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: Variable,
  limits: { readonly fallback?: number; readonly max?: number } = {},
): number {
  const setting = SETTINGS[name];
  const min = setting.min;
  const max = limits.max ?? setting.max ?? Number.MAX_SAFE_INTEGER;
  const text = env[name];
  if (text === undefined || text.trim() === '') return limits.fallback ?? setting.fallback;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > max)
    throw new JiaError(
      'USAGE_ERROR',
      `${name}=${JSON.stringify(text)}: ${setting.what}; a whole number from ${min} to ${max} is needed`,
    );
  return value;
}

/** The settings the environment gives (defaults for what it leaves unset). */
export function accessSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): AccessSettings {
  const password = checkPasswordPolicy({
    minLength: wholeNumber(env, 'JIA_PASSWORD_MIN_LENGTH'),
    historyCount: wholeNumber(env, 'JIA_PASSWORD_HISTORY'),
  });
  const idleMinutes = wholeNumber(env, 'JIA_SESSION_IDLE_MINUTES');
  const session: SessionPolicy = {
    ...DEFAULT_SESSION_POLICY,
    idleMinutes,
    lockAfterFailures: wholeNumber(env, 'JIA_LOCKOUT_AFTER_FAILURES'),
    lockMinutes: wholeNumber(env, 'JIA_LOCKOUT_MINUTES'),
  };
  const signOutWarningSeconds = wholeNumber(env, 'JIA_SIGN_OUT_WARNING_SECONDS', {
    fallback: Math.min(DEFAULT_SIGN_OUT_WARNING_SECONDS, idleMinutes * 60 - 10),
    max: idleMinutes * 60 - 1,
  });
  return { password, session, signOutWarningSeconds };
}
