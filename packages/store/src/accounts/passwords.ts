/**
 * Password hashing: argon2id with the parameters OWASP's Password Storage Cheat Sheet lists first
 * (m = 19 MiB, t = 2, p = 1), through @node-rs/argon2, whose prebuilt binary needs no install
 * script (docs/dependencies.md). A hash keeps its parameters, so raising them later still
 * verifies older hashes.
 */

import { hash, verify } from '@node-rs/argon2';

export const ARGON2_PARAMETERS = {
  // Algorithm.Argon2id: a const enum, which verbatimModuleSyntax cannot import.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMETERS);
}

/**
 * A hash of a password nobody knows, verified when the user does not exist, so that an unknown
 * user costs the same time as a wrong password and the two cannot be told apart.
 */
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(
  storedHash: string | null,
  password: string,
): Promise<boolean> {
  if (storedHash === null) {
    dummyHash ??= hashPassword(`no such user ${Math.random()}`);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

/** A one-time password: 20 characters from 55 without look-alikes (about 115 bits). */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  // Bytes at or above the largest multiple of the alphabet's size are drawn again, so that
  // every character is equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < 20)
    for (const byte of crypto.getRandomValues(new Uint8Array(32)))
      if (byte < limit && out.length < 20) out += alphabet[byte % alphabet.length];
  return out;
}
