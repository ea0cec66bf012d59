/**
 * Validation of an ODM file against the official CDISC ODM 1.3.2 XML Schema set (for the tests
 * and the benchmark; docs/interop.md): libxml2's `xmllint --nonet --schema` (Debian
 * libxml2-utils, which .ci/run installs) when it is on the PATH, else the same libxml2 compiled
 * to WebAssembly (npm xmllint-wasm, a development dependency), given every schema file by name
 * so that nothing is fetched. Both gave the same verdicts on CDISC's samples
 * (../shared/standards/odm-1.3.2/PROVENANCE.md).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SchemaVerdict {
  readonly valid: boolean;
  readonly errors: readonly string[];
  readonly validator: 'xmllint' | 'xmllint-wasm';
}

function hasXmllint(): boolean {
  return spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Validates the XML file at `path` against ODM1-3-2.xsd in `schemaDir`. */
export async function validateOdmFile(path: string, schemaDir: string): Promise<SchemaVerdict> {
  const schema = join(schemaDir, 'ODM1-3-2.xsd');
  if (hasXmllint()) {
    const run = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, path], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const errors = run.stderr
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.endsWith(' validates'));
    return { valid: run.status === 0, errors, validator: 'xmllint' };
  }
  const { validateXML } = await import('xmllint-wasm');
  const file = (name: string) => ({
    fileName: name,
    contents: readFileSync(join(schemaDir, name), 'utf8'),
  });
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: readFileSync(path, 'utf8') }],
    schema: [file('ODM1-3-2.xsd')],
    preload: ['ODM1-3-2-foundation.xsd', 'xml.xsd', 'xmldsig-core-schema.xsd'].map(file),
  });
  return {
    valid: result.valid,
    errors: result.errors.map((e) => `${e.loc?.lineNumber ?? '?'}: ${e.message}`),
    validator: 'xmllint-wasm',
  };
}
