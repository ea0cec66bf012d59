/**
 * Writing a study as a FHIR R4 Bundle of type `collection` (docs/interop.md), streamed one
 * subject at a time: the ResearchStudy and jia-trial's CodeSystems first, then each subject's
 * resources (fhir-resources.ts), then the Group of the enrolled. `ndjson`, when given, receives
 * every resource as one line of its resource type's file (FHIR Bulk Data's NDJSON).
 */
import type { CodeSystem, Group, ResearchStudy } from 'fhir/r4.js';
import type { ExchangeStudy, SubjectRecords } from '../exchange/study-data.js';
import { BundleBytes } from './fhir-bytes.js';
import { codeListSystems, measuresCodeSystem, STUDY_IDENTIFIER_SYSTEM } from './fhir-codes.js';
import { urnOf, uuidFor } from './fhir-ids.js';
import { type DateRules, subjectResources } from './fhir-resources.js';

export interface FhirFileOptions {
  /** ISO 8601 date-time of the export (Bundle.timestamp). */
  readonly timestamp: string;
  readonly rules: DateRules;
  /** Also each resource as an NDJSON line of its type. */
  readonly ndjson?: (resourceType: string, line: string) => void | Promise<void>;
  /**
   * True: the writer is done with a chunk once the promise of its write resolves (it was written
   * out, not kept), so that its memory is filled again; else each chunk is new memory, the
   * writer's to keep.
   */
  readonly recycle?: boolean;
}

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
  const out = new BundleBytes(options.ndjson !== undefined);
  out.text(
    `{"resourceType":"Bundle","id":"${bundleId}","type":"collection","timestamp":${JSON.stringify(options.timestamp)},"entry":[\n`,
  );
  // The write in progress: the next chunk is made while the last one is written (the writer is
  // never called again before its last write is done). Its failure is seen when it is awaited.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const lines = out.lines;
    if (options.ndjson && lines) {
      for (let i = 0; i < lines.length; i += 2)
        await options.ndjson(lines[i] as string, lines[i + 1] as string);
      lines.length = 0;
    }
    for (const chunk of out.ready) {
      await writing;
      const written = Promise.resolve(write(chunk));
      writing = options.recycle ? written.then(() => out.recycle(chunk)) : written;
      writing.catch(() => {});
    }
    out.ready.length = 0;
  };
  const add = (fullUrl: string, resource: ResearchStudy | CodeSystem | Group) => {
    const uuid = fullUrl.slice('urn:uuid:'.length);
    out.entry(resource.resourceType, uuid, JSON.stringify({ ...resource, id: uuid }));
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
  await flush();
  const enrolled: string[] = [];
  let count = 0;
  for await (const subject of subjects) {
    count++;
    const built = subjectResources(
      subject,
      { studyId: study.studyId, researchStudy, rules: options.rules },
      out,
    );
    if (built.enrolled) enrolled.push(built.patient);
    await flush();
  }
  add(urnOf(uuidFor(`${study.studyId}/Group/enrolled`)), {
    resourceType: 'Group',
    type: 'person',
    actual: true,
    name: `Subjects enrolled in ${study.studyId}`,
    quantity: enrolled.length,
    member: enrolled.map((reference) => ({ entity: { reference } })),
  });
  out.text('\n]}\n');
  out.finish();
  await flush();
  await writing;
  return { subjects: count, resources: out.count };
}
