/**
 * JSON text of single values, exactly as JSON.stringify writes them (ECMA-262 §25.5.2.2
 * QuoteJSONString, Number::toString), for the FHIR export's resources written as text
 * (fhir-observations.ts): the common case is found by one scan and passed through, anything else
 * is left to JSON.stringify itself, so the output is JSON.stringify's byte for byte.
 * fhir-json.test.ts compares both on edge cases and on random texts.
 */

/** `text` as a JSON string: JSON.stringify(text). */
export function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // What JSON.stringify escapes: '"', '\', control characters, and any surrogate (a lone one is
    // escaped; a pair is not, but is rare enough to leave to JSON.stringify too).
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff))
      return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * Whether Number(text) written by JSON.stringify is `text` itself: an optional minus, an integer
 * part without a leading zero, an optional fraction not ending in 0, at most 15 significant digits
 * (DBL_DIG: such a decimal survives the round trip through a double, and no shorter one names the
 * same double), not -0, and no more than 5 zeros after "0." (1e-7 is written in exponent form).
 * The integer part is below 10^15, so never in exponent form either (10^21).
 */
function isNumberAsWritten(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 17) return false;
  const start = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const intEnd = digitsEnd(text, start);
  const intDigits = intEnd - start;
  const zero = text.charCodeAt(start) === 0x30;
  if (intDigits === 0 || (zero && intDigits > 1)) return false;
  // An integer: "-0" is written 0.
  if (intEnd === n) return zero ? start === 0 : intDigits <= 15;
  if (text.charCodeAt(intEnd) !== 0x2e) return false;
  const fracEnd = digitsEnd(text, intEnd + 1);
  if (fracEnd !== n || fracEnd === intEnd + 1 || text.charCodeAt(n - 1) === 0x30) return false;
  if (!zero) return intDigits + (n - intEnd - 1) <= 15;
  // "0.": the zeros after the point are not significant, and more than 5 make the exponent form.
  let significant = intEnd + 1;
  while (text.charCodeAt(significant) === 0x30) significant++;
  return significant - intEnd - 1 <= 5 && n - significant <= 15;
}

/** The index after the digits of `text` from `i`. */
function digitsEnd(text: string, i: number): number {
  let end = i;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c < 0x30 || c > 0x39) break;
    end++;
  }
  return end;
}

/** Number(text) as JSON: JSON.stringify(Number(text)) (null for what is not a finite number). */
export function jsonNumber(text: string): string {
  return isNumberAsWritten(text) ? text : JSON.stringify(Number(text));
}
