import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { MSC_JIA } from '@jia-trial/protocols';
import type { Bundle, FhirResource } from 'fhir/r4.js';
import { readBundleSubjects } from '../exchange/bundle-records.js';
import { schemaDirOf, skipWithout, standardFiles } from '../exchange/standards-files.js';
import type { ExchangeStudy } from '../exchange/study-data.js';
import { type FhirValidator, fhirValidator } from './validate-fhir.test-support.js';
import { type FhirFileOptions, writeFhirBundle } from './write-fhir.js';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');
const fhir = standardFiles('fhir-r4');
const skip = skipWithout(fhir);
const STUDY: ExchangeStudy = {
  studyId: 'pilot',
  title: null,
  protocol: MSC_JIA,
  sites: [],
  actors: [],
};

async function bundleOf(
  bundle: string,
  options: Partial<FhirFileOptions> = {},
): Promise<{ bundle: Bundle; ndjson: Map<string, string[]> }> {
  const parts: Uint8Array[] = [];
  const ndjson = new Map<string, string[]>();
  await writeFhirBundle(
    (t) => {
      parts.push(t);
    },
    STUDY,
    readBundleSubjects(join(EXAMPLES, bundle)),
    {
      timestamp: '2026-12-03T10:00:00Z',
      rules: { shiftDays: 0, dropBefore: null },
      ndjson: (type, line) => {
        ndjson.set(type, [...(ndjson.get(type) ?? []), line]);
      },
      ...options,
    },
  );
  return { bundle: JSON.parse(Buffer.concat(parts).toString('utf8')) as Bundle, ndjson };
}

const resources = (b: Bundle, type: string) =>
  (b.entry ?? []).map((e) => e.resource as FhirResource).filter((r) => r.resourceType === type);

describe('FHIR R4 Bundle: HL7 schema, medplum, references and codes', { skip }, () => {
  let validator: FhirValidator;
  before(async () => {
    validator = await fhirValidator(schemaDirOf(fhir));
  });

  for (const example of ['msc-pilot', 'msc-jia-demo'])
    test(`${example}: every resource validates and every reference resolves`, async () => {
      const { bundle } = await bundleOf(example);
      assert.equal(bundle.type, 'collection');
      assert.deepEqual(validator.bundle(bundle), []);
    });

  test('the validation can fail: a broken resource of each kind is rejected', async () => {
    const { bundle } = await bundleOf('msc-pilot');
    const first = (type: string) =>
      structuredClone(resources(bundle, type)[0]) as unknown as Record<string, unknown>;
    const broken: Array<[string, Record<string, unknown>, RegExp]> = [
      ['Patient', { ...first('Patient'), gender: 'woman' }, /gender/],
      ['Observation', { ...first('Observation'), status: undefined }, /status/],
      [
        'Encounter',
        { ...first('Encounter'), period: { start: '2024-13-45' } },
        /period|start|pattern/,
      ],
      [
        'MedicationStatement',
        { ...first('MedicationStatement'), medicationCodeableConcept: undefined },
        /medication/,
      ],
      ['Procedure', { ...first('Procedure'), subject: undefined }, /subject/],
      ['AdverseEvent', { ...first('AdverseEvent'), actuality: undefined }, /actuality/],
      ['ResearchSubject', { ...first('ResearchSubject'), study: undefined }, /study/],
      ['ResearchStudy', { ...first('ResearchStudy'), status: 'running' }, /status/],
      ['Group', { ...first('Group'), type: undefined }, /type/],
      ['CodeSystem', { ...first('CodeSystem'), unknownProperty: 1 }, /unknownProperty|additional/],
    ];
    for (const [type, resource, reason] of broken) {
      assert.ok(first(type), `the bundle has a ${type}`);
      const problems = validator.resource(JSON.parse(JSON.stringify(resource)) as FhirResource);
      assert.ok(problems.length > 0, `${type} rejected`);
      assert.match(problems.join('\n'), reason, type);
    }
  });

  test('a dangling reference and an unknown code of our systems are found', async () => {
    const { bundle } = await bundleOf('msc-pilot');
    const copy = structuredClone(bundle);
    const observation = copy.entry?.find((e) => e.resource?.resourceType === 'Observation')
      ?.resource as unknown as {
      subject: { reference: string };
      code: { coding: Array<{ code: string }> };
    };
    observation.subject.reference = 'urn:uuid:00000000-0000-5000-8000-000000000000';
    const coded = observation.code.coding[0];
    assert.ok(coded);
    coded.code =
      coded.code.startsWith('visit.') || coded.code.includes('.')
        ? 'visit.no_such_field'
        : coded.code;
    const problems = validator.bundle(copy).join('\n');
    assert.match(problems, /resolves to no entry/);
  });
});

describe('FHIR R4 Bundle: content', () => {
  test('a pseudonymised Patient: the subject code, birth year-month, no name', async () => {
    const { bundle } = await bundleOf('msc-pilot');
    for (const patient of resources(bundle, 'Patient') as Array<{
      name?: unknown;
      birthDate?: string;
      identifier?: Array<{ value: string }>;
    }>) {
      assert.equal(patient.name, undefined);
      assert.match(patient.birthDate ?? '', /^\d{4}-\d{2}$/);
      assert.match(patient.identifier?.[0]?.value ?? '', /^P\d+/);
    }
  });

  test('ESR, CRP and ferritin carry their LOINC codes; the CTCAE grade its extension', async () => {
    const { bundle } = await bundleOf('msc-pilot');
    const codes = new Set(
      resources(bundle, 'Observation').flatMap((o) =>
        (o as { code: { coding: Array<{ code: string }> } }).code.coding.map((c) => c.code),
      ),
    );
    for (const code of ['4537-7', '1988-5']) assert.ok(codes.has(code), code);
    const ae = resources(bundle, 'AdverseEvent')[0] as { extension?: Array<{ url: string }> };
    assert.ok(ae.extension?.some((x) => x.url.endsWith('/ctcae-grade')));
  });

  test('--ndjson: one line per resource, by type', async () => {
    const { bundle, ndjson } = await bundleOf('msc-pilot');
    const total = [...ndjson.values()].reduce((n, lines) => n + lines.length, 0);
    assert.equal(total, bundle.entry?.length);
    assert.equal(ndjson.get('Patient')?.length, resources(bundle, 'Patient').length);
  });

  test('--date-shift moves every date; --drop-dates-before leaves out earlier records', async () => {
    const plain = (await bundleOf('msc-pilot')).bundle;
    const shifted = (await bundleOf('msc-pilot', { rules: { shiftDays: 10, dropBefore: null } }))
      .bundle;
    const starts = (b: Bundle) =>
      resources(b, 'Encounter').map((e) => (e as { period: { start: string } }).period.start);
    const [a, b] = [starts(plain)[0], starts(shifted)[0]];
    assert.ok(a && b);
    assert.equal((Date.parse(b) - Date.parse(a)) / 86_400_000, 10);
    const cut = starts(plain).sort()[Math.floor(starts(plain).length / 2)] as string;
    const dropped = (await bundleOf('msc-pilot', { rules: { shiftDays: 0, dropBefore: cut } }))
      .bundle;
    assert.ok(starts(dropped).every((s) => s >= cut));
    assert.ok(starts(dropped).length < starts(plain).length);
  });
});
