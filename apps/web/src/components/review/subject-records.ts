/**
 * The subject's records the review parts name (the subject's own record, visits, infusions,
 * adverse events, medications, eligibility answers), each with its table, its key as the audit
 * trail writes it and a label, in the page's order.
 */
import { wordsOf } from '../subject/format';
import type { SubjectRecords } from '../subject/subject-data';
import type { QueryableRecord } from './RaiseQuery';
import { recordKeyOf } from './record-keys';

export function reviewableRecords(
  studyId: string,
  subjectId: string,
  records: SubjectRecords,
): QueryableRecord[] {
  return [
    {
      table: 'subject' as const,
      recordKey: recordKeyOf(studyId, 'subject', { subjectId }),
      label: `Subject ${subjectId} (enrolment record)`,
    },
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
    ...records.medications.map((m) => ({
      table: 'medication' as const,
      recordKey: recordKeyOf(studyId, 'medication', {
        subjectId,
        drug: m.drug,
        startDate: m.startDate,
      }),
      label: `Medication ${m.drug} from ${m.startDate}`,
    })),
    ...records.eligibilityAnswers.map((e) => ({
      table: 'eligibility_assessment' as const,
      recordKey: recordKeyOf(studyId, 'eligibility_assessment', {
        subjectId,
        criterionId: e.criterionId,
      }),
      label: `Eligibility answer: ${wordsOf(e.criterionId)}`,
    })),
  ];
}
