import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BundleBytes, utf8 } from './fhir-bytes.js';
import { hashName, lastUuid } from './fhir-ids.js';

test('entries across chunks, one larger than a chunk, non-ASCII: the bytes and NDJSON lines of the text', () => {
  const out = new BundleBytes(true);
  out.text('{"entry":[\n');
  let expected = '{"entry":[\n';
  const lines: string[] = [];
  for (let n = 0; n < 6000; n++) {
    const size = n === 2500 ? 3_000_000 : 100 + ((n * 7919) % 900);
    const value = `${n % 3 === 0 ? 'é"\\😀\u0001' : ''}${'v'.repeat(size)}`;
    hashName(utf8(`study/S${n}/`), utf8('field'));
    const uuid = lastUuid();
    const resource = `{"resourceType":"Observation","valueString":${JSON.stringify(value)},"id":"${uuid}"}`;
    expected += `${n === 0 ? '' : ',\n'}{"fullUrl":"urn:uuid:${uuid}","resource":${resource}}`;
    lines.push('Observation', resource);
    if (n % 2 === 0) {
      out.startEntry();
      out.text('{"resourceType":"Observation","valueString":');
      out.json(value);
      out.endEntry('Observation');
    } else out.entry('Observation', uuid, resource);
  }
  out.text('\n]}\n');
  expected += '\n]}\n';
  out.finish();
  assert.ok(out.ready.length >= 4, `${out.ready.length} chunks`);
  assert.equal(out.count, 6000);
  assert.equal(Buffer.concat(out.ready).toString('utf8'), expected);
  assert.deepEqual(out.lines, lines);
});
