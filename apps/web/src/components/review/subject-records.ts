/**
 * The subject's records the review parts name (visits, infusions, adverse events), each with its
 * table, its key as the audit trail writes it and a label, in the page's order.
 */
import type { SubjectRecords } from '../subject/subject-data';
import type { QueryableRecord } from './RaiseQuery';
import { recordKeyOf } from './record-keys';

export function reviewableRecords(
  studyId: string,
  subjectId: string,
  records: SubjectRecords,
): QueryableRecord[] {
  return [
    ...records.visits.map((v) => ({
      table: 'visit' as const,
      recordKey: recordKeyOf(studyId, 'visit', { visitId: v.visitId }),
      label: `Visit ${v.visitId} (${v.date})`,
    })),
    ...records.infusions.map((i) => ({
      table: 'infusion' as const,
      recordKey: recordKeyOf(studyId, 'infusion', { subjectId, infusionDate: i.date }),
      label: `Infusion of ${i.date}`,
    })),
    ...records.adverseEvents.map((a) => ({
      table: 'adverse_event' as const,
      recordKey: recordKeyOf(studyId, 'adverse_event', { aeId: a.aeId }),
      label: `Adverse event ${a.aeId}: ${a.term} (${a.onsetDate})`,
    })),
  ];
}
