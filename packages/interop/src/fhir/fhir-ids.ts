/**
 * The ids of the FHIR export (docs/interop.md, ADR 0028): a resource's id is a name-based UUID
 * (RFC 4122 §4.3 layout: version 5, SHA-1) of its name (study, subject, record, field), so that
 * the same study gives the same ids in every export. The name is hashed alone, with no namespace
 * UUID before it: that is how the ids have always been made, and changing it would change every
 * id a receiver already holds.
 *
 * SHA-1 (FIPS 180-4 §6.1) is computed here rather than by node:crypto because the export hashes
 * one short name per resource (4 million in the benchmark study): createHash costs an object, a
 * native call and a hex string per name (about 2.5 µs), crypto.hash a native call and the hex
 * string cut into the UUID's groups (about 0.6 µs); this, on the name's bytes in a reused array,
 * writes the UUID from the five words directly (docs/performance.md). fhir-ids.test.ts checks it
 * against node:crypto on names of every length across the block boundaries and on non-ASCII.
 */

/** Bytes of the padded message; grown for a longer name. */
let message = new Uint8Array(256);
const schedule = new Int32Array(80);
/** The digest of the last name hashed (its first four words: the UUID's 128 bits). */
const digest = new Int32Array(5);
const encoder = new TextEncoder();
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);
/** The ASCII codes of each byte's two hex digits. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEX_CODES[2 * i] = (HEX[i] as string).charCodeAt(0);
  HEX_CODES[2 * i + 1] = (HEX[i] as string).charCodeAt(1);
}

/** Room in `message` for `bytes` of name and the padding. */
function reserve(bytes: number): void {
  if (message.length < bytes + 72) message = new Uint8Array(bytes + 72);
}

/** `name`'s UTF-8 bytes into `message` from `at`; the index after them. */
function put(name: string, at: number): number {
  const length = name.length;
  reserve(at + length * 3);
  for (let i = 0; i < length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x80) return at + encoder.encodeInto(name, message.subarray(at)).written;
    message[at + i] = c;
  }
  return at + length;
}

/** Pads the message of `length` bytes (FIPS 180-4 §5.1.1); the padded length. */
function pad(length: number): number {
  let n = length;
  const bits = n * 8;
  message[n++] = 0x80;
  while ((n & 63) !== 56) message[n++] = 0;
  // The length in bits as a 64-bit big-endian number (a name is far below 2^32 bits).
  message[n++] = 0;
  message[n++] = 0;
  message[n++] = 0;
  message[n++] = 0;
  message[n++] = bits >>> 24;
  message[n++] = (bits >>> 16) & 0xff;
  message[n++] = (bits >>> 8) & 0xff;
  message[n++] = bits & 0xff;
  return n;
}

/** SHA-1 of the first `length` bytes of `message` into `digest`. */
function hashMessage(length: number): void {
  const end = pad(length);
  const w = schedule;
  const m = message;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  for (let block = 0; block < end; block += 64) {
    for (let t = 0; t < 16; t++) {
      const o = block + t * 4;
      w[t] =
        ((m[o] as number) << 24) |
        ((m[o + 1] as number) << 16) |
        ((m[o + 2] as number) << 8) |
        (m[o + 3] as number);
    }
    for (let t = 16; t < 80; t++) {
      const x =
        (w[t - 3] as number) ^ (w[t - 8] as number) ^ (w[t - 14] as number) ^ (w[t - 16] as number);
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    // The four rounds of 20 steps (§6.1.2), one loop each so that each step's function is fixed.
    for (let t = 0; t < 20; t++) {
      const next =
        (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + (w[t] as number) + 0x5a827999) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 20; t < 40; t++) {
      const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (w[t] as number) + 0x6ed9eba1) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 40; t < 60; t++) {
      const next =
        (((a << 5) | (a >>> 27)) +
          ((b & c) | (b & d) | (c & d)) +
          e +
          (w[t] as number) +
          0x8f1bbcdc) |
        0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 60; t < 80; t++) {
      const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + (w[t] as number) + 0xca62c1d6) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  digest[0] = h0;
  digest[1] = h1;
  digest[2] = h2;
  digest[3] = h3;
  digest[4] = h4;
}

/** The name's UTF-8 bytes, to hash the names of many resources from parts (nameBytes). */
export const nameBytes = (name: string): Uint8Array => encoder.encode(name);

/**
 * Hashes the name made of `prefix` then `suffix` (UTF-8 bytes), for writeUuid: the same UUID as
 * uuidFor(prefix + suffix), without the string.
 */
export function hashName(prefix: Uint8Array, suffix: Uint8Array): void {
  reserve(prefix.length + suffix.length);
  message.set(prefix, 0);
  message.set(suffix, prefix.length);
  hashMessage(prefix.length + suffix.length);
}

/**
 * Writes the UUID of the name last hashed (hashName) as its 36 ASCII characters into `out` at
 * `at`: the first 16 bytes of the digest, the version (5) in byte 6's high nibble and the variant
 * (10xx) in byte 8's two high bits (RFC 4122 §4.1.3, §4.1.1).
 */
export function writeUuid(out: Uint8Array, at: number): void {
  let o = at;
  for (let i = 0; i < 16; i++) {
    const word = digest[i >> 2] as number;
    let byte = (word >>> (24 - 8 * (i & 3))) & 0xff;
    if (i === 6) byte = 0x50 | (byte & 0x0f);
    else if (i === 8) byte = 0x80 | (byte & 0x3f);
    if (i === 4 || i === 6 || i === 8 || i === 10) out[o++] = 0x2d;
    out[o++] = HEX_CODES[2 * byte] as number;
    out[o++] = HEX_CODES[2 * byte + 1] as number;
  }
}

/** A deterministic UUID (RFC 4122 layout, name-based on SHA-1) for a resource of the export. */
export function uuidFor(name: string): string {
  hashMessage(put(name, 0));
  return lastUuid();
}

/** The UUID of the name last hashed (hashName), as a string. */
export function lastUuid(): string {
  const h0 = digest[0] as number;
  const h1 = digest[1] as number;
  const h2 = digest[2] as number;
  const h3 = digest[3] as number;
  // The version (5) in byte 6's high nibble and the variant (10xx) in byte 8's two high bits.
  return `${HEX[h0 >>> 24]}${HEX[(h0 >>> 16) & 0xff]}${HEX[(h0 >>> 8) & 0xff]}${HEX[h0 & 0xff]}-${HEX[h1 >>> 24]}${HEX[(h1 >>> 16) & 0xff]}-${HEX[0x50 | ((h1 >>> 8) & 0x0f)]}${HEX[h1 & 0xff]}-${HEX[0x80 | ((h2 >>> 24) & 0x3f)]}${HEX[(h2 >>> 16) & 0xff]}-${HEX[(h2 >>> 8) & 0xff]}${HEX[h2 & 0xff]}${HEX[h3 >>> 24]}${HEX[(h3 >>> 16) & 0xff]}${HEX[(h3 >>> 8) & 0xff]}${HEX[h3 & 0xff]}`;
}

export const urnOf = (uuid: string) => `urn:uuid:${uuid}`;
