/**
 * Time-based one-time passwords, the optional second factor (docs/security.md, "Second factor";
 * ADR 0045). RFC 6238 with the parameters every authenticator app uses by default: HMAC-SHA1,
 * a 30-second step counted from the Unix epoch (T0 = 0), 6 digits (RFC 6238 §4, §5.2; the
 * dynamic truncation of RFC 4226 §5.3). A code is accepted for the current step and one step on
 * either side (RFC 6238 §5.2 recommends at most one step of allowed delay), and never for a
 * step at or before the last one accepted (§5.2: "the verifier MUST NOT accept the second
 * attempt of the same OTP"). Pure: the time is an argument; node:crypto only.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted on either side of the current one (clock drift, a code typed late). */
export const TOTP_WINDOW_STEPS = 1;
/** 160 bits: RFC 4226 §4 R6 asks for at least 128 and recommends 160 for the shared secret. */
export const TOTP_SECRET_BYTES = 20;

/** The time step of `unixSeconds` (RFC 6238 §4.2: T = floor((time - T0) / X)). */
export function totpStep(unixSeconds: number): number {
  return Math.floor(unixSeconds / TOTP_STEP_SECONDS);
}

/** The HOTP value of `counter` (RFC 4226 §5.3), `digits` long with leading zeros. */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code of the step holding `unixSeconds`. */
export function totpCode(secret: Uint8Array, unixSeconds: number, digits = TOTP_DIGITS): string {
  return hotp(secret, totpStep(unixSeconds), digits);
}

/**
 * The step whose code `code` is, within the window around `unixSeconds` and after
 * `lastAcceptedStep` (a replay, or an older code after a newer one, is refused), or null.
 */
export function matchTotp(
  secret: Uint8Array,
  code: string,
  unixSeconds: number,
  lastAcceptedStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(unixSeconds);
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step++) {
    if (lastAcceptedStep !== null && step <= lastAcceptedStep) continue;
    if (hotp(secret, step) === code) return step;
  }
  return null;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 without padding (RFC 4648 §6): how authenticator apps take a secret typed in. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Base32 text back to bytes (case, spaces and padding ignored); null when it is not base32. */
export function base32Decode(text: string): Uint8Array | null {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

export function newTotpSecret(): Uint8Array {
  return new Uint8Array(randomBytes(TOTP_SECRET_BYTES));
}

/**
 * The otpauth:// URI an authenticator app reads (the Key Uri Format of Google Authenticator,
 * which the others follow): label `issuer:account`, the secret in base32 and the parameters,
 * stated even where they are the defaults.
 */
export function otpauthUri(secret: Uint8Array, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
