/**
 * The archive read back by an independent reading of the format: the end record, the central
 * directory and each local header, every entry inflated and its CRC-32 and size checked; and,
 * where Debian's `unzip` is installed, `unzip -t` agrees.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32, inflateRawSync } from 'node:zlib';
import { scratchDir } from '../test-support.js';
import { zip } from './write-zip.js';

function readZip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'end of central directory');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(archive.readUInt32LE(at), 0x02014b50, 'central header');
    const crc = archive.readUInt32LE(at + 16);
    const size = archive.readUInt32LE(at + 24);
    const nameLength = archive.readUInt16LE(at + 28);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    assert.equal(archive.readUInt32LE(local), 0x04034b50, 'local header');
    const compressed = archive.readUInt32LE(local + 18);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const data = inflateRawSync(archive.subarray(start, start + compressed));
    assert.equal(data.length, size, `${name} size`);
    assert.equal(crc32(data), crc, `${name} CRC-32`);
    files.set(name, data);
    at += 46 + nameLength;
  }
  return files;
}

test('a zip of CSV files reads back byte for byte, UTF-8 names and empty files included', () => {
  const entries = [
    { name: 'subjects.csv', data: Buffer.from('subject_id,site\nD01,UMCU\n') },
    { name: 'visits.csv', data: Buffer.from('x'.repeat(100_000)) },
    { name: 'empty.csv', data: Buffer.alloc(0) },
    { name: 'naïve é.csv', data: Buffer.from('é\n') },
  ];
  const archive = zip(entries);
  const read = readZip(archive);
  assert.deepEqual(
    [...read.keys()],
    entries.map((e) => e.name),
  );
  for (const e of entries) assert.deepEqual(read.get(e.name), Buffer.from(e.data));
  assert.ok(archive.length < 2000, 'deflated');
  const unzip = spawnSync('unzip', ['-v'], { encoding: 'utf8' });
  if (unzip.status === 0) {
    const file = join(scratchDir(), 'bundle.zip');
    writeFileSync(file, archive);
    const tested = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
    assert.equal(tested.status, 0, tested.stdout + tested.stderr);
  }
});
