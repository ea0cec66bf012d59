/**
 * FNV-1a over bytes, finished with a murmur3 mix so that every bit of the result depends on
 * every byte: the hash behind the byte-level lookups of large files (joint codes, visit ids).
 */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
