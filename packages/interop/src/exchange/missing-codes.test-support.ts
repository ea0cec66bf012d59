/**
 * What the missing-data code tests of the visit (missing-codes.test.ts) and of the other record
 * types (missing-codes-records.test.ts) share: the example study, its records by type, and the
 * ODM Snapshot and FHIR Bundle written in memory with fixed time stamps.
 * Not built (tsconfig.build.json): it reads the example protocol, which this package does not
 * depend on.
 */
import { join } from 'node:path';
import type { RecordTexts, RecordTypeId } from '@jia-trial/dictionary';
import { MSC_JIA } from '@jia-trial/protocols';
import type { Bundle, Observation } from 'fhir/r4.js';
import { writeFhirBundle } from '../fhir/write-fhir.js';
import { writeOdmSnapshot } from '../odm/write-odm.js';
import type { ExchangeStudy, SubjectRecords } from './study-data.js';

export const EXAMPLES = join(import.meta.dirname, '../../../../examples');

export const STUDY: ExchangeStudy = {
  studyId: 'pilot',
  title: null,
  protocol: MSC_JIA,
  sites: [{ code: 'S1', name: null }],
  actors: [],
};

/** Every subject's records of each type, together. */
export function byType(subjects: readonly SubjectRecords[]): Map<RecordTypeId, RecordTexts[]> {
  const out = new Map<RecordTypeId, RecordTexts[]>();
  for (const subject of subjects)
    for (const [type, records] of subject.records)
      out.set(type, [...(out.get(type) ?? []), ...records.map((r) => r.texts)]);
  return out;
}

/** A record's fields as sorted [name, text] pairs, to compare two readings. */
export const sorted = (row: RecordTexts | undefined) => [...(row ?? [])].sort();

export async function snapshotOf(subjects: SubjectRecords[]): Promise<string> {
  const parts: string[] = [];
  await writeOdmSnapshot((t) => void parts.push(t), STUDY, subjects, {
    fileOid: 'F.test',
    creationDateTime: '2026-12-03T10:00:00Z',
    sourceSystemVersion: 'test',
  });
  return parts.join('');
}

export async function fhirOf(subjects: SubjectRecords[]): Promise<Bundle> {
  const parts: Uint8Array[] = [];
  await writeFhirBundle((t) => void parts.push(t), { ...STUDY, sites: [] }, subjects, {
    timestamp: '2026-12-03T10:00:00Z',
    rules: { shiftDays: 0, dropBefore: null },
  });
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as Bundle;
}

export const observations = (b: Bundle) =>
  (b.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is Observation => r?.resourceType === 'Observation');
