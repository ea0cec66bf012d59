import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  RECORD_TYPES,
  type RecordTexts,
  type RecordType,
  type RecordTypeId,
} from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { MSC_JIA } from '@jia-trial/protocols';
import {
  readBundleSubjects,
  readBundleTexts,
  writeBundleFolder,
} from '../exchange/bundle-records.js';
import { schemaDirOf, skipWithout, standardFiles } from '../exchange/standards-files.js';
import type { ExchangeStudy, SubjectRecords } from '../exchange/study-data.js';
import { scratchDir } from '../test-support.js';
import { itemOid, odmForms, structuralFields } from './odm-layout.js';
import { readOdmSnapshot } from './read-odm.js';
import { validateOdmFile } from './validate-odm.test-support.js';
import { writeOdmSnapshot } from './write-odm.js';

const EXAMPLES = join(import.meta.dirname, '../../../../examples');
const BUNDLES = ['msc-pilot', 'msc-jia-demo'];
const odm = standardFiles('odm-1.3.2');
const skip = skipWithout(odm);
const schemaDir = () => schemaDirOf(odm);

const STUDY: ExchangeStudy = {
  studyId: 'pilot',
  title: null,
  protocol: MSC_JIA,
  sites: [{ code: 'S1', name: null }],
  actors: [],
};

async function snapshotOf(
  subjects: SubjectRecords[],
  study: ExchangeStudy = STUDY,
): Promise<string> {
  const parts: string[] = [];
  await writeOdmSnapshot(
    (text) => {
      parts.push(text);
    },
    study,
    subjects,
    { fileOid: 'F.test', creationDateTime: '2026-12-03T10:00:00Z', sourceSystemVersion: 'test' },
  );
  return parts.join('');
}

function written(xml: string): string {
  const path = join(scratchDir(), 'study.xml');
  writeFileSync(path, xml);
  return path;
}

/** A file's rows as sorted, comparable texts (the order of rows and the version column aside). */
function rowsOf(rows: readonly RecordTexts[]): string[] {
  return rows.map((row) => JSON.stringify([...row].filter(([k]) => k !== 'version').sort())).sort();
}

describe('ODM Snapshot: the official ODM 1.3.2 schema', { skip }, () => {
  for (const bundle of BUNDLES)
    test(`the example bundle ${bundle} as a Snapshot validates`, async () => {
      const xml = await snapshotOf(readBundleSubjects(join(EXAMPLES, bundle)));
      const verdict = await validateOdmFile(written(xml), schemaDir());
      assert.deepEqual(verdict.errors, []);
      assert.equal(verdict.valid, true);
    });

  test('a study without a protocol validates (every visit unscheduled)', async () => {
    const xml = await snapshotOf(readBundleSubjects(join(EXAMPLES, 'msc-pilot')), {
      ...STUDY,
      protocol: null,
    });
    assert.doesNotMatch(xml, /StudyEventOID="SE\.W4"/);
    assert.match(xml, /StudyEventOID="SE\.UNSCHEDULED" StudyEventRepeatKey="P01-V1"/);
    assert.equal((await validateOdmFile(written(xml), schemaDir())).valid, true);
  });

  test('the validation can fail: broken documents are rejected with the reason', async () => {
    const xml = await snapshotOf(readBundleSubjects(join(EXAMPLES, 'msc-pilot')));
    const broken = [
      [xml.replace(' FileOID="F.test"', ''), /FileOID/],
      [xml.replace('Repeating="Yes"', 'Repeating="Maybe"'), /Maybe/],
      [xml.replace(/<ProtocolName>[^<]*<\/ProtocolName>/, ''), /ProtocolName/],
      [
        xml.replace('<ItemData ItemOID="IT.SUBJECT.SEX"', '<ItemDatum ItemOID="IT.SUBJECT.SEX"'),
        /ItemDatum/,
      ],
    ] as const;
    for (const [text, reason] of broken) {
      assert.notEqual(text, xml, 'the edit applies');
      const verdict = await validateOdmFile(written(text), schemaDir());
      assert.equal(verdict.valid, false);
      assert.match(verdict.errors.join('\n'), reason);
    }
  });
});

describe('ODM Snapshot: what is written', () => {
  test('each stored value appears once, as the ItemData of its field', async () => {
    const subjects = readBundleSubjects(join(EXAMPLES, 'msc-pilot'));
    const xml = await snapshotOf(subjects);
    for (const record of RECORD_TYPES) {
      const structural = structuralFields(record);
      const rows = readBundleTexts(join(EXAMPLES, 'msc-pilot', record.file));
      for (const field of record.fields) {
        if (structural.has(field.name)) continue;
        const stored = rows.filter((r) => r.has(field.name)).length;
        const items = xml.split(`ItemOID="${itemOid(record.id, field.name)}"`).length - 1;
        // Once in its ItemGroupDef's ItemRef, then once per stored value.
        assert.equal(items - 1, stored, `${record.id}.${field.name}`);
      }
    }
  });

  test('a visit that fulfils a scheduled visit is in its event; others are unscheduled', async () => {
    const xml = await snapshotOf(readBundleSubjects(join(EXAMPLES, 'msc-pilot')));
    assert.match(xml, /StudyEventOID="SE\.PRE_INFUSION" StudyEventRepeatKey="P01-V0"/);
    assert.match(xml, /StudyEventOID="SE\.W4" StudyEventRepeatKey="P01-V1"/);
  });

  test('a record type added to the dictionary gets its form, group and items with no code change', () => {
    const jadi: RecordType = {
      id: 'jadi_finding' as RecordTypeId,
      label: 'JADI joint damage',
      file: 'jadi.csv' as RecordType['file'],
      optionalFile: true,
      key: ['visit_id', 'joint_code'],
      references: [{ fields: ['visit_id'], to: 'visit' }],
      fields: [
        ...(RECORD_TYPES.find((r) => r.id === 'joint_finding')?.fields.slice(0, 2) ?? []),
        {
          name: 'damage',
          key: 'damage',
          label: 'Damage',
          type: 'integer',
          required: true,
          storage: 'integer',
          range: { min: 0, max: 2 },
        },
      ],
    };
    const forms = odmForms([...RECORD_TYPES, jadi]);
    const form = forms.find((f) => f.oid === 'F.JADI_FINDING');
    assert.ok(form, 'a form for the new record type');
    assert.equal(form.event, 'visit');
    assert.equal(form.group.repeating, true);
    assert.deepEqual(
      form.group.items.map((i) => i.oid),
      ['IT.JADI_FINDING.JOINT_CODE', 'IT.JADI_FINDING.DAMAGE'],
    );
    // Every record type of the dictionary has its group.
    for (const record of RECORD_TYPES)
      assert.ok(
        odmForms().some((f) => f.group.record.id === record.id),
        record.id,
      );
  });
});

describe('ODM Snapshot: read back', () => {
  for (const bundle of BUNDLES)
    test(`${bundle}: the Snapshot reads back to the same records, file by file`, async () => {
      const dir = join(EXAMPLES, bundle);
      const reading = readOdmSnapshot(await snapshotOf(readBundleSubjects(dir)));
      const out = scratchDir();
      writeBundleFolder(out, reading.records);
      for (const record of RECORD_TYPES)
        assert.deepEqual(
          rowsOf(readBundleTexts(join(out, record.file))),
          rowsOf(readBundleTexts(join(dir, record.file))),
          record.file,
        );
      assert.equal(reading.protocolName, 'msc-jia');
    });

  test('text with markup, quotes, tabs and line breaks survives', async () => {
    const [subject] = readBundleSubjects(join(EXAMPLES, 'msc-pilot'));
    assert.ok(subject);
    const tricky = 'a < b & "c" \'d\'\tline\r\nnext é ✓';
    const records = new Map(subject.records);
    const own = records.get('subject')?.[0];
    assert.ok(own);
    records.set('subject', [{ texts: new Map([...own.texts, ['withdrawal_reason', tricky]]) }]);
    const reading = readOdmSnapshot(await snapshotOf([{ ...subject, records }]));
    assert.equal(reading.records.get('subject')?.[0]?.get('withdrawal_reason'), tricky);
  });

  test('what does not map is listed by OID and refused, nothing read', async () => {
    const xml = await snapshotOf(readBundleSubjects(join(EXAMPLES, 'msc-pilot')));
    const foreign = xml
      .replace('ItemOID="IT.SUBJECT.SEX" Value', 'ItemOID="IT.DM.SEX" Value')
      .replaceAll(
        '<ItemGroupData ItemGroupOID="IG.MEDICATION"',
        '<ItemGroupData ItemGroupOID="IG.CM"',
      );
    const error = (() => {
      try {
        readOdmSnapshot(foreign);
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.ok(error instanceof JiaError);
    assert.equal(error.code, 'VALIDATION_FAILED');
    const messages = error.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    assert.match(messages, /ItemOID IT\.DM\.SEX is not an item of IG\.SUBJECT/);
    assert.match(messages, /ItemGroupOID IG\.CM maps onto no record type/);
  });

  test('a Transactional file is refused for import', async () => {
    const xml = (await snapshotOf([])).replace('FileType="Snapshot"', 'FileType="Transactional"');
    assert.throws(
      () => readOdmSnapshot(xml),
      (e: unknown) =>
        e instanceof JiaError && /only a Snapshot is imported/.test(e.issues[0]?.message ?? ''),
    );
  });

  test('a file that is not XML is a specific error', () => {
    assert.throws(
      () => readOdmSnapshot(readFileSync(join(EXAMPLES, 'msc-pilot', 'subjects.csv'), 'utf8')),
      /not an ODM document|not an XML document/,
    );
  });
});

describe('the official schema files are found, checked, or the reason is given', () => {
  test('a folder without them gives the reason a test prints when it skips', () => {
    const found = standardFiles('odm-1.3.2', { JIA_STANDARDS_DIR: scratchDir() });
    assert.ok('missing' in found);
    assert.match(found.missing, /is not at .*odm-1\.3\.2.*JIA_STANDARDS_DIR/);
  });

  test('a schema file whose bytes differ from its checksum is refused', () => {
    const dir = scratchDir();
    const set = join(dir, 'odm-1.3.2');
    mkdirSync(set);
    writeFileSync(join(set, 'ODM1-3-2.xsd'), '<not-the-schema/>');
    writeFileSync(join(set, 'SHA256SUMS'), `${'0'.repeat(64)}  ODM1-3-2.xsd\n`);
    const found = standardFiles('odm-1.3.2', { JIA_STANDARDS_DIR: dir });
    assert.ok('missing' in found);
    assert.match(found.missing, /does not match its SHA256SUMS digest/);
  });
});
