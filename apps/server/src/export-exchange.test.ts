/**
 * GET /studies/{id}/export?format=odm|fhir through the real server (docs/interop.md, docs/api.md):
 * ODM Snapshot and Transactional, and the FHIR Bundle, streamed, each valid against the official
 * schemas (skipped, with the reason printed, where ../shared/standards is absent); the same
 * permission as the bundle export; a parameter of another format refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { type StandardFiles, schemaDirOf, skipWithout, standardFiles } from '@jia-trial/interop';
import { fhirValidator, validateOdmFile } from '@jia-trial/interop/exchange-validators';
import { STUDY, startTestServer, type TestServer } from './test-support.js';

let server: TestServer;
let scratch: string;
let cookie: string;

before(async () => {
  server = await startTestServer();
  scratch = mkdtempSync(join(tmpdir(), 'jia-server-export-'));
  await server.addUser('dana', [['data_manager', null]]);
  await server.addUser('nora', [['nurse', 'UMCU']]);
  cookie = (await server.client('dana')).cookie ?? '';
});
after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await server?.close();
});

/** The export as the browser would fetch it: status, headers and the body's text. */
async function download(query: string, as = cookie) {
  const response = await fetch(`${server.url}/api/v1/studies/${STUDY}/export?${query}`, {
    headers: { cookie: as },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Runs `check` with the schema set's folder, or says in the output why it could not. */
async function withSchemas(
  t: TestContext,
  files: StandardFiles,
  check: (dir: string) => Promise<void>,
): Promise<void> {
  const why = skipWithout(files);
  if (why !== false) {
    t.diagnostic(`schema validation NOT done: ${why}`);
    return;
  }
  await check(schemaDirOf(files));
}

describe('export as ODM and FHIR over HTTP', () => {
  for (const [query, fileType, name] of [
    ['format=odm', 'Snapshot', `${STUDY}-odm.xml`],
    ['format=odm&transactional=true', 'Transactional', `${STUDY}-odm-history.xml`],
  ] as const)
    test(`${query}: an ODM ${fileType} file, streamed, that validates`, async (t) => {
      const got = await download(query);
      assert.equal(got.status, 200, got.text.slice(0, 300));
      assert.equal(got.headers.get('content-type'), 'application/xml; charset=utf-8');
      assert.equal(got.headers.get('content-disposition'), `attachment; filename="${name}"`);
      assert.equal(got.headers.get('transfer-encoding'), 'chunked', 'streamed, not buffered');
      assert.match(got.text, new RegExp(`FileType="${fileType}"`));
      assert.match(got.text, /<SubjectData SubjectKey="D01"/);
      assert.ok(got.text.endsWith('</ODM>\n'), 'the whole document');
      const path = join(scratch, name);
      writeFileSync(path, got.text);
      await withSchemas(t, standardFiles('odm-1.3.2'), async (dir) =>
        assert.deepEqual((await validateOdmFile(path, dir)).errors, []),
      );
    });

  test('format=fhir: a FHIR R4 Bundle of type collection that validates', async (t) => {
    const got = await download('format=fhir');
    assert.equal(got.status, 200, got.text.slice(0, 300));
    assert.equal(got.headers.get('content-type'), 'application/fhir+json; charset=utf-8');
    assert.equal(
      got.headers.get('content-disposition'),
      `attachment; filename="${STUDY}-fhir.json"`,
    );
    const bundle = JSON.parse(got.text);
    assert.equal(bundle.resourceType, 'Bundle');
    assert.equal(bundle.type, 'collection');
    assert.ok(
      bundle.entry.some(
        (e: { resource: { resourceType: string; identifier?: Array<{ value: string }> } }) =>
          e.resource.resourceType === 'Patient' && e.resource.identifier?.[0]?.value === 'D01',
      ),
    );
    await withSchemas(t, standardFiles('fhir-r4'), async (dir) =>
      assert.deepEqual((await fhirValidator(dir)).bundle(bundle), []),
    );
  });

  test('the same permission as the bundle export: a nurse is refused every format', async () => {
    const nurse = (await server.client('nora')).cookie ?? '';
    for (const query of ['format=bundle', 'format=odm', 'format=fhir']) {
      const got = await download(query, nurse);
      assert.equal(got.status, 403, query);
      assert.equal(JSON.parse(got.text).error.code, 'FORBIDDEN');
    }
    const anonymous = await download('format=odm', '');
    assert.equal(anonymous.status, 401);
  });

  test('transactional=true with another format, or an unknown format, is refused', async () => {
    const fhir = await download('format=fhir&transactional=true');
    assert.equal(fhir.status, 422);
    assert.equal(JSON.parse(fhir.text).error.issues[0].path, 'transactional');
    const unknown = await download('format=csv');
    assert.equal(unknown.status, 422);
    assert.equal(JSON.parse(unknown.text).error.code, 'VALIDATION_FAILED');
    // format=odm&transactional=false is a Snapshot; the bundle is still the default.
    const zip = await fetch(`${server.url}/api/v1/studies/${STUDY}/export`, {
      headers: { cookie },
    });
    assert.equal(zip.headers.get('content-type'), 'application/zip');
    await zip.arrayBuffer();
  });
});
