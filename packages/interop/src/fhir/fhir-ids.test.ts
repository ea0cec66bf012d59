import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { hashName, lastUuid, uuidFor, writeUuid } from './fhir-ids.js';

/** The ids as the export made them with node:crypto before fhir-ids.ts (the reference). */
function referenceUuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

test('uuidFor is SHA-1 as node:crypto computes it, at every length across the block boundaries', () => {
  for (let length = 0; length <= 200; length++) {
    const name = Array.from({ length }, (_, i) =>
      String.fromCharCode(33 + ((i * 7 + length) % 94)),
    ).join('');
    assert.equal(uuidFor(name), referenceUuid(name), `length ${length}`);
  }
});

test('uuidFor hashes the UTF-8 of non-ASCII names (a lone surrogate as U+FFFD, as crypto does)', () => {
  for (const name of [
    'pilot/P01/adverse_event/Fièvre',
    'ß/😀/東京',
    '\ud800 lone',
    `${'x'.repeat(60)}é`,
    'é'.repeat(300),
  ])
    assert.equal(uuidFor(name), referenceUuid(name), name);
});

test('uuidFor agrees with node:crypto on random names, and has the UUID v5 layout', () => {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  for (let n = 0; n < 2000; n++) {
    const length = next() % 150;
    const name = Array.from({ length }, () =>
      String.fromCharCode(next() % 3 === 0 ? next() % 0x3000 : 32 + (next() % 95)),
    ).join('');
    const uuid = uuidFor(name);
    assert.equal(uuid, referenceUuid(name));
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
});

test('hashName and writeUuid give the UUID of the name made of both parts', () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const out = new Uint8Array(40);
  for (const [prefix, suffix] of [
    ['pilot/P01/visit/P01-V0/', 'physician_global'],
    ['', ''],
    ['x'.repeat(70), 'y'.repeat(70)],
    ['études/é/', 'ß'],
  ] as const) {
    hashName(encode(prefix), encode(suffix));
    writeUuid(out, 2);
    const written = new TextDecoder().decode(out.subarray(2, 38));
    assert.equal(written, referenceUuid(prefix + suffix));
    assert.equal(lastUuid(), written);
  }
});
