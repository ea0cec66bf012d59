/**
 * Missing-data codes on the record types other than the visit (ADR 0040, "Which fields"): a
 * medication's dose, route and stop reason, each of an infusion's vital signs and product
 * details, and an eligibility answer (a required field: its code stands for the value). A code
 * on every such field survives a bundle (CSV) and an ODM 1.3.2 round trip, the ODM validates
 * against the official schema and the FHIR R4 bundle against HL7's schema and medplum; a
 * required answer with neither a value nor a code, or with both, is refused with its column.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  ELIGIBILITY_FIELDS_ACCEPTING_MISSING_CODES,
  INFUSION_FIELDS_ACCEPTING_MISSING_CODES,
  MEDICATION_FIELDS_ACCEPTING_MISSING_CODES,
  MISSING_CODES,
  type RecordTexts,
  type RecordTypeId,
} from '@jia-trial/dictionary';
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

/** The record of each type that gets a code on every field of its list, and the fields. */
const CODED: ReadonlyArray<{
  readonly type: RecordTypeId;
  readonly is: (texts: RecordTexts) => boolean;
  readonly fields: readonly string[];
}> = [
  {
    type: 'infusion',
    is: (t) => t.get('subject_id') === 'P01' && t.get('infusion_date') === '2019-02-04',
    fields: INFUSION_FIELDS_ACCEPTING_MISSING_CODES,
  },
  {
    type: 'medication',
    is: (t) => t.get('subject_id') === 'P01' && t.get('drug') === 'methotrexate',
    fields: MEDICATION_FIELDS_ACCEPTING_MISSING_CODES,
  },
  {
    type: 'eligibility_assessment',
    is: (t) => t.get('subject_id') === 'P01' && t.get('criterion_id') === 'infection_or_malignancy',
    fields: ELIGIBILITY_FIELDS_ACCEPTING_MISSING_CODES,
  },
];

/** The code given to the i-th field: every code of the list is used. */
const codeFor = (i: number) => MISSING_CODES[i % MISSING_CODES.length] as string;

/** msc-pilot with a code on every field that accepts one, on one record of each type. */
function codedSubjects(edit: (type: RecordTypeId, texts: Map<string, string>) => void = () => {}) {
  let coded = 0;
  const subjects = readBundleSubjects(join(EXAMPLES, 'msc-pilot')).map((subject) => {
    const records = new Map(subject.records);
    for (const { type, is, fields } of CODED)
      records.set(
        type,
        (records.get(type) ?? []).map((record) => {
          if (!is(record.texts)) return record;
          coded++;
          const texts = new Map(record.texts);
          fields.forEach((name, i) => {
            texts.delete(name);
            texts.set(`${name}_missing`, codeFor(i));
          });
          edit(type, texts);
          return { ...record, texts };
        }),
      );
    return { ...subject, records };
  });
  assert.equal(coded, CODED.length, 'the example has each record to code');
  return subjects;
}

const FILES: Readonly<Record<string, string>> = {
  infusion: 'infusions.csv',
  medication: 'medications.csv',
  eligibility_assessment: 'eligibility.csv',
};

describe('codes on the other record types in a bundle (CSV)', () => {
  test('every coded field is written in its own column and read back as written; the bundle validates', () => {
    const dir = scratchDir();
    const records = byType(codedSubjects());
    writeBundleFolder(dir, records);
    for (const { type, is, fields } of CODED) {
      const read = readBundleTexts(join(dir, FILES[type] as string)).find(is);
      const written = (records.get(type) ?? []).find(is);
      assert.deepEqual(sorted(read), sorted(written), type);
      fields.forEach((name, i) => {
        assert.equal(read?.get(`${name}_missing`), codeFor(i), `${type}.${name}_missing`);
        assert.equal(read?.has(name), false, `${type}.${name} left empty`);
      });
    }
    assert.deepEqual(readBundle(dir, 50).problems.problems, []);
  });

  test('a required answer with neither a value nor a code is refused, naming the companion column', () => {
    const dir = scratchDir();
    const refused = byType(
      codedSubjects((type, t) => {
        if (type === 'eligibility_assessment') t.delete('value_missing');
      }),
    );
    writeBundleFolder(dir, refused);
    const problems = readBundle(dir, 50).problems.problems;
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0]?.file, 'eligibility.csv');
    assert.equal(problems[0]?.column, 'value');
    assert.match(
      problems[0]?.message ?? '',
      /required value is empty: give it, or in value_missing/,
    );
  });

  test('a value beside its code is refused, at the code', () => {
    const dir = scratchDir();
    writeBundleFolder(
      dir,
      byType(
        codedSubjects((type, t) => {
          if (type === 'infusion') t.set('pre_heart_rate', '90');
        }),
      ),
    );
    const problems = readBundle(dir, 50).problems.problems;
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0]?.column, 'pre_heart_rate_missing');
    assert.match(problems[0]?.message ?? '', /not both/);
  });
});

const odm = standardFiles('odm-1.3.2');

describe('codes on the other record types in ODM 1.3.2', () => {
  test('each code is its companion item; a required field that takes a code is not Mandatory', async () => {
    const xml = await snapshotOf(codedSubjects());
    assert.match(xml, /IT\.INFUSION\.PRE_HEART_RATE_MISSING" Value="ND"/);
    assert.match(xml, /IT\.MEDICATION\.STOP_REASON_MISSING" Value="UNK"/);
    assert.match(xml, /IT\.ELIGIBILITY_ASSESSMENT\.VALUE_MISSING" Value="ND"/);
    assert.match(xml, /<ItemRef ItemOID="IT\.ELIGIBILITY_ASSESSMENT\.VALUE"[^>]*Mandatory="No"/);
    assert.match(xml, /<ItemRef ItemOID="IT\.INFUSION\.WEIGHT_KG"[^>]*Mandatory="Yes"/);
  });

  test('the Snapshot validates against the official schema', {
    skip: skipWithout(odm),
  }, async () => {
    const path = join(scratchDir(), 'study.xml');
    writeFileSync(path, await snapshotOf(codedSubjects()));
    const verdict = await validateOdmFile(path, schemaDirOf(odm));
    assert.deepEqual(verdict.errors, []);
  });

  test('every code reads back as written (round trip), and the bundle it makes validates', async () => {
    const subjects = codedSubjects();
    const reading = readOdmSnapshot(await snapshotOf(subjects));
    const written = byType(subjects);
    for (const { type, is } of CODED)
      assert.deepEqual(
        sorted((reading.records.get(type) ?? []).find(is)),
        sorted((written.get(type) ?? []).find(is)),
        type,
      );
    const dir = scratchDir();
    writeBundleFolder(dir, reading.records);
    assert.deepEqual(readBundle(dir, 50).problems.problems, []);
  });
});

const fhir = standardFiles('fhir-r4');

describe('codes on the other record types in FHIR R4', () => {
  test('a vital sign, a dose, a stop reason: Observations with their dataAbsentReason', async () => {
    const found = observations(await fhirOf(codedSubjects()));
    const heartRate = found.filter(
      (o) => o.code.coding?.[0]?.code === '8867-4' && o.dataAbsentReason,
    );
    assert.equal(heartRate.length, 2, 'before and after the infusion');
    assert.deepEqual(
      heartRate.map((o) => o.dataAbsentReason?.coding?.[0]?.code).sort(),
      ['not-applicable', 'not-performed'],
      'pre_heart_rate ND, post_heart_rate NA (the fifth field after it)',
    );
    for (const o of heartRate) assert.equal(o.valueQuantity, undefined);
    const stopReason = found.find(
      (o) => o.code.text === 'Why it was stopped' && o.dataAbsentReason,
    );
    assert.equal(stopReason?.dataAbsentReason?.coding?.[0]?.code, 'unknown');
    assert.ok(stopReason?.focus?.[0]?.reference, 'about its MedicationStatement');
  });

  test('an eligibility answer given as a code: a component with its dataAbsentReason', async () => {
    const found = observations(await fhirOf(codedSubjects()));
    const components = found.flatMap((o) => o.component ?? []);
    const answers = components.filter(
      (c) => c.code.text === "Whether the criterion's statement is true for the subject",
    );
    const answer = answers.find((c) => c.dataAbsentReason !== undefined);
    assert.ok(answer, JSON.stringify(answers));
    assert.equal(answers.filter((c) => c.valueBoolean !== undefined).length, answers.length - 1);
    assert.deepEqual(answer.dataAbsentReason?.coding?.[0], {
      system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
      code: 'not-performed',
      display: 'Not Performed',
    });
    assert.equal(answer.valueBoolean, undefined);
  });

  describe('validated', { skip: skipWithout(fhir) }, () => {
    let validator: FhirValidator;
    before(async () => {
      validator = await fhirValidator(schemaDirOf(fhir));
    });
    test('every resource validates (HL7 schema, medplum)', async () => {
      assert.deepEqual(validator.bundle(await fhirOf(codedSubjects())), []);
    });
  });
});
