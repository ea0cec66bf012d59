/**
 * Which StudyEventDef a recorded visit belongs to: the scheduled visit of the protocol it
 * fulfils (the protocol engine's schedule, the matching the subject page shows), else the
 * repeating unscheduled visit. A study without a protocol has only unscheduled visits.
 */
import {
  RECORD_TYPES,
  type RecordTexts,
  type RecordTypeId,
  subjectTimelines,
  visitObservationOf,
} from '@jia-trial/dictionary';
import {
  buildSchedule,
  type ProtocolDefinition,
  type ScheduledVisitDefinition,
} from '@jia-trial/protocol';
import { recordsOf, type SubjectRecords } from '../exchange/study-data.js';
import { UNSCHEDULED_EVENT_OID } from './odm-layout.js';

export interface VisitEvent {
  readonly oid: string;
  /** The repeat key when the event repeats (the visit's id); undefined when it does not. */
  readonly repeatKey: string | undefined;
}

/** The OID of a scheduled visit's StudyEventDef: `SE.` and its name, upper case, `_` for others. */
export function scheduledEventOid(visit: Pick<ScheduledVisitDefinition, 'name'>): string {
  return `SE.${visit.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** A scheduled visit repeats when it is laid out after every infusion. */
export function isRepeatingVisit(visit: ScheduledVisitDefinition): boolean {
  return visit.anchor === 'each_infusion';
}

/** The record types visitEvents reads (a subject read with only these places its visits). */
export const VISIT_EVENT_RECORD_TYPES: readonly RecordTypeId[] = [
  'subject',
  'visit',
  'medication',
  'infusion',
  'adverse_event',
  'eligibility_assessment',
];

/**
 * The columns of a visit visitEvents reads (a visit read with only these is placed by its date:
 * its observations, which the schedule does not read, are not in it).
 */
export const VISIT_EVENT_VISIT_COLUMNS: readonly string[] = [
  'visit_id',
  'subject_id',
  'visit_date',
];

const texts = (subject: SubjectRecords, type: Parameters<typeof recordsOf>[1]): RecordTexts[] =>
  recordsOf(subject, type).map((r) => r.texts);

/** Each visit of the subject with its event. */
export function visitEvents(
  protocol: ProtocolDefinition | null,
  subject: SubjectRecords,
): Map<string, VisitEvent> {
  const visits = texts(subject, 'visit');
  const events = new Map<string, VisitEvent>();
  if (protocol !== null && RECORD_TYPES.some((r) => r.id === 'visit')) {
    const [timeline] = subjectTimelines({
      subjects: texts(subject, 'subject'),
      medications: texts(subject, 'medication'),
      infusions: texts(subject, 'infusion'),
      adverseEvents: texts(subject, 'adverse_event'),
      eligibility: texts(subject, 'eligibility_assessment'),
      visits: visits.map((row) => [
        subject.subjectId,
        {
          visitId: row.get('visit_id') ?? '',
          date: row.get('visit_date') ?? '',
          // Read only if asked for: the schedule places a visit by its date (buildSchedule), and
          // reading the observations of every visit was most of a Transactional export's first
          // pass (docs/performance.md).
          get observation() {
            return visitObservationOf(row);
          },
        },
      ]),
    });
    if (timeline) {
      // The day of evaluation changes only the statuses, not which visit fulfils which slot.
      const schedule = buildSchedule(protocol, timeline, '9999-12-31');
      for (const slot of schedule.visits) {
        if (slot.visitId === null) continue;
        const definition = protocol.schedule.visits.find((v) => v.name === slot.name);
        if (!definition) continue;
        const repeating = isRepeatingVisit(definition);
        events.set(slot.visitId, {
          oid: scheduledEventOid(definition),
          repeatKey: repeating ? slot.visitId : undefined,
        });
      }
    }
  }
  for (const row of visits) {
    const id = row.get('visit_id') ?? '';
    if (!events.has(id)) events.set(id, { oid: UNSCHEDULED_EVENT_OID, repeatKey: id });
  }
  return events;
}
