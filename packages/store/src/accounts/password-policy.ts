/**
 * What a new password must be (docs/security.md, "Passwords"; ADR 0044). Applied when a
 * password is chosen (a new account with a chosen password, the user's own change, a reset with
 * a given password), never to a one-time password, which jia-trial draws at random.
 *
 * - Length: at least `minLength` characters (Unicode code points), at most 256. NIST SP 800-63B
 *   (2017) §5.1.1.2 requires at least 8; SP 800-63B-4 (2025) §3.1.1.2 requires 15 for a
 *   password used as the only factor and 8 with a second factor. The default is 15, since a
 *   second factor is optional here; the setting cannot go below 8.
 * - Not a common password: SP 800-63B §5.1.1.2 (and -4 §3.1.1.2) says a verifier SHALL compare
 *   a new password against a list of commonly used, expected or compromised values, including
 *   "context-specific words, such as the name of the service, the username, and derivatives
 *   thereof". The list is shipped in the repository (packages/store/data/common-passwords.txt,
 *   its source and licence at its head): nothing is fetched when it is used.
 * - Not one of the account's last `historyCount` passwords (the current one included): PCI DSS
 *   v4.0.1 Requirement 8.3.7 asks for four. Only their argon2id hashes are kept
 *   (`password_history`), checked with the same KDF as sign-in.
 * - No composition rules (mixtures of character kinds): SP 800-63B-4 §3.1.1.2 says SHALL NOT.
 */
import { readFileSync } from 'node:fs';
import { type Issue, JiaError } from '@jia-trial/errors';

export interface PasswordPolicy {
  /** The shortest password accepted, in characters (at least NIST_MIN_PASSWORD_LENGTH). */
  readonly minLength: number;
  /** How many of the account's latest passwords a new one may not repeat (0: none). */
  readonly historyCount: number;
}

/** NIST SP 800-63B §5.1.1.2: a verifier SHALL require at least 8 characters. */
export const NIST_MIN_PASSWORD_LENGTH = 8;
/** SP 800-63B-4 §3.1.1.2: at least 15 for a password that is the only factor. */
export const SINGLE_FACTOR_MIN_PASSWORD_LENGTH = 15;
/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
export const MAX_PASSWORD_LENGTH = 256;
/** The highest minimum length a policy may set (JIA_PASSWORD_MIN_LENGTH). */
export const MAX_MIN_PASSWORD_LENGTH = 64;
/** PCI DSS v4.0.1 Requirement 8.3.7: not the same as any of the last four. */
export const DEFAULT_PASSWORD_HISTORY = 4;
/** The most passwords the history setting may ask to remember (each costs one argon2 check). */
export const MAX_PASSWORD_HISTORY = 24;

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: SINGLE_FACTOR_MIN_PASSWORD_LENGTH,
  historyCount: DEFAULT_PASSWORD_HISTORY,
};

const COMMON_PASSWORDS_FILE = new URL('../../data/common-passwords.txt', import.meta.url);
let commonPasswords: Set<string> | null = null;

/** Whether `password` is on the shipped list (which is lower-cased: so is the comparison). */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonPasswords.has(password.toLowerCase());
}

/** The words of this service a password may not be built on (SP 800-63B: context-specific words). */
const SERVICE_WORDS = ['jia-trial', 'jiatrial'];

/** Why `password` is refused by the policy (empty: accepted), as issues at `path`. */
export function passwordProblems(
  password: string,
  policy: PasswordPolicy,
  context: { readonly username?: string | undefined } = {},
  path = 'password',
): Issue[] {
  const length = [...password].length;
  if (length < policy.minLength || length > MAX_PASSWORD_LENGTH)
    return [
      {
        path,
        message: `has ${length} characters; ${policy.minLength} to ${MAX_PASSWORD_LENGTH} are needed`,
      },
    ];
  const lower = password.toLowerCase();
  const problems: Issue[] = [];
  if (isCommonPassword(password))
    problems.push({ path, message: 'is on the list of common passwords: choose another' });
  // Built on the username or the service's name: what is left without them (every time they
  // occur) is shorter than NIST's 8 characters.
  const username = context.username?.toLowerCase();
  const words = [...SERVICE_WORDS, ...(username && username.length >= 3 ? [username] : [])];
  for (const word of words)
    if (lower.includes(word) && [...lower.replaceAll(word, '')].length < NIST_MIN_PASSWORD_LENGTH)
      problems.push({ path, message: `is built on "${word}": choose one that is not` });
  if (new Set(lower).size === 1)
    problems.push({ path, message: 'repeats one character: choose another' });
  return problems;
}

/** Throws VALIDATION_FAILED naming each problem of `password` under the policy. */
export function checkNewPassword(
  password: string,
  policy: PasswordPolicy,
  context: { readonly username?: string | undefined } = {},
  path = 'password',
): void {
  const problems = passwordProblems(password, policy, context, path);
  if (problems.length > 0)
    throw new JiaError(
      'VALIDATION_FAILED',
      `the password is refused: it ${problems.map((p) => p.message).join('; it ')}`,
      { issues: problems },
    );
}

/** A policy's settings, checked: a bad setting is a usage error naming it. */
export function checkPasswordPolicy(policy: PasswordPolicy): PasswordPolicy {
  if (
    !Number.isInteger(policy.minLength) ||
    policy.minLength < NIST_MIN_PASSWORD_LENGTH ||
    policy.minLength > MAX_MIN_PASSWORD_LENGTH
  )
    throw new JiaError(
      'USAGE_ERROR',
      `the shortest password (${policy.minLength}) must be a whole number from ${NIST_MIN_PASSWORD_LENGTH} (NIST SP 800-63B) to ${MAX_MIN_PASSWORD_LENGTH}`,
    );
  if (
    !Number.isInteger(policy.historyCount) ||
    policy.historyCount < 0 ||
    policy.historyCount > MAX_PASSWORD_HISTORY
  )
    throw new JiaError(
      'USAGE_ERROR',
      `the password history (${policy.historyCount}) must be a whole number from 0 to ${MAX_PASSWORD_HISTORY}`,
    );
  return policy;
}
