/**
 * Missing-data codes (ADR 0040) through every exchange format: a bundle's CSV (a companion
 * column), ODM 1.3.2 (a companion item, validated by the official schema) and FHIR R4 (the
 * Observation's dataAbsentReason, validated by HL7's schema and medplum).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { RecordTexts } from '@jia-trial/dictionary';
import type { Observation } from 'fhir/r4.js';
import { readBundle } from '../bundle/read-bundle.js';
import { type FhirValidator, fhirValidator } from '../fhir/validate-fhir.test-support.js';
import { readOdmSnapshot } from '../odm/read-odm.js';
import { validateOdmFile } from '../odm/validate-odm.test-support.js';
import { scratchDir } from '../test-support.js';
import { readBundleSubjects, readBundleTexts, writeBundleFolder } from './bundle-records.js';
import {
  byType,
  EXAMPLES,
  fhirOf,
  observations,
  snapshotOf,
  sorted,
} from './missing-codes.test-support.js';
import { schemaDirOf, skipWithout, standardFiles } from './standards-files.js';
import type { SubjectRecords } from './study-data.js';

const CODED_VISIT = 'P01-V1';

/** msc-pilot with visit P01-V1's ESR not done, its fever asked but unknown, its ferritin n/a. */
function codedSubjects(): SubjectRecords[] {
  return readBundleSubjects(join(EXAMPLES, 'msc-pilot')).map((subject) => {
    const records = new Map(subject.records);
    records.set(
      'visit',
      (records.get('visit') ?? []).map((visit) => {
        if (visit.texts.get('visit_id') !== CODED_VISIT) return visit;
        const texts = new Map(visit.texts);
        assert.ok(texts.has('esr') && texts.has('fever'), 'the example visit has ESR and fever');
        texts.delete('esr');
        texts.delete('fever');
        texts.delete('ferritin');
        texts.set('esr_missing', 'ND');
        texts.set('fever_missing', 'ASKU');
        texts.set('ferritin_missing', 'NA');
        return { ...visit, texts };
      }),
    );
    return { ...subject, records };
  });
}

const codedVisit = (rows: readonly RecordTexts[]) =>
  rows.find((r) => r.get('visit_id') === CODED_VISIT);

describe('missing-data codes in a bundle (CSV)', () => {
  test('are written in their own columns and read back as written; the bundle validates', () => {
    const dir = scratchDir();
    const records = byType(codedSubjects());
    writeBundleFolder(dir, records);
    const header = readBundleTexts(join(dir, 'visits.csv'));
    assert.deepEqual(sorted(codedVisit(header)), sorted(codedVisit(records.get('visit') ?? [])));
    assert.equal(codedVisit(header)?.get('esr_missing'), 'ND');
    assert.equal(codedVisit(header)?.has('esr'), false);
    assert.deepEqual(readBundle(dir, 50).problems.problems, []);
  });

  test('an unknown code is refused with file, line, visit, column and value', () => {
    const dir = scratchDir();
    const records = byType(codedSubjects());
    records.set(
      'visit',
      (records.get('visit') ?? []).map((v) =>
        v.get('visit_id') === CODED_VISIT ? new Map([...v, ['esr_missing', 'NOTDONE']]) : v,
      ),
    );
    writeBundleFolder(dir, records);
    const [problem] = readBundle(dir, 50).problems.problems;
    assert.equal(problem?.file, 'visits.csv');
    assert.equal(problem?.record, CODED_VISIT);
    assert.equal(problem?.column, 'esr_missing');
    assert.ok((problem?.line ?? 0) > 1);
    assert.match(problem?.message ?? '', /"NOTDONE" is not a missing-data code/);
  });
});

const odm = standardFiles('odm-1.3.2');

describe('missing-data codes in ODM 1.3.2: a companion item', () => {
  test('a code is the ItemData of its companion item, in its field group; no value is written', async () => {
    const xml = await snapshotOf(codedSubjects());
    const core =
      /<ItemGroupData ItemGroupOID="IG\.VISIT\.CORE">(?:(?!<\/ItemGroupData>).)*IT\.VISIT\.FEVER_MISSING" Value="ASKU"/s;
    assert.match(xml, core);
    assert.match(
      xml,
      /IG\.VISIT\.LAB">(?:(?!<\/ItemGroupData>).)*IT\.VISIT\.ESR_MISSING" Value="ND"/s,
    );
    assert.match(xml, /IT\.VISIT\.FERRITIN_MISSING" Value="NA"/);
    const event = /StudyEventRepeatKey="P01-V1">((?:(?!<\/StudyEventData>).)*)/s.exec(xml)?.[1];
    assert.match(event ?? '', /ESR_MISSING/);
    assert.doesNotMatch(
      event ?? '',
      /IT\.VISIT\.ESR" /,
      'no ESR value written for the coded visit',
    );
    assert.match(xml, /<ItemDef OID="IT\.VISIT\.ESR_MISSING"[^>]*>/);
    assert.match(xml, /<CodeList OID="[^"]*MISSING_REASON"/);
  });

  test('the Snapshot validates against the official schema', {
    skip: skipWithout(odm),
  }, async () => {
    const path = join(scratchDir(), 'study.xml');
    writeFileSync(path, await snapshotOf(codedSubjects()));
    const verdict = await validateOdmFile(path, schemaDirOf(odm));
    assert.deepEqual(verdict.errors, []);
  });

  test('it reads back to the same codes (round trip)', async () => {
    const subjects = codedSubjects();
    const reading = readOdmSnapshot(await snapshotOf(subjects));
    assert.deepEqual(
      sorted(codedVisit(reading.records.get('visit') ?? [])),
      sorted(codedVisit(byType(subjects).get('visit') ?? [])),
    );
  });

  test('a code not of the list is refused by the import that follows the reading', async () => {
    const xml = (await snapshotOf(codedSubjects())).replace(
      'IT.VISIT.ESR_MISSING" Value="ND"',
      'IT.VISIT.ESR_MISSING" Value="N/D"',
    );
    const reading = readOdmSnapshot(xml);
    const dir = scratchDir();
    writeBundleFolder(dir, reading.records);
    const problems = readBundle(dir, 50).problems.problems;
    assert.ok(problems.some((p) => p.column === 'esr_missing' && /"N\/D"/.test(p.message)));
  });
});

const fhir = standardFiles('fhir-r4');

describe('missing-data codes in FHIR R4: dataAbsentReason', () => {
  test('a coded field is an Observation with its dataAbsentReason and no value', async () => {
    const bundle = await fhirOf(codedSubjects());
    const esr = observations(bundle).filter(
      (o) => o.code.coding?.[0]?.code === '4537-7' && o.dataAbsentReason,
    );
    assert.equal(esr.length, 1);
    const [observation] = esr;
    assert.deepEqual(observation?.dataAbsentReason?.coding, [
      {
        system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
        code: 'not-performed',
        display: 'Not Performed',
      },
    ]);
    assert.equal(observation?.valueQuantity, undefined);
    const fever = observations(bundle).find(
      (o) => o.dataAbsentReason?.coding?.[0]?.code === 'asked-unknown',
    );
    assert.equal(fever?.valueBoolean, undefined);
    assert.ok(
      !observations(bundle).some((o) => o.code.coding?.some((c) => c.code?.endsWith('_missing'))),
      'a code is never an Observation of its own',
    );
  });

  describe('validated', { skip: skipWithout(fhir) }, () => {
    let validator: FhirValidator;
    before(async () => {
      validator = await fhirValidator(schemaDirOf(fhir));
    });
    test('every resource validates (HL7 schema, medplum: obs-6, no value beside the reason)', async () => {
      const bundle = await fhirOf(codedSubjects());
      assert.deepEqual(validator.bundle(bundle), []);
      const broken = structuredClone(
        observations(bundle).find((o) => o.dataAbsentReason),
      ) as Observation;
      broken.valueQuantity = { value: 1 };
      assert.ok(validator.resource(broken).length > 0, 'a value beside the reason is refused');
    });
  });
});
