/**
 * TOTP against RFC 6238 Appendix B (SHA-1 rows) and RFC 4226 Appendix D, base32 against RFC 4648
 * §10, and the acceptance window and replay rule on both sides.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  base32Decode,
  base32Encode,
  hotp,
  matchTotp,
  otpauthUri,
  totpCode,
  totpStep,
} from './totp.js';

/** RFC 6238 Appendix B and RFC 4226 Appendix D: the ASCII seed "12345678901234567890". */
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 Appendix B, table of test values, the SHA1 rows (8 digits).
  const appendixB: ReadonlyArray<readonly [number, number, string]> = [
    [59, 0x1, '94287082'],
    [1111111109, 0x23523ec, '07081804'],
    [1111111111, 0x23523ed, '14050471'],
    [1234567890, 0x273ef07, '89005924'],
    [2000000000, 0x3f940aa, '69279037'],
    [20000000000, 0x27bc86aa, '65353130'],
  ];
  for (const [time, step, code] of appendixB)
    test(`Appendix B, SHA1, T = ${time}: step ${step.toString(16)}, TOTP ${code}`, () => {
      assert.equal(totpStep(time), step);
      assert.equal(totpCode(RFC_SECRET, time, 8), code);
      // Six digits, as the server uses: the same value modulo 10^6.
      assert.equal(totpCode(RFC_SECRET, time), code.slice(2));
    });

  test('RFC 4226 Appendix D: HOTP values of counts 0 to 9', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    assert.deepEqual(
      expected.map((_, count) => hotp(RFC_SECRET, count)),
      expected,
    );
  });

  test('a code is accepted one step either side of now, not two', () => {
    const now = 1234567890;
    const step = totpStep(now);
    for (const offset of [-1, 0, 1])
      assert.equal(
        matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + offset * 30), now, null),
        step + offset,
      );
    for (const offset of [-2, 2])
      assert.equal(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + offset * 30), now, null), null);
  });

  test('a code of a step already accepted (or before it) is refused: no replay', () => {
    const now = 1234567890;
    const step = totpStep(now);
    const code = totpCode(RFC_SECRET, now);
    assert.equal(matchTotp(RFC_SECRET, code, now, step - 1), step, 'after an older step: accepted');
    assert.equal(matchTotp(RFC_SECRET, code, now, step), null, 'the same step again: refused');
    assert.equal(
      matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 30), now, step),
      null,
      'an older code after a newer one: refused',
    );
  });

  test('anything but six digits is refused', () => {
    const code = totpCode(RFC_SECRET, 59);
    for (const bad of ['', `${code}0`, code.slice(1), ` ${code}`, '28708a'])
      assert.equal(matchTotp(RFC_SECRET, bad, 59, null), null, JSON.stringify(bad));
  });
});

describe('base32 (RFC 4648 §10) and the otpauth URI', () => {
  const vectors: ReadonlyArray<readonly [string, string]> = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [text, encoded] of vectors)
    test(`BASE32("${text}") = "${encoded}" (padding left off)`, () => {
      const bytes = new TextEncoder().encode(text);
      assert.equal(base32Encode(bytes), encoded);
      assert.deepEqual(base32Decode(`${encoded.toLowerCase()}===`), Uint8Array.from(bytes));
    });

  test('text that is not base32 is refused', () => {
    assert.equal(base32Decode('MZXW1'), null);
  });

  test('the URI names the issuer, the account, the secret and the parameters', () => {
    assert.equal(
      otpauthUri(RFC_SECRET, 'jia-trial', 'ivy'),
      'otpauth://totp/jia-trial:ivy?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=jia-trial&algorithm=SHA1&digits=6&period=30',
    );
  });
});
