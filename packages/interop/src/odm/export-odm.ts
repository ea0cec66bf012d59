/**
 * A stored study as ODM, from what the store reads (readStudyForExchange): the Snapshot of its
 * subjects, or with `transactional` its whole audit trail, each visit in the event it fulfils
 * now (the subjects are read first for that: visit ids only are kept).
 */
import type { ProtocolDefinition } from '@jia-trial/protocol';
import type { ExchangeStudy, SubjectRecords } from '../exchange/study-data.js';
import { type VisitEvent, visitEvents } from './odm-events.js';
import {
  type OdmFileOptions,
  type TrailEvent,
  type WriteText,
  writeOdmSnapshot,
  writeOdmTransactional,
} from './write-odm.js';

export interface OdmExportInput {
  readonly study: Omit<ExchangeStudy, 'protocol'>;
  readonly protocol: ProtocolDefinition | null;
  readonly subjects: () => AsyncIterable<SubjectRecords>;
  readonly changes: () => AsyncIterable<TrailEvent>;
}

export async function exportOdm(
  write: WriteText,
  input: OdmExportInput,
  options: OdmFileOptions & { readonly transactional: boolean },
): Promise<{
  readonly subjects: number;
  readonly changes: number | null;
  readonly signatures: number | null;
}> {
  const study: ExchangeStudy = { ...input.study, protocol: input.protocol };
  if (!options.transactional) {
    const { subjects } = await writeOdmSnapshot(write, study, input.subjects(), options);
    return { subjects, changes: null, signatures: null };
  }
  const events = new Map<string, VisitEvent>();
  let subjects = 0;
  for await (const subject of input.subjects()) {
    subjects++;
    for (const [visitId, event] of visitEvents(input.protocol, subject))
      events.set(`${subject.subjectId}\u0000${visitId}`, event);
  }
  const { changes, signatures } = await writeOdmTransactional(
    write,
    study,
    input.changes(),
    (subjectId, visitId) => events.get(`${subjectId}\u0000${visitId}`),
    options,
  );
  return { subjects, changes, signatures };
}
