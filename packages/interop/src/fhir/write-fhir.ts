/**
 * Writing a study as a FHIR R4 Bundle of type `collection` (docs/interop.md), streamed one
 * subject at a time: the ResearchStudy and jia-trial's CodeSystems first, then each subject's
 * resources (fhir-resources.ts), then the Group of the enrolled. `ndjson`, when given, receives
 * every resource as one line of its resource type's file (FHIR Bulk Data's NDJSON).
 */
import type { CodeSystem, Group, ResearchStudy } from 'fhir/r4.js';
import type { ExchangeStudy, SubjectRecords } from '../exchange/study-data.js';
import { codeListSystems, measuresCodeSystem, STUDY_IDENTIFIER_SYSTEM } from './fhir-codes.js';
import { urnOf, uuidFor } from './fhir-ids.js';
import { type DateRules, type ResourceSink, subjectResources } from './fhir-resources.js';

export interface FhirFileOptions {
  /** ISO 8601 date-time of the export (Bundle.timestamp). */
  readonly timestamp: string;
  readonly rules: DateRules;
  /** Also each resource as an NDJSON line of its type. */
  readonly ndjson?: (resourceType: string, line: string) => void | Promise<void>;
}

/** Bytes handed to the writer at a time. */
const BYTES_CHUNK = 1 << 20;
/**
 * Characters encoded at a time. The resources' text is joined in small pieces, which V8 keeps
 * as a tree of strings; encoding 32 Ki characters of it into a Buffer runs at GB/s, where
 * Buffer.from of a string of 1 Mi characters (or a stream's own encoding) ran at a tenth of
 * that (docs/performance.md).
 */
const TEXT_CHUNK = 1 << 15;

/** Receives the Bundle's bytes (UTF-8), in order; each chunk is the receiver's to keep. */
export type WriteBytes = (chunk: Uint8Array) => void | Promise<void>;

export async function writeFhirBundle(
  write: WriteBytes,
  study: ExchangeStudy,
  subjects: AsyncIterable<SubjectRecords> | Iterable<SubjectRecords>,
  options: FhirFileOptions,
): Promise<{ subjects: number; resources: number }> {
  const researchStudy = urnOf(uuidFor(`${study.studyId}/ResearchStudy`));
  const bundleId = uuidFor(`${study.studyId}/Bundle/${options.timestamp}`);
  let text = `{"resourceType":"Bundle","id":"${bundleId}","type":"collection","timestamp":${JSON.stringify(options.timestamp)},"entry":[\n`;
  let bytes = Buffer.allocUnsafeSlow(BYTES_CHUNK + 3 * TEXT_CHUNK);
  let used = 0;
  const ready: Uint8Array[] = [];
  const encode = () => {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (used + 3 * text.length > bytes.length) {
      if (used > 0) ready.push(bytes.subarray(0, used));
      bytes = Buffer.allocUnsafeSlow(Math.max(BYTES_CHUNK + 3 * TEXT_CHUNK, 3 * text.length));
      used = 0;
    }
    used += bytes.write(text, used, 'utf8');
    text = '';
    if (used >= BYTES_CHUNK) {
      ready.push(bytes.subarray(0, used));
      bytes = Buffer.allocUnsafeSlow(BYTES_CHUNK + 3 * TEXT_CHUNK);
      used = 0;
    }
  };
  let first = true;
  let resources = 0;
  const lines: string[] = [];
  const sink: ResourceSink = (resourceType, uuid, json) => {
    text += `${first ? '' : ',\n'}{"fullUrl":"urn:uuid:${uuid}","resource":${json}}`;
    first = false;
    resources++;
    if (options.ndjson) lines.push(resourceType, json);
    if (text.length >= TEXT_CHUNK) encode();
  };
  // The write in progress: the next chunk is made while the last one is written (the writer is
  // never called again before its last write is done). Its failure is seen when it is awaited.
  let writing: Promise<void> = Promise.resolve();
  const flush = async (all: boolean) => {
    if (options.ndjson) {
      for (let i = 0; i < lines.length; i += 2)
        await options.ndjson(lines[i] as string, lines[i + 1] as string);
      lines.length = 0;
    }
    if (all) {
      encode();
      if (used > 0) ready.push(bytes.subarray(0, used));
      used = 0;
    }
    for (const chunk of ready) {
      await writing;
      writing = Promise.resolve(write(chunk));
      writing.catch(() => {});
    }
    ready.length = 0;
  };
  const add = (fullUrl: string, resource: ResearchStudy | CodeSystem | Group) => {
    const uuid = fullUrl.slice('urn:uuid:'.length);
    sink(resource.resourceType, uuid, JSON.stringify({ ...resource, id: uuid }));
  };
  add(researchStudy, {
    resourceType: 'ResearchStudy',
    identifier: [{ system: STUDY_IDENTIFIER_SYSTEM, value: study.studyId }],
    title: study.title ?? study.protocol?.title ?? study.studyId,
    status: 'active',
    ...(study.protocol
      ? { description: `Protocol ${study.protocol.id}, version ${study.protocol.version}` }
      : {}),
  });
  for (const system of [measuresCodeSystem(), ...codeListSystems()])
    add(urnOf(uuidFor(`CodeSystem/${system.url}`)), system);
  await flush(false);
  const enrolled: string[] = [];
  let count = 0;
  for await (const subject of subjects) {
    count++;
    const built = subjectResources(
      subject,
      { studyId: study.studyId, researchStudy, rules: options.rules },
      sink,
    );
    if (built.enrolled) enrolled.push(built.patient);
    await flush(false);
  }
  add(urnOf(uuidFor(`${study.studyId}/Group/enrolled`)), {
    resourceType: 'Group',
    type: 'person',
    actual: true,
    name: `Subjects enrolled in ${study.studyId}`,
    quantity: enrolled.length,
    member: enrolled.map((reference) => ({ entity: { reference } })),
  });
  text += '\n]}\n';
  await flush(true);
  await writing;
  return { subjects: count, resources };
}
