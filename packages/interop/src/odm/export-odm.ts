/**
 * A stored study as ODM, from what the store reads (readStudyForExchange): the Snapshot of its
 * subjects, or with `transactional` its whole audit trail, each visit in the event it fulfils
 * now. For that the subjects are read first, only the records that place a visit in the schedule
 * (VISIT_EVENT_RECORD_TYPES, without their trail, a visit's id, subject and date only), and each visit's event kept compactly
 * (VisitEventIndex: an integer per visit id).
 */
import type { ProtocolDefinition } from '@jia-trial/protocol';
import type { ExchangeStudy, SubjectReadOptions, SubjectRecords } from '../exchange/study-data.js';
import { VISIT_EVENT_RECORD_TYPES, VISIT_EVENT_VISIT_COLUMNS, visitEvents } from './odm-events.js';
import { VisitEventIndex } from './visit-event-index.js';
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
  /** The subjects with all their records, or with what `options` asks for. */
  readonly subjects: (options?: SubjectReadOptions) => AsyncIterable<SubjectRecords>;
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
    const { subjects } = await writeOdmSnapshot(
      write,
      study,
      input.subjects({ readAhead: true }),
      options,
    );
    return { subjects, changes: null, signatures: null };
  }
  const events = new VisitEventIndex();
  let subjects = 0;
  // A visit's id, subject and date place it: not its 45 columns (docs/performance.md).
  const first = {
    types: VISIT_EVENT_RECORD_TYPES,
    trail: false,
    readAhead: true,
    columns: { visit: VISIT_EVENT_VISIT_COLUMNS },
  };
  for await (const subject of input.subjects(first)) {
    subjects++;
    events.add(subject.subjectId, visitEvents(input.protocol, subject));
  }
  const { changes, signatures } = await writeOdmTransactional(
    write,
    study,
    input.changes(),
    (subjectId, visitId) => events.get(subjectId, visitId),
    options,
  );
  return { subjects, changes, signatures };
}
