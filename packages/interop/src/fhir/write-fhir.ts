/**
 * Writing a study as a FHIR R4 Bundle of type `collection` (docs/interop.md), streamed one
 * subject at a time: the ResearchStudy and jia-trial's CodeSystems first, then each subject's
 * resources (fhir-resources.ts), then the Group of the enrolled. `ndjson`, when given, receives
 * every resource as one line of its resource type's file (FHIR Bulk Data's NDJSON).
 */
import type { FhirResource, Group, ResearchStudy } from 'fhir/r4.js';
import type { ExchangeStudy, SubjectRecords } from '../exchange/study-data.js';
import type { WriteText } from '../odm/write-odm.js';
import { codeListSystems, measuresCodeSystem, STUDY_IDENTIFIER_SYSTEM } from './fhir-codes.js';
import {
  type DateRules,
  type FhirEntry,
  subjectResources,
  urnOf,
  uuidFor,
} from './fhir-resources.js';

export interface FhirFileOptions {
  /** ISO 8601 date-time of the export (Bundle.timestamp). */
  readonly timestamp: string;
  readonly rules: DateRules;
  /** Also each resource as an NDJSON line of its type. */
  readonly ndjson?: (resourceType: string, line: string) => void | Promise<void>;
}

const CHUNK = 1 << 16;

export async function writeFhirBundle(
  write: WriteText,
  study: ExchangeStudy,
  subjects: AsyncIterable<SubjectRecords> | Iterable<SubjectRecords>,
  options: FhirFileOptions,
): Promise<{ subjects: number; resources: number }> {
  const researchStudy = urnOf(uuidFor(`${study.studyId}/ResearchStudy`));
  const bundleId = uuidFor(`${study.studyId}/Bundle/${options.timestamp}`);
  let buffer = `{"resourceType":"Bundle","id":"${bundleId}","type":"collection","timestamp":${JSON.stringify(options.timestamp)},"entry":[\n`;
  let first = true;
  let resources = 0;
  const emit = async (entry: FhirEntry) => {
    buffer += `${first ? '' : ',\n'}${JSON.stringify(entry)}`;
    first = false;
    resources++;
    if (options.ndjson)
      await options.ndjson(entry.resource.resourceType, JSON.stringify(entry.resource));
    if (buffer.length >= CHUNK) {
      await write(buffer);
      buffer = '';
    }
  };
  const withId = (fullUrl: string, resource: FhirResource): FhirEntry => ({
    fullUrl,
    resource: { ...resource, id: fullUrl.slice('urn:uuid:'.length) } as FhirResource,
  });
  await emit(
    withId(researchStudy, {
      resourceType: 'ResearchStudy',
      identifier: [{ system: STUDY_IDENTIFIER_SYSTEM, value: study.studyId }],
      title: study.title ?? study.protocol?.title ?? study.studyId,
      status: 'active',
      ...(study.protocol
        ? { description: `Protocol ${study.protocol.id}, version ${study.protocol.version}` }
        : {}),
    } satisfies ResearchStudy),
  );
  for (const system of [measuresCodeSystem(), ...codeListSystems()])
    await emit(withId(urnOf(uuidFor(`CodeSystem/${system.url}`)), system));
  const enrolled: string[] = [];
  let count = 0;
  for await (const subject of subjects) {
    count++;
    const built = subjectResources(subject, {
      studyId: study.studyId,
      researchStudy,
      rules: options.rules,
    });
    if (built.enrolled) enrolled.push(built.patient);
    for (const entry of built.entries) await emit(entry);
  }
  await emit(
    withId(urnOf(uuidFor(`${study.studyId}/Group/enrolled`)), {
      resourceType: 'Group',
      type: 'person',
      actual: true,
      name: `Subjects enrolled in ${study.studyId}`,
      quantity: enrolled.length,
      member: enrolled.map((reference) => ({ entity: { reference } })),
    } satisfies Group),
  );
  await write(`${buffer}\n]}\n`);
  return { subjects: count, resources };
}
