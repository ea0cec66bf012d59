/**
 * Which alert an alert is, from one day to the next. The engine recomputes a subject's alerts
 * from the data on every evaluation and numbers none of them: an SAE_REPORT_DUE of Tuesday and
 * the same one on Wednesday (now overdue, with another message) are the same alert, about the
 * same adverse event. A person's acknowledgement is stored against that identity
 * (@jia-trial/store acknowledgeAlert), so that any later evaluation, in the server or the
 * browser, finds it again.
 *
 * The identity is the subject, the code and the alert's occasion: the record or event it is
 * about, named by its key (an AE's id, an infusion's date, a visit's id, a scheduled visit, a
 * stopped medication, an eligibility criterion). Its message, severity and figures are left out: they change while the
 * alert stays the same. Two alerts of one code on one subject always differ in their occasion
 * (each rule raises at most one alert of a code per occasion), which the tests check.
 */
import type { Alert, AlertCode } from './findings.js';

/** What an alert is about, and the day that occasion began (the alert's `raised on`). */
export interface AlertOccasion {
  /** The occasion's kind and key values, each URI-encoded, joined by `/` (`ae/AE7`). */
  readonly occasion: string;
  /** YYYY-MM-DD: the AE's awareness, the infusion, the visit, the window's end, the stop. */
  readonly raisedOn: string;
}

function text(alert: Alert, path: readonly string[]): string {
  let value: unknown = alert.data;
  for (const key of path) value = (value as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new RangeError(`a ${alert.code} alert has no ${path.join('.')} in its data`);
  return String(value);
}

/** The occasion text: its kind and values, each URI-encoded so that `/` separates them only. */
const occasionOf = (kind: string, ...values: readonly string[]) =>
  [kind, ...values].map(encodeURIComponent).join('/');

const OCCASIONS: Readonly<Record<AlertCode, (alert: Alert) => AlertOccasion>> = {
  SAE_REPORT_DUE: (a) => ({
    occasion: occasionOf('ae', text(a, ['aeId'])),
    raisedOn: text(a, ['awarenessDate']),
  }),
  SAE_REPORTED_LATE: (a) => ({
    occasion: occasionOf('ae', text(a, ['aeId'])),
    raisedOn: text(a, ['reportedDate']),
  }),
  INFUSION_REACTION: byInfusion,
  INFUSION_VITALS_MISSING: byInfusion,
  INFUSION_NOT_ALLOWED: byInfusion,
  DOSE_OUT_OF_TOLERANCE: byInfusion,
  MAS_CRITERIA_MET: byVisit,
  MAS_CRITERIA_UNDETERMINED: byVisit,
  MS_SCORE_AT_CUTOFF: byVisit,
  MAS_WATCH: (a) => ({
    occasion: occasionOf('medication', text(a, ['drug']), text(a, ['stopDate'])),
    raisedOn: text(a, ['stopDate']),
  }),
  // Signs are read on the latest visit of the watch: signs on a later visit are a new alert,
  // not one already acknowledged.
  MAS_SIGNS: (a) => ({
    occasion: occasionOf(
      'medication',
      text(a, ['drug']),
      text(a, ['stopDate']),
      text(a, ['latestVisit', 'visitId']),
    ),
    raisedOn: text(a, ['latestVisit', 'date']),
  }),
  // A trend is read up to a visit: a trend up to a later visit is a new alert.
  MAS_LAB_TREND: (a) => ({
    occasion: occasionOf(
      'medication',
      text(a, ['drug']),
      text(a, ['stopDate']),
      text(a, ['visitId']),
    ),
    raisedOn: text(a, ['date']),
  }),
  VISIT_OVERDUE: bySchedule,
  VISIT_MISSED: bySchedule,
  // One per criterion: the eligibility it is about is the subject's, read on the reference day.
  ELIGIBILITY_NONE_REGISTERED: (a) => ({
    occasion: occasionOf('criterion', text(a, ['criterionId'])),
    raisedOn: text(a, ['referenceDate']),
  }),
};

/** An infusion has one per subject and day (the infusion table's key). */
function byInfusion(a: Alert): AlertOccasion {
  const date = text(a, ['date']);
  return { occasion: occasionOf('infusion', date), raisedOn: date };
}

function byVisit(a: Alert): AlertOccasion {
  return { occasion: occasionOf('visit', text(a, ['visitId'])), raisedOn: text(a, ['date']) };
}

/** A scheduled visit: its name and the infusion series it belongs to (empty: enrolment's). */
function bySchedule(a: Alert): AlertOccasion {
  const infusion = a.data.infusion;
  return {
    occasion: occasionOf('schedule', text(a, ['name']), infusion == null ? '' : String(infusion)),
    raisedOn: text(a, ['windowEnd']),
  };
}

/** What an alert of the engine is about (a RangeError for data no rule of the engine makes). */
export function alertOccasion(alert: Alert): AlertOccasion {
  return OCCASIONS[alert.code](alert);
}

/**
 * The alert's id within its study: the subject, the code and the occasion, the subject URI-encoded
 * (`P01/SAE_REPORT_DUE/ae/AE7`). Readable in the audit trail, and unambiguous: no part but the
 * code's separators contains a `/`.
 */
export function alertId(subjectId: string, code: AlertCode, occasion: string): string {
  return `${encodeURIComponent(subjectId)}/${code}/${occasion}`;
}
