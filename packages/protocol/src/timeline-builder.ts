/**
 * Terse timelines for tests and examples (`@jia-trial/protocol/testing`, not the package's main
 * entry: its defaults are invented): a subject with defaults, and visits, medications,
 * infusions and AEs from their few meaningful fields.
 */
import type { VisitObservation } from '@jia-trial/outcomes';
import type {
  SubjectTimeline,
  TimelineAdverseEvent,
  TimelineInfusion,
  TimelineMedication,
  TimelineVisit,
  VitalSigns,
} from './timeline.js';

export const NO_VITALS: VitalSigns = {
  heartRate: null,
  systolicBp: null,
  diastolicBp: null,
  temperatureC: null,
  spo2: null,
};

export function subject(fields: Partial<SubjectTimeline> = {}): SubjectTimeline {
  return {
    subjectId: 'S1',
    sex: 'F',
    birthDate: '2008-03-15',
    ilarCategory: 'polyarticular_rf_negative',
    diagnosisDate: '2012-01-10',
    enrolmentDate: '2020-01-06',
    consentDate: null,
    withdrawalDate: null,
    visits: [],
    medications: [],
    infusions: [],
    adverseEvents: [],
    ...fields,
  };
}

export const visit = (
  visitId: string,
  date: string,
  observation: VisitObservation = {},
): TimelineVisit => ({
  visitId,
  date,
  observation,
});

export const medication = (
  drug: string,
  drugClass: TimelineMedication['drugClass'],
  startDate: string,
  stop: { stopDate?: string; stopReason?: TimelineMedication['stopReason'] } = {},
): TimelineMedication => ({
  drug,
  drugClass,
  startDate,
  stopDate: stop.stopDate ?? null,
  stopReason: stop.stopReason ?? null,
});

export const infusion = (
  date: string,
  fields: Partial<TimelineInfusion> = {},
): TimelineInfusion => ({
  date,
  time: null,
  weightKg: 30,
  cellsPerKg: 2e6,
  totalCells: 6e7,
  productLot: 'LOT-1',
  infusionReaction: false,
  volumeMl: null,
  pre: NO_VITALS,
  post: NO_VITALS,
  ...fields,
});

export const adverseEvent = (
  aeId: string,
  onsetDate: string,
  fields: Partial<TimelineAdverseEvent> = {},
): TimelineAdverseEvent => ({
  aeId,
  term: 'Upper respiratory tract infection',
  onsetDate,
  onsetTime: null,
  resolutionDate: null,
  worsenedDate: null,
  grade: 1,
  serious: false,
  related: 'not_related',
  preferredTerm: null,
  systemOrganClass: null,
  awarenessDate: onsetDate,
  reportedDate: null,
  ...fields,
});
